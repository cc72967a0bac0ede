"""Writes of callbacks (回访): scheduling after a contract and after a resolved ticket, and recording the call.

A low score opens a follow-up ticket for the same customer.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from service.models import Callback, ServiceSettings, Ticket


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it is shorter: 31 Jan + 1 → 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _agent_for(project):
    """The service agent who serves `project` (the first assigned), or None: the queue of the project then."""
    if project is None:
        return None
    from crm_site.models import StaffProfile

    profile = (
        StaffProfile.objects.filter(projects=project, user__is_active=True, user__groups__name="service_agent")
        .order_by("user_id")
        .first()
    )
    return profile.user if profile else None


def callbacks_for_contract(*, deal) -> list[Callback]:
    """The 1/3/6-month callbacks (configurable) after `deal`'s contract; scheduling twice adds nothing."""
    signed = deal.signed_on or timezone.localdate()
    agent = _agent_for(deal.project)
    made = []
    for months in ServiceSettings.current().callback_month_list():
        try:
            with transaction.atomic():
                callback, created = Callback.objects.get_or_create(
                    deal=deal,
                    months_after=months,
                    defaults={
                        "customer_id": deal.customer_id,
                        "project_id": deal.project_id,
                        "reason": Callback.Reason.CONTRACT,
                        "due_on": add_months(signed, months),
                        "assignee": agent,
                    },
                )
        except IntegrityError:
            continue
        if created:
            made.append(callback)
    return made


def callback_after_ticket(*, ticket: Ticket) -> Callback | None:
    """A callback a few days after the ticket was resolved (once per ticket)."""
    days = ServiceSettings.current().callback_after_ticket_days
    resolved = timezone.localtime(ticket.resolved_at or timezone.now()).date()
    try:
        with transaction.atomic():
            callback, _created = Callback.objects.get_or_create(
                ticket=ticket,
                reason=Callback.Reason.TICKET,
                defaults={
                    "customer_id": ticket.customer_id,
                    "project_id": ticket.project_id,
                    "due_on": resolved + datetime.timedelta(days=days),
                    "assignee": ticket.assignee,
                },
            )
    except IntegrityError:
        return Callback.objects.filter(ticket=ticket, reason=Callback.Reason.TICKET).first()
    return callback


@transaction.atomic
def callback_record(*, callback: Callback, by, conversation: str, score: int | None, outcome: str) -> Callback:
    """Record the call; a score at or below the configured low score opens a follow-up ticket."""
    from service.services.tickets import ticket_create

    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    if callback.done_at is not None:
        raise ValidationError(_("This callback has been recorded already."))
    if score is not None and not 1 <= score <= 5:
        raise ValidationError({"score": _("The score is from 1 to 5.")})
    callback.done_at = timezone.now()
    callback.done_by = by
    callback.conversation = conversation
    callback.score = score
    callback.outcome = outcome
    if score is not None and score <= ServiceSettings.current().low_score:
        callback.follow_up = ticket_create(
            customer=callback.customer,
            subject=_("Follow-up: low score on a callback (%(score)d/5)") % {"score": score},
            description=conversation,
            kind=Ticket.Kind.COMPLAINT,
            channel=Ticket.Channel.PHONE,
            priority=Ticket.Priority.HIGH,
            deal=callback.deal or (callback.ticket.deal if callback.ticket_id else None),
            unit=callback.ticket.unit if callback.ticket_id else None,
            assignee=by,
            by=by,
        )
    callback.save()
    return callback
