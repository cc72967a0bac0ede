"""What sales answers when customers announces something (customers.signals, customers.pool), without customers
importing sales. Imported by SalesConfig.ready(); members and service answer the same events in theirs.

- customer_owner_changed: the open sales records of the moved customers go to the new owner.
- customer_merging: a duplicate's sales rows move to the file it is merged into.
- interaction_logged: a logged visit moves the customer's leads to "visited".
- the pool keeps a customer with a live deal or lease, or under a channel partner's live protection.
"""

from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver

from customers.models import Customer, Interaction
from customers.pool import pool_keep_register
from customers.signals import customer_merging, customer_owner_changed, interaction_logged
from sales.models import Deal, Lease, PartnerRegistration
from sales.services import funnel as funnel_services
from sales.services import ownership as ownership_services

VISIT_CHANNELS = (Interaction.Channel.VISIT, Interaction.Channel.SITE_VISIT)


@receiver(customer_owner_changed, sender=Customer, dispatch_uid="sales.open_records_move")
def follow_the_owner(sender, moves, to_user, by, reason, **kwargs):
    if to_user is None:  # lapsed to the pool: the rep who claims the file takes the records then
        return None
    return ownership_services.open_records_move(customer_ids=moves.keys(), to_user=to_user, by=by, reason=reason)


@receiver(customer_merging, sender=Customer, dispatch_uid="sales.customer_rows_merge")
def follow_the_merge(sender, keep, merge, by, reason, **kwargs):
    ownership_services.customer_rows_merge(keep=keep, merge=merge)


@receiver(interaction_logged, sender=Interaction, dispatch_uid="sales.leads_visited")
def visit_logged(sender, interaction, customer, by, **kwargs):
    if interaction.channel in VISIT_CHANNELS:
        funnel_services.leads_visited(
            customer=customer, at=interaction.occurred_at, by=by, note=str(interaction.get_channel_display())
        )


def _live_deal(now) -> Q:
    """A reservation, subscription or contract in progress (Deal.customer is indexed)."""
    return Q(Exists(Deal.objects.filter(customer=OuterRef("pk"), state=Deal.State.LIVE)))


def _live_lease(now) -> Q:
    return Q(Exists(Lease.objects.filter(tenant=OuterRef("pk"), state=Lease.State.LIVE)))


def _partner_protection(now) -> Q:
    """A channel partner registered the customer and the protection has not run out."""
    live = PartnerRegistration.objects.filter(
        customer=OuterRef("pk"), status=PartnerRegistration.Status.PROTECTED, protected_until__gte=now
    )
    return Q(Exists(live))


for condition in (_live_deal, _live_lease, _partner_protection):
    pool_keep_register(condition)
