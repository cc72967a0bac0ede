"""What members answers to other apps' events: a contract signed (join, earn, reward the referrer), a contract
cancelled (reverse them), a contact logged (the member was active). Members hold no owned rows of their own (a
membership is seen through its customer's owner), so a change of owner needs no answer here."""

import logging

from django.dispatch import receiver
from django.utils import timezone

from crm_site import events
from customers.models import Interaction
from customers.signals import interaction_logged

logger = logging.getLogger(__name__)


def on_event(event) -> None:
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
