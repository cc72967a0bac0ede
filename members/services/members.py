"""Joining the club: one membership per customer, a member number and a scannable card number."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
from customers.models import Customer
from members.models import Member, TierChange
from members.services.tiers import entry_tier, tier_promote


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of `digits` (a mistyped card number is caught before it is looked up)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def card_number_for(customer_id: int) -> str:
    body = f"88{customer_id:09d}"
    return body + luhn_digit(body)


def member_number_for(customer_id: int) -> str:
    return f"M{customer_id:08d}"


class AlreadyMember(ValidationError):
    def __init__(self, member: Member):
        self.member = member
        super().__init__(_("This customer is already a member (%(number)s).") % {"number": member.number})


@transaction.atomic
def member_enrol(*, customer: Customer, by=None, channel: str = Member.Channel.DESK) -> Member:
    """Make `customer` a member in the entry tier (then any tier their units already earn them).
    A customer joins once: a second enrolment raises AlreadyMember naming the membership."""
    existing = Member.objects.filter(customer=customer).first()
    if existing is not None:
        raise AlreadyMember(existing)
    tier = entry_tier()
    if tier is None:
        raise ValidationError(_("Set up the member tiers first."))
    member = Member(
        customer=customer,
        number=member_number_for(customer.pk),
        card_no=card_number_for(customer.pk),
        joined_on=timezone.localdate(),
        channel=channel,
        tier=tier,
        created_by=by,
        last_activity_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        existing = Member.objects.filter(customer=customer).first()
        if existing is None:
            raise
        raise AlreadyMember(existing) from None
    TierChange.objects.create(member=member, to_tier=tier, reason=TierChange.Reason.JOINED, by=by)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, instance=member, changes={"channel": channel})
    tier_promote(member=member, by=by)
    # A profile completed before joining earns its points on joining (once, by the award's key).
    from members.services.earning import profile_points
    from members.services.household import household_join_on_enrol

    profile_points(customer=customer, by=by)
    household_join_on_enrol(member=member, by=by)
    member.refresh_from_db()
    return member


def member_ensure(*, customer: Customer, by=None, channel: str = Member.Channel.DESK) -> Member:
    """The customer's membership, enrolling them first if they have none."""
    try:
        return member_enrol(customer=customer, by=by, channel=channel)
    except AlreadyMember as already:
        return already.member


@transaction.atomic
def member_set_status(*, member: Member, status: str, by, reason: str = "") -> Member:
    if status not in Member.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    member = Member.objects.select_for_update().get(pk=member.pk)
    old = member.status
    member.status = status
    member.save(update_fields=["status"])
    audit.record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        instance=member,
        changes={"status": [old, status]},
        reason=reason[:200],
    )
    return member
