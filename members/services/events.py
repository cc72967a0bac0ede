"""Club events: registration under the event's row lock (no overbooking; a waitlist when full), check-in at the
door by card or phone, attendance points (once), the campaign's leads, follow-ups for the prospects' owners."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
from customers.models import Customer, PurchaseIntent
from customers.services.interactions import interaction_log
from members import reasons
from members.models import ClubEvent, EventRegistration, LedgerEntry, Member, MemberSettings
from members.services.ledger import points_earn

Status = EventRegistration.Status
PROSPECTS = (Customer.Status.PROSPECT, Customer.Status.INTENDING)


def _event_checked(fields: dict) -> None:
    if "title" in fields and not (fields.get("title") or "").strip():
        raise ValidationError({"title": _("Give the event a title.")})
    if "capacity" in fields and not fields.get("capacity"):
        raise ValidationError({"capacity": _("Give the event a capacity.")})
    if fields.get("audience") == ClubEvent.Audience.PROSPECTS and not fields.get("project"):
        raise ValidationError({"project": _("Choose the project whose prospects the event is for.")})


def event_create(*, by, **fields) -> ClubEvent:
    _event_checked({"title": "", "capacity": None, **fields})
    return ClubEvent.objects.create(created_by=by, **fields)


EVENT_FIELDS = ("title", "kind", "starts_at", "place", "capacity", "audience", "min_tier", "project", "campaign")


@transaction.atomic
def event_update(*, event: ClubEvent, by, **fields) -> ClubEvent:
    """Change an event. Its capacity never drops below the seats already given; a larger one seats the waitlist
    in the order it registered. Audited."""
    event = ClubEvent.objects.select_for_update().get(pk=event.pk)
    merged = {name: fields.get(name, getattr(event, name)) for name in EVENT_FIELDS}
    _event_checked(merged)
    seated = _seats_taken(event)
    if merged["capacity"] < seated:
        raise ValidationError(
            {"capacity": _("%(seated)s guests already hold a seat: the capacity cannot be lower.") % {"seated": seated}}
        )
    changes = {}
    for name in EVENT_FIELDS:
        old, new = getattr(event, name), merged[name]
        if old != new:
            changes[name] = [audit.jsonable(getattr(old, "pk", old)), audit.jsonable(getattr(new, "pk", new))]
            setattr(event, name, new)
    if changes:
        event.save()
        audit.record(actor=by, action=AuditEntry.Action.UPDATE, instance=event, changes=changes)
    free = event.capacity - seated
    if free > 0:
        waiting = list(
            event.registrations.filter(status=Status.WAITLISTED)
            .order_by("registered_at", "id")
            .values_list("pk", flat=True)[:free]
        )
        EventRegistration.objects.filter(pk__in=waiting).update(status=Status.REGISTERED)
    return event


def audience_check(event: ClubEvent, customer: Customer) -> None:
    """Refuse (ValidationError, saying why) a customer outside the event's audience."""
    member = None
    if event.min_tier_id or event.audience == ClubEvent.Audience.MEMBERS:
        member = Member.objects.select_related("tier").filter(customer=customer, status=Member.Status.ACTIVE).first()
        if member is None:
            raise ValidationError(_("This event is for club members: enrol the customer first."))
    if event.min_tier_id and member.tier.rank < event.min_tier.rank:
        raise ValidationError(_("This event is for %(tier)s members and above.") % {"tier": event.min_tier})
    if event.audience == ClubEvent.Audience.PROSPECTS:
        of_project = (
            customer.project_id == event.project_id
            or PurchaseIntent.objects.filter(customer=customer, projects=event.project_id).exists()
        )
        if customer.status not in PROSPECTS or not of_project:
            raise ValidationError(_("This event is for the prospects of %(project)s.") % {"project": event.project})


def _seats_taken(event: ClubEvent) -> int:
    return event.registrations.filter(status=Status.REGISTERED).count()


@transaction.atomic
def event_register(*, event: ClubEvent, customer: Customer, by=None) -> EventRegistration:
    """Register the customer: a seat while there is one, else the waitlist. Registering twice changes nothing."""
    event = ClubEvent.objects.select_for_update(of=("self",)).select_related("min_tier", "project").get(pk=event.pk)
    existing = event.registrations.filter(customer=customer).first()
    if existing is not None and existing.status != Status.CANCELLED:
        return existing
    audience_check(event, customer)
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
    event = (
        ClubEvent.objects.select_for_update(of=("self",))
        .select_related("campaign", "min_tier", "project")
        .get(pk=event.pk)
    )
    registration = event.registrations.filter(customer=customer).first()
    if registration is None or registration.status == Status.CANCELLED:
        audience_check(event, customer)  # a walk-in at the door is held to the same audience
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
            reason=reasons.Reason(reasons.ATTENDED_EVENT, {"event": event.title}),
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
