"""Writes of tickets: open, assign, move through the workflow, note or reply, attach files.

The workflow (new → assigned → in progress → waiting on customer → resolved → closed, reopen within the
configured days) is the TRANSITIONS table; every change writes a dated TicketEvent and recomputes the SLA clock.
"""

import datetime
import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from service.models import ServiceSettings, Ticket, TicketAttachment, TicketEvent, TicketNote
from service.selectors import sla as sla_selectors
from service.services.sla import sla_refresh

Status = Ticket.Status
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED),
    Status.ASSIGNED: (Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED),
    Status.IN_PROGRESS: (Status.WAITING, Status.RESOLVED),
    Status.WAITING: (Status.IN_PROGRESS, Status.RESOLVED),
    Status.RESOLVED: (Status.CLOSED, Status.IN_PROGRESS),
    Status.CLOSED: (Status.IN_PROGRESS,),
}
REOPEN_FROM = (Status.RESOLVED, Status.CLOSED)
ATTACHMENT_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".pdf", ".mp4", ".mov", ".txt", ".docx", ".xlsx"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ASSIGNED_TEMPLATE = "service.assigned"


def allowed(ticket: Ticket, to_status: str, *, now=None) -> bool:
    if to_status not in TRANSITIONS.get(ticket.status, ()):
        return False
    if ticket.status in REOPEN_FROM and to_status == Status.IN_PROGRESS:
        now = now or timezone.now()
        days = ServiceSettings.current().reopen_days
        return ticket.resolved_at is not None and now - ticket.resolved_at <= datetime.timedelta(days=days)
    return True


def _notify_assigned(ticket: Ticket) -> None:
    from outreach.services.notifications import notify

    if ticket.assignee_id is None:
        return
    notify(
        user=ticket.assignee,
        template=ASSIGNED_TEMPLATE,
        context={"ticket_number": ticket.pk, "ticket_subject": ticket.subject, "customer_name": ticket.customer.name},
        link=ticket.get_absolute_url(),
        dedupe_key=f"service-assigned:{ticket.pk}:{ticket.assignee_id}:{ticket.updated_at.timestamp():.0f}",
    )


@transaction.atomic
def ticket_create(
    *,
    customer,
    subject: str,
    by=None,
    kind: str = Ticket.Kind.COMPLAINT,
    channel: str = Ticket.Channel.PHONE,
    priority: str = Ticket.Priority.NORMAL,
    category=None,
    description: str = "",
    unit=None,
    deal=None,
    promise=None,
    assignee=None,
    team=None,
    at=None,
) -> Ticket:
    at = at or timezone.now()
    if deal is not None and deal.customer_id != customer.pk:
        raise ValidationError({"deal": _("This contract belongs to another customer.")})
    if promise is not None and promise.customer_id != customer.pk:
        raise ValidationError({"promise": _("This promise was made to another customer.")})
    if unit is None and deal is not None:
        unit = deal.unit
    project = unit.project if unit is not None else (deal.project if deal is not None else None)
    if project is None and promise is not None:
        project = promise.project
    if team is None and assignee is not None:
        team = getattr(getattr(assignee, "staff", None), "team", None)
    response, resolution = sla_selectors.targets_for(priority=priority, category=category, customer=customer)
    ticket = Ticket.objects.create(
        customer=customer,
        subject=subject,
        kind=kind,
        channel=channel,
        priority=priority,
        category=category,
        description=description,
        unit=unit,
        deal=deal,
        promise=promise,
        project=project,
        assignee=assignee,
        team=team,
        created_by=by if by is not None and by.is_authenticated else None,
        created_at=at,
        status=Status.ASSIGNED if assignee is not None else Status.NEW,
        response_target=response,
        resolution_target=resolution,
    )
    who = ticket.created_by
    TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.STATUS, at=at, by=who, to_status=Status.NEW)
    if assignee is not None:
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEvent.Kind.ASSIGN,
            at=at,
            by=who,
            assignee=assignee,
            from_status=Status.NEW,
            to_status=Status.ASSIGNED,
        )
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEvent.Kind.STATUS,
            at=at,
            by=who,
            from_status=Status.NEW,
            to_status=Status.ASSIGNED,
        )
    sla_refresh(ticket=ticket, now=at)
    if assignee is not None and assignee != who:
        _notify_assigned(ticket)
    return ticket


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee, by, at=None) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not ticket.is_open:
        raise ValidationError(_("Reopen the ticket before assigning it."))
    at = at or timezone.now()
    before = ticket.status
    ticket.assignee = assignee
    ticket.team = getattr(getattr(assignee, "staff", None), "team", None) or ticket.team
    TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.ASSIGN, at=at, by=by, assignee=assignee)
    if before == Status.NEW:
        ticket.status = Status.ASSIGNED
        TicketEvent.objects.create(
            ticket=ticket, kind=TicketEvent.Kind.STATUS, at=at, by=by, from_status=before, to_status=Status.ASSIGNED
        )
    ticket.save(update_fields=["assignee", "team", "status", "updated_at"])
    sla_refresh(ticket=ticket, now=at)
    if assignee != by:
        _notify_assigned(ticket)
    return ticket


