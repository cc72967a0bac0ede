"""Benchmark scenarios of the member club (`manage.py bench --only members.`); the nightly jobs are timed by
`manage.py bench_members` (expiry and reconciliation over the whole ledger)."""

from urllib.parse import quote

from crm_site.bench import Input, Scenario, register, sample_ids


def _members(kind: str):
    """Random members across the id range; the lookups by card number or phone, the page by id."""

    def draw(user, rng, n):
        from members.models import Member

        ids = sample_ids(Member.objects.all(), rng, n)
        rows = {m.pk: m for m in Member.objects.select_related("customer").filter(pk__in=ids)}
        inputs = []
        for pk in ids:
            member = rows[pk]
            if kind == "card":
                inputs.append(Input(f"/members/?q={member.card_no}"))
            elif kind == "api":
                inputs.append(Input(f"/api/v1/members/lookup/?q={member.card_no}"))
            elif kind == "phone":
                inputs.append(Input(f"/members/?q={quote(member.customer.phone)}"))
            else:
                inputs.append(Input(f"/members/{member.pk}/", ("with ledger" if member.balance else "no points",)))
        return inputs

    return draw


register(Scenario("members.lookup_card", "executive", draw=_members("card"), min_distinct=3, note="302"))
register(Scenario("members.lookup_phone", "executive", draw=_members("phone"), min_distinct=3, note="302"))
register(Scenario("members.page", "executive", draw=_members("page"), min_distinct=3, note="random members"))
register(Scenario("members.list", "executive", lambda user: "/members/list/"))
register(Scenario("members.list_rep", "sales_rep", lambda user: "/members/list/", note="own customers only"))
register(Scenario("members.list_tier", "executive", lambda user: "/members/list/?tier=2&status=active"))
register(Scenario("members.dashboard", "executive", lambda user: "/members/dashboard/"))
register(Scenario("api.members.lookup", "executive", draw=_members("api"), min_distinct=3, api=True))
