"""Reads of tickets: one ticket in scope, the queue, a customer's and a unit's tickets, my-day lists."""

from django.db.models import Q
from django.utils import timezone

from service.models import Ticket, TicketEvent, TicketNote

QUEUE_RELATED = ("customer", "category__parent", "assignee", "project", "unit__building")


def ticket_get(*, user, pk) -> Ticket:
    return Ticket.objects.visible_to(user).select_related(*QUEUE_RELATED, "deal", "promise").get(pk=pk)


def ticket_list(*, user, status: str = "", kind: str = "", mine: bool = False, project=None, q: str = ""):
    """The queue: open tickets by deadline first (breached on top), or every ticket of a status."""
    # An agent's own queue needs no scope test (their tickets are theirs): one ordered scan of the open index.
    base = Ticket.objects.filter(assignee=user) if mine else Ticket.objects.visible_to(user)
    rows = base.select_related(*QUEUE_RELATED)
    if status == "open" or not status:
        rows = rows.open()
    elif status != "all":
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if project is not None:
        rows = rows.filter(project=project)
    if q:
        term = q.strip()[:100]
        match = Q(subject__icontains=term) | Q(customer__name__icontains=term)
        if term.isdecimal():
            match |= Q(pk=int(term))
        rows = rows.filter(match)
    return rows.order_by("resolution_due_at", "-id")


def queue_for(*, user, limit: int = 50):
    """An agent's own open tickets by deadline."""
    return list(
        Ticket.objects.open()
        .filter(assignee=user)
        .select_related(*QUEUE_RELATED)
        .order_by("resolution_due_at", "id")[:limit]
    )


def at_risk(*, user, now=None, limit: int = 11) -> list[Ticket]:
    """Open, running tickets past the near-breach share or breached: the agent's own; a manager's whole scope."""
    now = now or timezone.now()
    rows = (
        Ticket.objects.visible_to(user)
        if user.has_perm("service.manage_service")
        else Ticket.objects.filter(assignee=user)
    )
    rows = rows.open().filter(paused_at__isnull=True, warn_at__lte=now)
    return list(rows.select_related("customer").order_by("resolution_due_at")[:limit])


def history(ticket: Ticket) -> list[TicketEvent]:
    return list(ticket.events.select_related("by", "assignee").order_by("at", "id"))


def notes(ticket: Ticket, *, internal: bool = True) -> list[TicketNote]:
    rows = ticket.notes.select_related("by")
    if not internal:
        rows = rows.filter(internal=False)
    return list(rows)


def customer_tickets(*, customer, user, limit: int = 20) -> list[Ticket]:
    return list(
        Ticket.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("category__parent", "assignee")
        .order_by("-created_at")[:limit]
    )
