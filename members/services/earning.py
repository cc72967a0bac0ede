"""Earn triggers other apps settle without knowing the club: a survey answered (service emits
`survey.answered`), a customer profile completed (customers saves the file or its intent). Each award's key names
its rule and source, so it is granted exactly once however often the trigger fires."""

from django.db import transaction

from customers.models import Customer, PurchaseIntent
from members import reasons
from members.models import LedgerEntry, Member, MemberSettings
from members.services.ledger import points_earn

# The profile is complete when the file has a name, a phone, an email, a birth date and a home district, and at
# least one purchase intent is on record: what a rep needs to serve the customer without asking again.
PROFILE_FIELDS = ("name", "phone", "email", "birth_date", "district")


def profile_fields_complete(customer: Customer) -> bool:
    return all(getattr(customer, name) for name in PROFILE_FIELDS)


def profile_complete(customer: Customer) -> bool:
    """The stated rule: every field of PROFILE_FIELDS filled and a purchase intent recorded."""
    return profile_fields_complete(customer) and PurchaseIntent.objects.filter(customer=customer).exists()


def _active_member(customer_id: int) -> Member | None:
    return Member.objects.filter(customer_id=customer_id, status=Member.Status.ACTIVE).first()


@transaction.atomic
def profile_points(*, customer: Customer, by=None) -> LedgerEntry | None:
    """Award the profile-completed points to the customer's membership once the profile is complete."""
    points = MemberSettings.current().profile_points
    member = _active_member(customer.pk)
    if member is None or not points or not profile_complete(customer):
        return None
    return points_earn(
        member=member,
        amount=points,
        reason=reasons.Reason(reasons.PROFILE_COMPLETED),
        by=by,
        rule=LedgerEntry.Rule.PROFILE,
        source=customer,
        key=f"profile:customer:{customer.pk}",
    )


@transaction.atomic
def survey_points(*, customer_id: int, invite, by=None) -> LedgerEntry | None:
    """Award the survey points for one answered survey invite (once per invite) to the customer's membership."""
    points = MemberSettings.current().survey_points
    member = _active_member(customer_id)
    if member is None or not points or invite is None:
        return None
    return points_earn(
        member=member,
        amount=points,
        reason=reasons.Reason(reasons.SURVEY_ANSWERED),
        by=by,
        rule=LedgerEntry.Rule.SURVEY,
        source=invite,
        key=f"survey:{invite.pk}:member:{member.pk}",
    )
