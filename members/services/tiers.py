"""Tiers: the rule is that a member is owed the highest tier whose threshold they meet by either route
(qualifying points over the last 12 months, or contracted units owned). Promotion is immediate, on the write
that qualifies; demotion happens only at the yearly review, and never below the tier owed (which includes the
units route). Spending points never lowers the qualifying points: only earns count, less reversed awards."""

import datetime

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.models import LedgerEntry, Member, Tier, TierChange
from sales.models import Deal

WINDOW = datetime.timedelta(days=365)
QUALIFYING = Q(kind__in=[LedgerEntry.Kind.EARN, LedgerEntry.Kind.REVERSE])


def qualifying_points(member: Member, *, now=None) -> int:
    """Points earned in the 12 months up to `now`, less awards reversed in that time."""
    since = (now or timezone.now()) - WINDOW
    rows = member.entries.filter(QUALIFYING, created_at__gt=since)
    return rows.aggregate(total=Coalesce(Sum("amount"), 0))["total"]


def units_owned(customer_id: int) -> int:
    """Contracted units of the customer (live or handed over, not cancelled)."""
    return Deal.objects.contracts().filter(customer_id=customer_id).count()


def tier_owed(*, points: int, units: int, tiers=None) -> Tier | None:
    """The highest tier met by either route (the entry tier has no threshold)."""
    tiers = list(tiers if tiers is not None else Tier.objects.order_by("rank"))
    met = [tier for tier in tiers if tier.met_by(points=points, units=units)]
    return max(met, key=lambda tier: tier.rank) if met else None


def entry_tier() -> Tier:
    return Tier.objects.order_by("rank").first()


def _change(member: Member, to_tier: Tier, *, reason: str, points: int, units: int, by=None, note="") -> None:
    TierChange.objects.create(
        member=member,
        from_tier=member.tier,
        to_tier=to_tier,
        reason=reason,
        qualifying_points=points,
        units=units,
        by=by,
        note=note[:200],
    )
    member.tier = to_tier
    Member.objects.filter(pk=member.pk).update(tier=to_tier)


@transaction.atomic
def tier_promote(*, member: Member, by=None, now=None) -> bool:
    """Move the member up at once if they are owed a higher tier; True if they were promoted."""
    member = Member.objects.select_for_update(of=("self",)).select_related("tier").get(pk=member.pk)
    points, units = qualifying_points(member, now=now), units_owned(member.customer_id)
    owed = tier_owed(points=points, units=units)
    if owed is None or owed.rank <= member.tier.rank:
        return False
    _change(member, owed, reason=TierChange.Reason.PROMOTED, points=points, units=units, by=by)
    return True


def tiers_review(*, now=None) -> dict:
    """The yearly review: every active member is put in the tier owed now (up or down). Returns counts."""
    now = now or timezone.now()
    tiers = list(Tier.objects.order_by("rank"))
    counts = {"promoted": 0, "demoted": 0, "kept": 0}
    ids = list(Member.objects.filter(status=Member.Status.ACTIVE).values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), 500):
        with transaction.atomic():
            for member in (
                Member.objects.select_for_update(of=("self",))
                .select_related("tier")
                .filter(pk__in=ids[start : start + 500])
            ):
                points, units = qualifying_points(member, now=now), units_owned(member.customer_id)
                owed = tier_owed(points=points, units=units, tiers=tiers)
                if owed is None or owed.pk == member.tier_id:
                    counts["kept"] += 1
                    continue
                counts["promoted" if owed.rank > member.tier.rank else "demoted"] += 1
                _change(member, owed, reason=TierChange.Reason.REVIEW, points=points, units=units)
    return counts
