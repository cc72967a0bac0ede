"""Reads of events and benefits: upcoming events with their fill, an event's registrations, what a member may
redeem."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from members.models import Benefit, ClubEvent, EventRegistration, Member, Redemption


def event_list(*, upcoming: bool = True) -> QuerySet[ClubEvent]:
    events = ClubEvent.objects.select_related("project", "campaign", "min_tier").annotate(
        seated=Count("registrations", filter=Q(registrations__status=EventRegistration.Status.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__status=EventRegistration.Status.WAITLISTED)),
        attended=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
    )
    if upcoming:
        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        return events.filter(starts_at__gte=start).order_by("starts_at", "id")
    return events.order_by("-starts_at", "-id")


def event_registrations(event: ClubEvent) -> list[EventRegistration]:
    return list(
        event.registrations.exclude(status=EventRegistration.Status.CANCELLED)
        .select_related("customer", "customer__membership")
        .order_by("status", "registered_at", "id")[:500]
    )


def benefits_for(member: Member) -> list[Benefit]:
    """Active benefits in their validity the member's tier reaches (stock and points checked on redeeming)."""
    today = timezone.localdate()
    rows = Benefit.objects.filter(active=True).select_related("min_tier")
    rows = rows.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
    rows = rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    rows = rows.filter(Q(min_tier__isnull=True) | Q(min_tier__rank__lte=member.tier.rank))
    return list(rows.order_by("points_price", "name")[:50])


def benefit_catalogue() -> QuerySet[Benefit]:
    """The whole catalogue for the staff page: active first, then by points price."""
    return Benefit.objects.select_related("min_tier").order_by("-active", "points_price", "name")


def redemption_list(*, user, status: str = "") -> QuerySet[Redemption]:
    rows = Redemption.objects.filter(member__in=Member.objects.visible_to(user)).select_related(
        "member__customer", "benefit"
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")
