"""Writes of the SLA machinery: keeping a ticket's stored clock current, and escalating breached tickets."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from service.models import Escalation, ServiceSettings, Ticket, TicketEvent
from service.selectors import sla as sla_selectors

logger = logging.getLogger(__name__)
MANAGE_PERMISSION = "service.manage_service"
SLA_FIELDS = ["response_due_at", "resolution_due_at", "warn_at", "sla_used", "paused_at"]


def sla_refresh(*, ticket: Ticket, now=None, calendar=None, save: bool = True) -> Ticket:
    """Recompute the ticket's stored SLA fields from its history rows (idempotent)."""
    state = sla_selectors.clock(ticket, now=now, calendar=calendar)
    ticket.response_due_at = state.response_due_at
    ticket.resolution_due_at = state.resolution_due_at
    ticket.warn_at = state.warn_at
    ticket.sla_used = state.used // 60
    ticket.paused_at = state.paused_at
    if save:
        Ticket.objects.filter(pk=ticket.pk).update(**{name: getattr(ticket, name) for name in SLA_FIELDS})
    return ticket


def sla_recount_open(*, now=None, chunk: int = 500) -> int:
    """After a calendar edit: every open ticket's deadlines recounted on the new calendar, in bulk (a chunk of
    tickets, their status rows in one query, one bulk UPDATE per chunk). Business time used is kept."""
    calendar = sla_selectors.calendar_current()
    share = ServiceSettings.current().near_breach_percent
    now = now or timezone.now()
    count, last_pk = 0, 0
    while True:
        tickets = list(Ticket.objects.open().filter(pk__gt=last_pk).order_by("pk")[:chunk])
        if not tickets:
            return count
        last_pk = tickets[-1].pk
        events: dict[int, list] = {}
        for event in TicketEvent.objects.filter(
            ticket__in=[ticket.pk for ticket in tickets], kind=TicketEvent.Kind.STATUS
        ).order_by("at", "id"):
            events.setdefault(event.ticket_id, []).append(event)
        for ticket in tickets:
            state = sla_selectors.clock(
                ticket, events=events.get(ticket.pk, []), calendar=calendar, now=now, share=share
            )
            ticket.response_due_at = state.response_due_at
            ticket.resolution_due_at = state.resolution_due_at
            ticket.warn_at = state.warn_at
            ticket.sla_used = state.used // 60
            ticket.paused_at = state.paused_at
        Ticket.objects.bulk_update(tickets, SLA_FIELDS, batch_size=chunk)
        count += len(tickets)


def _recount_after_commit() -> None:
    from service.tasks import sla_recount_task

    sla_recount_task.delay()


def calendar_changed() -> None:
    """A working interval or a calendar day was saved or deleted: recount the open tickets once, after commit
    (several edits in one transaction, e.g. a whole week saved from the settings page, queue one recount)."""
    connection = transaction.get_connection()
    here = {sid for sid in connection.savepoint_ids if sid}
    # Already queued in this savepoint or an enclosing one (so it runs after these writes, or is rolled back with
    # them): nothing more to queue.
    if connection.in_atomic_block and any(
        function is _recount_after_commit and {sid for sid in sids if sid} <= here
        for sids, function, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_recount_after_commit)


def escalate_breached(*, now=None, limit: int = 5000) -> int:
    """Escalate open, running tickets past their resolution deadline; each ticket once (a second run finds none).

    One indexed query finds them (the partial index on resolution_due_at); each is flagged in its own
    transaction with a conditional UPDATE, so two workers never escalate the same ticket twice.
    """
    from outreach.services.notifications import notify, notify_permission

    now = now or timezone.now()
    due = list(
        Ticket.objects.filter(escalated_at__isnull=True, paused_at__isnull=True, resolution_due_at__lt=now)
        .exclude(status__in=Ticket.CLOSED_STATUSES)
        .select_related("customer", "team__manager__staff")  # the manager is told in their language
        .order_by("resolution_due_at")[:limit]
    )
    escalated = 0
    for ticket in due:
        with transaction.atomic():
            if not Ticket.objects.filter(pk=ticket.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            manager = ticket.team.manager if ticket.team_id and ticket.team.manager_id else None
            Escalation.objects.create(ticket=ticket, at=now, due_at=ticket.resolution_due_at, to=manager)
            TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.ESCALATE, at=now, assignee=manager)
            context = {
                "ticket_number": ticket.pk,
                "ticket_subject": ticket.subject,
                "customer_name": ticket.customer.name,
                "due_at": f"{timezone.localtime(ticket.resolution_due_at):%Y-%m-%d %H:%M}",
            }
            link = ticket.get_absolute_url()
            if manager is not None:
                notify(
                    user=manager,
                    template="service.escalated",
                    context=context,
                    link=link,
                    dedupe_key=f"service-escalated:{ticket.pk}",
                )
            else:
                notify_permission(
                    permission=MANAGE_PERMISSION,
                    template="service.escalated",
                    context=context,
                    link=link,
                    dedupe_key=f"service-escalated:{ticket.pk}",
                )
            escalated += 1
    return escalated


def near_breach_notify(*, now=None, limit: int = 2000) -> int:
    """Tell each agent once when a ticket of theirs passes the near-breach share (dedupe key per ticket)."""
    from outreach.services.notifications import notify

    now = now or timezone.now()
    window = now - datetime.timedelta(hours=1)
    rows = (
        Ticket.objects.filter(
            warn_at__lte=now,
            warn_at__gt=window,
            resolution_due_at__gt=now,
            paused_at__isnull=True,
            assignee__isnull=False,
        )
        .exclude(status__in=Ticket.CLOSED_STATUSES)
        .select_related("assignee__staff", "customer")[:limit]
    )
    told = 0
    for ticket in rows:
        context = {
            "ticket_number": ticket.pk,
            "ticket_subject": ticket.subject,
            "customer_name": ticket.customer.name,
            "due_at": f"{timezone.localtime(ticket.resolution_due_at):%Y-%m-%d %H:%M}",
        }
        notify(
            user=ticket.assignee,
            template="service.near_breach",
            context=context,
            link=ticket.get_absolute_url(),
            dedupe_key=f"service-near:{ticket.pk}:{int(ticket.resolution_due_at.timestamp())}",
        )
        told += 1
    return told