@transaction.atomic
def ticket_transition(*, ticket: Ticket, to_status: str, by, note: str = "", at=None) -> Ticket:
    """Move the ticket to `to_status` if the workflow allows it (ValidationError otherwise)."""
    from service.services.callbacks import callback_after_ticket

    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    at = at or timezone.now()
    if not allowed(ticket, to_status, now=at):
        if ticket.status in REOPEN_FROM and to_status == Status.IN_PROGRESS:
            raise ValidationError(_("The reopening period of this ticket has passed: open a new ticket."))
        raise ValidationError(
            _("A ticket cannot go from “%(from)s” to “%(to)s”.")
            % {"from": ticket.get_status_display(), "to": Status(to_status).label}
        )
    before = ticket.status
    ticket.status = to_status
    fields = ["status", "updated_at"]
    if to_status == Status.RESOLVED:
        ticket.resolved_at = at
        fields.append("resolved_at")
        if ticket.first_response_at is None:
            ticket.first_response_at = at
            fields.append("first_response_at")
    elif to_status == Status.CLOSED:
        ticket.closed_at = at
        fields.append("closed_at")
    elif before in REOPEN_FROM:
        ticket.resolved_at = ticket.closed_at = None
        ticket.escalated_at = None
        fields += ["resolved_at", "closed_at", "escalated_at"]
    ticket.save(update_fields=fields)
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.STATUS,
        at=at,
        by=by,
        from_status=before,
        to_status=to_status,
        note=note[:300],
    )
    sla_refresh(ticket=ticket, now=at)
    if to_status == Status.RESOLVED:
        callback_after_ticket(ticket=ticket)
    return ticket


@transaction.atomic
def ticket_note(*, ticket: Ticket, text: str, internal: bool, by, at=None) -> TicketNote:
    """An internal note, or a reply to the customer (the first reply is the first response)."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write something first.")})
    note = TicketNote.objects.create(ticket=ticket, text=text, internal=internal, by=by)
    if not internal and ticket.first_response_at is None:
        Ticket.objects.filter(pk=ticket.pk, first_response_at__isnull=True).update(first_response_at=at or note.at)
    return note


def attachment_check(upload) -> None:
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            {
                "file": _("Files of this type cannot be attached. Allowed: %(types)s.")
                % {"types": ", ".join(sorted(ATTACHMENT_TYPES))}
            }
        )
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("Attachments may be at most 10 MB.")})


def ticket_attach(*, ticket: Ticket, upload, by) -> TicketAttachment:
    attachment_check(upload)
    name = os.path.basename(upload.name)[:200]
    return TicketAttachment.objects.create(ticket=ticket, file=upload, name=name, size=upload.size, by=by)
