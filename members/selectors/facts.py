"""What members tells the nightly scores about each customer (analytics.facts), as of a night, in bulk.

One ORM-built query per fact group and chunk of customer ids (read as tuples, no model instances); nothing at or
after the end of the night counts. Registered in members/panels/analytics.py.

    member_tier      0 = not a member on the night (joined later, or left), else the tier's place in the tier
                     order, 1 … n (lowest rank first). The tier then is the last tier change before the night's
                     end; without one, the tier the first later change moved from; else the current tier.
    member_active    1 if the member earned or spent points in the 90 days up to the night's end
    points_redeemed  points spent on benefit redemptions by the night, less those given back by a cancellation

Leaving the club is not dated (only the status is kept), so a member who has left reads 0 on every night.
"""

import datetime

import pandas as pd
from django.db.models import BigIntegerField, Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from analytics.selectors.facts import night_end, read_frame
from members.models import LedgerEntry, Member, Redemption, Tier, TierChange

ACTIVE_DAYS = 90


def _tiers(lo: int, hi: int, night, end) -> pd.Series:
    order = {pk: place for place, pk in enumerate(Tier.objects.order_by("rank").values_list("pk", flat=True), 1)}
    changes = TierChange.objects.filter(member=OuterRef("pk"))
    before = changes.filter(at__lt=end).order_by("-at", "-id")
    after = changes.filter(at__gte=end).order_by("at", "id")
    rows = read_frame(
        Member.objects.filter(customer__pk__range=(lo, hi), joined_on__lte=night)
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


def _active(lo: int, hi: int, end) -> pd.Series:
    rows = read_frame(
        LedgerEntry.objects.filter(
            member__customer__pk__range=(lo, hi),
            kind__in=[LedgerEntry.Kind.EARN, LedgerEntry.Kind.SPEND],
            created_at__gte=end - datetime.timedelta(days=ACTIVE_DAYS),
            created_at__lt=end,
        )
        .values("member__customer_id")
        .annotate(n=Count("pk"))
        .order_by(),
        ["customer_id", "n"],
    )
    return rows.set_index("customer_id")["n"].gt(0).astype(float).rename("member_active")


def _redeemed(lo: int, hi: int, end) -> pd.Series:
    rows = read_frame(
        LedgerEntry.objects.filter(
            member__customer__pk__range=(lo, hi), source_type=Redemption._meta.label_lower, created_at__lt=end
        )
        .values("member__customer_id")
        .annotate(total=Sum("amount"))
        .order_by(),
        ["customer_id", "total"],
    )
    # Spends are negative, the credit back of a cancelled redemption positive: what is left was redeemed.
    return (
        rows.set_index("customer_id")["total"].map(lambda total: max(-float(total or 0), 0.0)).rename("points_redeemed")
    )


def members_facts(lo: int, hi: int, night) -> pd.DataFrame:
    """member_tier, member_active, points_redeemed of customers lo..hi as of `night`."""
    end = night_end(night)
    frame = pd.concat(
        [_tiers(lo, hi, night, end), _active(lo, hi, end), _redeemed(lo, hi, end)], axis=1, join="outer", sort=True
    ).fillna(0.0)
    frame.index.name = "customer_id"
    return frame
