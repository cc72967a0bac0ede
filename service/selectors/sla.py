"""Reads of the SLA machinery: the working calendar, the policy that applies, and a ticket's clock.

`clock(ticket)` recomputes a ticket's SLA state from its history rows: the same events give the same answer.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from service.calendar import Calendar
from service.models import CalendarDay, ServiceSettings, SlaPolicy, Ticket, TicketEvent, WorkingInterval

# Business minutes when no policy is configured: (first response, resolution).
FALLBACK_TARGETS = {
    Ticket.Priority.URGENT: (60, 8 * 60),
    Ticket.Priority.HIGH: (2 * 60, 2 * 8 * 60),
    Ticket.Priority.NORMAL: (4 * 60, 5 * 8 * 60),
    Ticket.Priority.LOW: (8 * 60, 10 * 8 * 60),
}
RUNNING = (Ticket.Status.NEW, Ticket.Status.ASSIGNED, Ticket.Status.IN_PROGRESS)


def calendar_current() -> Calendar:
    """The working calendar as admins configured it (the default week while none is)."""
    calendar = Calendar()
    week: dict[int, list] = {}
    for interval in WorkingInterval.objects.order_by("weekday", "starts"):
        week.setdefault(interval.weekday, []).append((interval.starts, interval.ends))
    if week:
        calendar.week = week
    calendar.overrides = dict(CalendarDay.objects.values_list("day", "working"))
    return calendar


def customer_class(customer) -> tuple[bool, int | None]:
    """(key account?, rank of the customer's active member tier or None): what a class policy matches on."""
    if customer is None:
        return False, None
    from members.models import Member

    rank = (
        Member.objects.filter(customer_id=customer.pk, status=Member.Status.ACTIVE)
        .values_list("tier__rank", flat=True)
        .first()
    )
    return bool(customer.key_account), rank


def policy_for(*, priority: str, category, customer=None) -> SlaPolicy | None:
    """The most specific policy for a ticket: a customer-class policy (members from a tier, the highest such tier
    first; then key accounts) wins over the policies for every customer; within a class, the ticket's own
    category wins over its parent's, a parent's over the grandparent's, and any category comes last."""
    policies = list(SlaPolicy.objects.filter(priority=priority).select_related("member_tier"))
    if not policies:
        return None
    depth = {}  # category id → distance from the ticket's category (None: the "any category" policies)
    node, seen, distance = category, set(), 0
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        depth[node.pk] = distance
        node, distance = node.parent, distance + 1
    key_account, tier_rank = (False, None)
    if any(policy.key_account or policy.member_tier_id for policy in policies):
        key_account, tier_rank = customer_class(customer)
    best, best_score = None, None
    for policy in policies:
        if policy.category_id is not None and policy.category_id not in depth:
            continue
        if policy.member_tier_id is not None:
            if tier_rank is None or tier_rank < policy.member_tier.rank:
                continue
            klass = (2, policy.member_tier.rank)
        elif policy.key_account:
            if not key_account:
                continue
            klass = (1, 0)
        else:
            klass = (0, 0)
        closeness = -depth[policy.category_id] if policy.category_id is not None else -len(depth) - 1
        score = (klass, closeness)
        if best_score is None or score > best_score:
            best, best_score = policy, score
    return best


def targets_for(*, priority: str, category, customer=None) -> tuple[int, int]:
    """(first response, resolution) business minutes of the most specific policy, else the fallback."""
    policy = policy_for(priority=priority, category=category, customer=customer)
    if policy is not None:
        return policy.first_response_minutes, policy.resolution_minutes
    return FALLBACK_TARGETS.get(priority, FALLBACK_TARGETS[Ticket.Priority.NORMAL])


@dataclass
class Clock:
    used: int  # business seconds counted so far (pauses and stops excluded)
    running: bool
    paused_at: datetime.datetime | None
    response_due_at: datetime.datetime | None
    resolution_due_at: datetime.datetime | None
    warn_at: datetime.datetime | None
    segments: list  # (start, end or None) running periods


def segments_of(ticket: Ticket, events) -> tuple[list, datetime.datetime | None, datetime.datetime | None]:
    """The running periods of a ticket's clock: closed (start, end) pairs, the open start, and the pause start."""
    closed, open_start, paused_at = [], ticket.created_at, None
    for event in events:
        if event.kind != TicketEvent.Kind.STATUS:
            continue
        if open_start is not None and event.to_status not in RUNNING:
            closed.append((open_start, event.at))
            open_start = None
            paused_at = event.at if event.to_status == Ticket.Status.WAITING else None
        elif open_start is None and event.to_status in RUNNING:
            open_start, paused_at = event.at, None
    return closed, open_start, paused_at


def deadline(calendar: Calendar, closed, open_start, seconds: int) -> datetime.datetime | None:
    """When `seconds` of business time are used up along the running periods (None while paused short of it)."""
    left = seconds
    for start, end in closed:
        span = calendar.seconds_between(start, end)
        if span >= left:
            return calendar.add(start, left)
        left -= span
    if open_start is None:
        return None
    return calendar.add(open_start, left)


def clock(
    ticket: Ticket, *, events=None, calendar: Calendar | None = None, now=None, share: int | None = None
) -> Clock:
    calendar = calendar or calendar_current()
    now = now or timezone.now()
    if events is None:
        events = list(TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.STATUS).order_by("at", "id"))
    if share is None:
        share = ServiceSettings.current().near_breach_percent
    closed, open_start, paused_at = segments_of(ticket, events)
    used = sum(calendar.seconds_between(start, min(end, now)) for start, end in closed if start < now)
    if open_start is not None and open_start < now:
        used += calendar.seconds_between(open_start, now)
    resolution = (ticket.resolution_target or 0) * 60
    response = (ticket.response_target or 0) * 60
    return Clock(
        used=used,
        running=open_start is not None,
        paused_at=paused_at,
        response_due_at=deadline(calendar, closed, open_start, response) if response else None,
        resolution_due_at=deadline(calendar, closed, open_start, resolution) if resolution else None,
        warn_at=deadline(calendar, closed, open_start, resolution * share // 100) if resolution else None,
        segments=[*closed, *([(open_start, None)] if open_start is not None else [])],
    )


def time_left(ticket: Ticket, now=None) -> dict:
    """What the queue shows: overdue by, or time left (wall clock), or paused; from the stored SLA fields."""
    now = now or timezone.now()
    if not ticket.is_open:
        return {"state": "stopped"}
    if ticket.paused_at is not None:
        left = max(0, (ticket.resolution_target or 0) - ticket.sla_used)
        return {"state": "paused", "minutes": left}
    if ticket.resolution_due_at is None:
        return {"state": "none"}
    delta = ticket.resolution_due_at - now
    minutes = int(abs(delta.total_seconds()) // 60)
    if delta.total_seconds() < 0:
        return {"state": "breached", "minutes": minutes}
    near = ticket.warn_at is not None and ticket.warn_at <= now
    return {"state": "near" if near else "ok", "minutes": minutes}
