"""Logging a contact with a customer, and what that contact settles."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, Inquiry, Interaction, VisitPlan
from customers.signals import interaction_logged

VISIT_CHANNELS = (Interaction.Channel.VISIT, Interaction.Channel.SITE_VISIT)


@transaction.atomic
def interaction_log(
    *,
    customer: Customer,
    by,
    channel: str,
    summary: str,
    direction: str = Interaction.Direction.OUT,
    occurred_at: datetime.datetime | None = None,
    outcome: str = "",
    next_step: str = "",
    next_due: datetime.date | None = None,
    visit_plan: VisitPlan | None = None,
) -> Interaction:
    """Record a contact. It settles the customer's earlier open next steps, counts as the follow-up that
    keeps the file protected, completes the matching planned visit and answers a waiting inquiry; other apps
    settle what it means for them (customers.signals.interaction_logged: a visit moves a lead to "visited")."""
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("A contact cannot be in the future.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Say what was discussed.")})
    if next_step and next_due is None:
        raise ValidationError({"next_due": _("Give the next step a due date.")})
    if next_due is not None and next_due < timezone.localdate(occurred_at):
        raise ValidationError({"next_due": _("The next step cannot be due before this contact.")})
    # This contact settles the next steps promised before it, not those promised by a later contact.
    Interaction.objects.filter(customer=customer, next_done=False, occurred_at__lte=occurred_at).exclude(
        next_due=None
    ).update(next_done=True)
    interaction = Interaction.objects.create(
        customer=customer,
        staff=by,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        summary=summary,
        outcome=outcome,
        next_step=next_step,
        next_due=next_due,
    )
    # last_contact_at is a cache of the newest interaction: written with update(), not audited.
    Customer.objects.filter(pk=customer.pk).filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=occurred_at)
    ).update(last_contact_at=occurred_at)
    customer.last_contact_at = max(filter(None, [customer.last_contact_at, occurred_at]))
    if channel in VISIT_CHANNELS:
        plan = visit_plan or (
            VisitPlan.objects.filter(
                customer=customer,
                staff=by,
                status=VisitPlan.Status.PLANNED,
                planned_for=timezone.localdate(occurred_at),
            ).first()
        )
        if plan is not None:
            plan.status = VisitPlan.Status.DONE
            plan.interaction = interaction
            plan.save(update_fields=["status", "interaction"])
    Inquiry.objects.filter(
        customer=customer,
        first_contact_at__isnull=True,
        received_at__lte=occurred_at,
        status__in=[Inquiry.Status.NEW, Inquiry.Status.ASSIGNED],
    ).update(first_contact_at=occurred_at, status=Inquiry.Status.CONTACTED)
    interaction_logged.send(sender=Interaction, interaction=interaction, customer=customer, by=by)
    return interaction
