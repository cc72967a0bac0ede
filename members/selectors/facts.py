"""What members tells the nightly scores about each customer (analytics.facts), as of a night, in bulk.

One ORM-built query per fact group and chunk of customer ids (read as tuples, no model instances); nothing at or
after the end of the night counts. Registered in members/panels/analytics.py.

    member_tier      0 = not a member on the night (joined later, or left), else the tier's place in the tier
                     order, 1 … n (lowest rank first). The tier then is the last tier change before the night's
                     end; without one, the tier the first later change moved from; else the current tier.
    member_active    1 if the member earned or spent points in the 90 days up to the night's end
    points_redeemed  points spent on benefit redemptions by the night, less those given back by a cancellation

`members_facts` reads a chunk of ids (lo..hi), `members_facts_of` a list of ids (a sample, or a past day's owners
for the owners' churn tree): the same queries. `latest_activity` gives the owners' churn label its member activity.

Leaving the club is not dated (only the status is kept), so a member who has left reads 0 on every night.
"""

import datetime

import pandas as pd
from django.db.models import BigIntegerField, Count, F, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from analytics.selectors.facts import BATCH, customers_in, latest_between, night_end, read_frame
from crm_site.lookups import IdList
from members.models import EventRegistration, LedgerEntry, Member, Redemption, Tier, TierChange

ACTIVE_DAYS = 90
ACTIVE_KINDS = [LedgerEntry.Kind.EARN, LedgerEntry.Kind.SPEND]
COLUMNS = ["member_tier", "member_active", "points_redeemed"]


def _tiers(scope, night, end) -> pd.Series:
    order = {pk: place for place, pk in enumerate(Tier.objects.order_by("rank").values_list("pk", flat=True), 1)}
    changes = TierChange.objects.filter(member=OuterRef("pk"))
    before = changes.filter(at__lt=end).order_by("-at", "-id")
    after = changes.filter(at__gte=end).order_by("at", "id")
    rows = read_frame(
        Member.objects.filter(customers_in("customer", scope), joined_on__lte=night)
        .exclude(status=Member.Status.LEFT)
        .annotate(
            tier_then=Coalesce(
                Subquery(before.values("to_tier_id")[:1]),
                Subquery(after.values("from_tier_id")[:1]),
                Subquery(after.values("to_tier_id")[:1]),
                F("tier_id"),
                output_field=BigIntegerField(),
            )
        )
        .values_list("customer_id", "tier_then")
        .order_by(),
        ["customer_id", "tier_then"],
    )
    return rows.set_index("customer_id")["tier_then"].map(lambda pk: float(order.get(pk, 0))).rename("member_tier")


def _per_customer(scope, entries, name: str, aggregate) -> pd.DataFrame:
    """`entries` (ledger entries) of the members of `scope` with `aggregate` per customer: columns customer_id, name.

    A chunk's id range joins the members. A list of ids looks its members up first (the customer index), then reads
    their entries by member id (the ledger's member index): joined, PostgreSQL scanned every entry of the period
    instead (0.2 s for 5,000 owners on the bench data, against 0.08 s)."""
    if isinstance(scope, tuple):
        return read_frame(
            entries.filter(customers_in("member__customer", scope))
            .values("member__customer_id")
            .annotate(value=aggregate)
            .values_list("member__customer_id", "value")
            .order_by(),
            ["customer_id", name],
        )
    members = read_frame(
        Member.objects.filter(customer_id__any=IdList(scope)).values_list("pk", "customer_id").order_by(),
        ["member_id", "customer_id"],
    )
    rows = read_frame(
        entries.filter(member_id__any=IdList(members["member_id"].tolist()))
        .values("member_id")
        .annotate(value=aggregate)
        .values_list("member_id", "value")
        .order_by(),
        ["member_id", name],
    )
    return rows.merge(members, on="member_id")[["customer_id", name]]


def _active(scope, end) -> pd.Series:
    entries = LedgerEntry.objects.filter(
        kind__in=ACTIVE_KINDS, created_at__gte=end - datetime.timedelta(days=ACTIVE_DAYS), created_at__lt=end
    )
    rows = _per_customer(scope, entries, "n", Count("pk"))
    return rows.set_index("customer_id")["n"].gt(0).astype(float).rename("member_active")


def _redeemed(scope, end) -> pd.Series:
    entries = LedgerEntry.objects.filter(source_type=Redemption._meta.label_lower, created_at__lt=end)
    rows = _per_customer(scope, entries, "total", Sum("amount"))
    # Spends are negative, the credit back of a cancelled redemption positive: what is left was redeemed.
    return (
        rows.set_index("customer_id")["total"].map(lambda total: max(-float(total or 0), 0.0)).rename("points_redeemed")
    )


def members_facts(lo: int, hi: int, night) -> pd.DataFrame:
    """member_tier, member_active, points_redeemed of customers lo..hi as of `night`."""
    return _facts((lo, hi), night)


def members_facts_of(ids: list, night) -> pd.DataFrame:
    """The same facts of the customers `ids` as of `night` (in batches of analytics' BATCH ids)."""
    parts = [_facts(ids[start : start + BATCH], night) for start in range(0, len(ids), BATCH)]
    return pd.concat(parts) if parts else pd.DataFrame(columns=COLUMNS)


def _facts(scope, night) -> pd.DataFrame:
    end = night_end(night)
    frame = pd.concat(
        [_tiers(scope, night, end), _active(scope, end), _redeemed(scope, end)], axis=1, join="outer", sort=True
    ).fillna(0.0)
    frame = frame.reindex(columns=COLUMNS, fill_value=0.0)
    frame.index.name = "customer_id"
    return frame


def latest_activity(ids: list, since: datetime.datetime, until: datetime.datetime) -> pd.Series:
    """Each customer's latest member activity in [since, until), for the customers `ids` (the owners' churn label,
    analytics.churn_owners): points earned or spent (ledger entries), or an event checked in to."""
    window = LedgerEntry.objects.filter(kind__in=ACTIVE_KINDS, created_at__gte=since, created_at__lt=until)
    entries = [
        _per_customer(ids[start : start + BATCH], window, "at", Max("created_at"))
        for start in range(0, len(ids), BATCH)
    ]
    visits = latest_between(EventRegistration.objects.all(), ids, "checked_in_at", since, until).reset_index()
    both = pd.concat([*entries, visits])
    both["at"] = pd.to_datetime(both["at"], utc=True)
    return both.groupby("customer_id")["at"].max()
