"""What members answers to other apps' events: a contract signed (join, earn, reward the referrer), a contract
cancelled (reverse them), a contact logged (the member was active), a survey answered and a profile completed
(earn points once). Members hold no owned rows of their own (a
membership is seen through its customer's owner), so a change of owner needs no answer here."""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from crm_site import events
from customers.models import Customer, Interaction, PurchaseIntent
from customers.signals import interaction_logged

logger = logging.getLogger(__name__)


def on_event(event) -> None:
    if event.name == "survey.answered":
        from members.tasks import survey_answered_task

        survey_answered_task.delay(event.payload.get("invite_id"), event.payload.get("customer_id"))
        return
    if event.name not in ("contract.signed", "contract.cancelled"):
        return
    from members.tasks import contract_cancelled_task, contract_signed_task

    deal_id = event.payload.get("deal_id")
    if deal_id is None:
        return
    task = contract_signed_task if event.name == "contract.signed" else contract_cancelled_task
    task.delay(deal_id)


events.subscribe(on_event)


@receiver(interaction_logged, sender=Interaction, dispatch_uid="members.contact_is_activity")
def contact_is_activity(sender, interaction, customer, **kwargs) -> None:
    """A logged contact counts as member activity (the dashboard's active vs dormant reads only members)."""
    from members.models import Member

    Member.objects.filter(customer_id=customer.pk).update(last_activity_at=timezone.now())


def _profile_check_after_commit(customer_id: int) -> None:
    from members.tasks import profile_points_task

    transaction.on_commit(lambda: profile_points_task.delay(customer_id))


@receiver(post_save, sender=Customer, dispatch_uid="members.profile_completed_by_file")
def profile_completed_by_file(sender, instance, raw=False, **kwargs) -> None:
    """A saved file whose profile fields are all filled may now earn the profile points (the task checks the
    intent and the membership; the award's key makes it once)."""
    from members.services.earning import profile_fields_complete

    if not raw and profile_fields_complete(instance):
        _profile_check_after_commit(instance.pk)


@receiver(post_save, sender=PurchaseIntent, dispatch_uid="members.profile_completed_by_intent")
def profile_completed_by_intent(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        _profile_check_after_commit(instance.customer_id)
