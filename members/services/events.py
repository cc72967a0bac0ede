"""Club events: registration under the event's row lock (no overbooking; a waitlist when full), check-in at the
door by card or phone, attendance points (once), the campaign's leads, follow-ups for the prospects' owners."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.services.interactions import interaction_log
from members.models import ClubEvent, EventRegistration, LedgerEntry, Member, MemberSettings
from members.services.ledger import points_earn

Status = EventRegistration.Status
PROSPECTS = (Customer.Status.PROSPECT, Customer.Status.INTENDING)


def event_create(*, by, **fields) -> ClubEvent:
    if not fields.get("title", "").strip():
        raise ValidationError({"title": _("Give the event a title.")})
    if not fields.get("capacity"):
        raise ValidationError({"capacity": _("Give the event a capacity.")})
    return ClubEvent.objects.create(created_by=by, **fields)


def _seats_taken(event: ClubEvent) -> int:
    return event.registrations.filter(status=Status.REGISTERED).count()


@transaction.atomic
def event_register(*, event: ClubEvent, customer: Customer, by=None) -> EventRegistration:
    """Register the customer: a seat while there is one, else the waitlist. Registering twice changes nothing."""
    event = ClubEvent.objects.select_for_update(of=("self",)).select_related("min_tier").get(pk=event.pk)
    existing = event.registrations.filter(customer=customer).first()
    if existing is not None and existing.status != Status.CANCELLED:
        return existing
    if event.min_tier_id:
        member = Member.objects.select_related("tier").filter(customer=customer).first()
        if member is None or member.tier.rank < event.min_tier.rank:
            raise ValidationError(_("This event is for %(tier)s members and above.") % {"tier": event.min_tier})
    status = Status.REGISTERED if _seats_taken(event) < event.capacity else Status.WAITLISTED
    if existing is not None:
        existing.status = status
        existing.save(update_fields=["status"])
        return existing
    return EventRegistration.objects.create(event=event, customer=customer, status=status, by=by)


@transaction.atomic
def event_cancel_registration(*, registration: EventRegistration, by=None) -> EventRegistration:
    """Cancel a registration; the first on the waitlist takes the freed seat."""
    event = ClubEvent.objects.select_for_update().get(pk=registration.event_id)
    registration = EventRegistration.objects.get(pk=registration.pk)
    was_seated = registration.status == Status.REGISTERED
    registration.status = Status.CANCELLED
    registration.save(update_fields=["status"])
    if was_seated:
        waiting = event.registrations.filter(status=Status.WAITLISTED).order_by("registered_at", "id").first()
        if waiting is not None:
            waiting.status = Status.REGISTERED
            waiting.save(update_fields=["status"])
    return registration


@transaction.atomic
def event_check_in(*, event: ClubEvent, customer: Customer, by) -> EventRegistration:
    """Check the customer in at the door: a member earns the attendance points once; a prospect attending a
    campaign's event counts as its lead, and their owner gets a follow-up for the next day."""
    event = ClubEvent.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=event.pk)
    registration = event.registrations.filter(customer=customer).first()
    if registration is None or registration.status == Status.CANCELLED:
        if _seats_taken(event) >= event.capacity:
            raise ValidationError(_("The event is full and this person is not registered."))
        if registration is None:
            registration = EventRegistration.objects.create(event=event, customer=customer, by=by)
    if registration.checked_in_at is not None:
        return registration
    registration.status = Status.REGISTERED  # a waitlisted guest who came in took a seat
    registration.checked_in_at = timezone.now()
    registration.save(update_fields=["status", "checked_in_at"])
    member = Member.objects.filter(customer=customer, status=Member.Status.ACTIVE).first()
    points = MemberSettings.current().event_points
    if member is not None and points:
        points_earn(
            member=member,
            amount=points,
            reason=_("Attended %(event)s") % {"event": event.title},
            by=by,
            rule=LedgerEntry.Rule.EVENT,
            source=event,
            key=f"event:{event.pk}:member:{member.pk}",
        )
    if customer.status in PROSPECTS:
        _prospect_followed_up(event, customer, by)
    return registration


def _prospect_followed_up(event: ClubEvent, customer: Customer, by) -> None:
    if event.campaign_id:
        from sales.services.marketing import campaign_lead_add

        try:
            campaign_lead_add(campaign=event.campaign, customer=customer, by=by)
        except ValidationError:
            pass  # already attributed: the first campaign that brought them counts
    if customer.owner_id:
        interaction_log(
            customer=customer,
            by=customer.owner,
            channel="visit",
            direction="in",
            summary=_("Attended the event “%(event)s”") % {"event": event.title},
            next_step=_("Follow up after the event"),
            next_due=timezone.localdate() + datetime.timedelta(days=1),
        )
