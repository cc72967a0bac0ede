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


def targets_for(*, priority: str, category) -> tuple[int, int]:
    """(first response, resolution) business minutes: the category's policy, its parents', else the priority's."""
    policies = {(policy.category_id): policy for policy in SlaPolicy.objects.filter(priority=priority)}
    node = category
    seen = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        if node.pk in policies:
            policy = policies[node.pk]
            return policy.first_response_minutes, policy.resolution_minutes
        node = node.parent
    if None in policies:
        return policies[None].first_response_minutes, policies[None].resolution_minutes
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
