"""Benchmark scenarios of the member club (`manage.py bench --only members.`); the nightly jobs are timed by
`manage.py bench_members` (expiry and reconciliation over the whole ledger)."""

from urllib.parse import quote

from crm_site.bench import Scenario, register


def _middle_member():
    from django.db.models import Max

    from members.models import Member

    top = Member.objects.aggregate(top=Max("pk"))["top"]
    if top is None:
        return None
    return Member.objects.select_related("customer").filter(pk__gte=top // 2).order_by("pk").first()


def _with(build):
    def url(user):
        member = _middle_member()
        return build(member) if member is not None else None

    return url


register(Scenario("members.lookup_card", "executive", _with(lambda m: f"/members/?q={m.card_no}"), note="302"))
register(
    Scenario("members.lookup_phone", "executive", _with(lambda m: f"/members/?q={quote(m.customer.phone)}"), note="302")
)
register(Scenario("members.page", "executive", _with(lambda m: f"/members/{m.pk}/")))
register(Scenario("members.list", "executive", lambda user: "/members/list/"))
register(Scenario("members.list_rep", "sales_rep", lambda user: "/members/list/", note="own customers only"))
register(Scenario("members.list_tier", "executive", lambda user: "/members/list/?tier=2&status=active"))
register(Scenario("members.dashboard", "executive", lambda user: "/members/dashboard/"))
register(
    Scenario("api.members.lookup", "executive", _with(lambda m: f"/api/v1/members/lookup/?q={m.card_no}"), api=True)
)
