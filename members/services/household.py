"""Household cards (a setting): the members of one family share the card holder's card number.

A household is a holder's membership and the memberships pointing at it (one level: a holder is never in
another household). A family member joins when staff link them, or on joining the club when their phone is
listed among the people of a member's family file."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
from customers.identity import normalize_phone
from customers.models import Customer, CustomerMember
from members.models import Member, MemberSettings


def _require_setting() -> None:
    if not MemberSettings.current().household_card:
        raise ValidationError(_("Household cards are turned off in the club rules."))


@transaction.atomic
def member_join_household(*, member: Member, holder: Member, by=None) -> Member:
    """Put `member` on `holder`'s card (the holder's own holder when the holder already shares one)."""
    _require_setting()
    holder = Member.objects.select_for_update().get(pk=holder.household_id or holder.pk)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if holder.pk == member.pk:
        raise ValidationError(_("A member cannot share their own card."))
    if member.household_members.exists():
        raise ValidationError(_("This member holds a household card: the others must leave it first."))
    if member.household_id == holder.pk:
        return member
    old = member.household_id
    member.household = holder
    member.save(update_fields=["household"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, instance=member, changes={"household_id": [old, holder.pk]})
    return member


@transaction.atomic
def member_leave_household(*, member: Member, by=None) -> Member:
    """Give `member` back their own card."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.household_id is None:
        return member
    old = member.household_id
    member.household = None
    member.save(update_fields=["household"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, instance=member, changes={"household_id": [old, None]})
    return member


def _phones(customer: Customer) -> set[str]:
    return set(customer.phones.values_list("number", flat=True)) | ({customer.phone} if customer.phone else set())


def family_holder_for(customer: Customer) -> Member | None:
    """The membership of a family file that lists one of `customer`'s phones among its people."""
    phones = _phones(customer)
    if not phones:
        return None
    for person in (
        CustomerMember.objects.filter(customer__kind=Customer.Kind.FAMILY, customer__membership__isnull=False)
        .exclude(phone="")
        .exclude(customer=customer)
        .filter(phone__in=_raw_and_normalised(phones))
    ):
        return Member.objects.filter(customer_id=person.customer_id).first()
    return None


def _raw_and_normalised(phones: set[str]) -> set[str]:
    found = set(phones)
    for phone in phones:
        try:
            found.add(normalize_phone(phone))
        except ValidationError:
            continue
    return found


def household_join_on_enrol(*, member: Member, by=None) -> Member | None:
    """With household cards on, a new member listed in a member family's file shares that family's card."""
    if not MemberSettings.current().household_card:
        return None
    holder = family_holder_for(member.customer)
    if holder is None:
        return None
    return member_join_household(member=member, holder=holder, by=by)
