"""Customer files: create and update under the identity rule, phones, members, intent (merge: ownership.py)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit, events
from crm_site.models import AuditEntry
from crm_site.scope import staff_profile
from crm_site.validators import not_in_future
from customers.models import Customer, CustomerMember, CustomerPhone, PurchaseIntent
from customers.selectors import customer_by_identity

EDITABLE = (
    "kind",
    "name",
    "phone",
    "email",
    "id_number",
    "gender",
    "birth_date",
    "district",
    "address",
    "work_district",
    "work_address",
    "income_band",
    "occupation",
    "source",
    "level",
    "status",
    "risk_level",
    "hobbies",
    "tags",
    "purchasing_power",
    "real_need",
    "decision_authority",
    "suitability",
    "referrer",
    "marketing_consent",
    "notes",
    "project",
)


class DuplicateCustomer(ValidationError):
    """The identity (a phone or the ID number) already has a file; `existing` is it."""

    def __init__(self, existing: Customer):
        self.existing = existing
        super().__init__(_("A customer with this phone or ID number already exists."), code="duplicate")


def _check_fields(data: dict) -> None:
    """The model's field rules every caller meets (forms check them too): a birth date that has happened."""
    try:
        not_in_future(data.get("birth_date"))
    except ValidationError as error:
        raise ValidationError({"birth_date": error.messages}) from None


def _raise_if_taken(*, phones, id_number: str, exclude_pk=None) -> None:
    for phone in phones:
        existing = customer_by_identity(phone=phone)
        if existing is not None and existing.pk != exclude_pk:
            raise DuplicateCustomer(existing)
    if id_number:
        existing = customer_by_identity(id_number=id_number)
        if existing is not None and existing.pk != exclude_pk:
            raise DuplicateCustomer(existing)


def customer_create(*, by, owner=None, custom: dict | None = None, extra_phones=(), **fields) -> Customer:
    """Create a file owned by `owner` (default: the creator), unless one of its identities has a file.

    The unique index on CustomerPhone.number decides races: of two simultaneous registrations of a
    number exactly one commits; the other gets DuplicateCustomer naming the winner.
    """
    owner = owner or by
    data = {key: value for key, value in fields.items() if key in EDITABLE}
    _check_fields(data)
    phones = [number for number in [data.get("phone", ""), *extra_phones] if number]
    _raise_if_taken(phones=phones, id_number=data.get("id_number", ""))
    profile = staff_profile(owner)
    customer = Customer(
        owner=owner,
        owned_since=timezone.now(),
        team=profile.team if profile else None,
        custom=custom or {},
        **data,
    )
    customer._history_user = by
    try:
        with transaction.atomic():
            customer.save()
            CustomerPhone.objects.bulk_create(
                [
                    CustomerPhone(customer=customer, number=number, primary=index == 0)
                    for index, number in enumerate(phones)
                ]
            )
    except IntegrityError:
        _raise_if_taken(phones=phones, id_number=data.get("id_number", ""))
        raise
    events.emit("customer.created", {"customer_id": customer.pk, "owner_id": owner.pk, "source": customer.source})
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by, custom: dict | None = None, **fields) -> Customer:
    """Change the editable fields (ownership moves through conflicts, the pool and hand-over)."""
    data = {key: value for key, value in fields.items() if key in EDITABLE}
    _check_fields(data)
    new_phone = data.get("phone", customer.phone)
    _raise_if_taken(
        phones=[new_phone] if new_phone else [],
        id_number=data.get("id_number", customer.id_number),
        exclude_pk=customer.pk,
    )
    old_phone = Customer.objects.filter(pk=customer.pk).values_list("phone", flat=True).first()
    for key, value in data.items():
        setattr(customer, key, value)
    if custom is not None:
        customer.custom = custom
    customer._history_user = by
    try:
        with transaction.atomic():
            customer.save()
            if new_phone != old_phone:
                CustomerPhone.objects.filter(customer=customer, primary=True).update(primary=False)
                CustomerPhone.objects.filter(customer=customer, number=old_phone).delete()
                phone, _created = CustomerPhone.objects.get_or_create(customer=customer, number=new_phone)
                CustomerPhone.objects.filter(pk=phone.pk).update(primary=True)
    except IntegrityError:
        _raise_if_taken(phones=[new_phone], id_number=customer.id_number, exclude_pk=customer.pk)
        raise
    return customer


def phone_add(*, customer: Customer, number: str, label: str = "", by) -> CustomerPhone:
    """Add another number to a file; a number on another file raises DuplicateCustomer."""
    _raise_if_taken(phones=[number], id_number="", exclude_pk=customer.pk)
    try:
        with transaction.atomic():
            phone = CustomerPhone.objects.create(customer=customer, number=number, label=label)
    except IntegrityError:
        _raise_if_taken(phones=[number], id_number="", exclude_pk=customer.pk)
        raise ValidationError(_("This number is already on this file.")) from None
    # Recorded under "phone" so the history on the page masks it like the primary number.
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, instance=customer, changes={"phone": [None, number]})
    return phone


def member_save(*, customer: Customer, by, member: CustomerMember | None = None, **fields) -> CustomerMember:
    """Add or change a family member / company contact of `customer`."""
    member = member or CustomerMember(customer=customer)
    for key, value in fields.items():
        setattr(member, key, value)
    member._history_user = by
    member.save()
    return member


def intent_record(*, customer: Customer, by, projects=(), **fields) -> PurchaseIntent:
    """Record the customer's current intent as a new row: earlier intents stay as history."""
    intent = PurchaseIntent.objects.create(customer=customer, recorded_by=by, **fields)
    if projects:
        intent.projects.set(projects)
    return intent


@transaction.atomic
def customers_tag(*, customers, tag: str, by) -> int:
    """Add `tag` to each chosen file (a bulk action); audited per file that changed."""
    changed = []
    for customer in customers.select_for_update().only("pk", "name", "tags"):
        if tag not in (customer.tags or []):
            customer.tags = sorted({*(customer.tags or []), tag})
            changed.append(customer)
    Customer.objects.bulk_update(changed, ["tags"], batch_size=500)
    audit.record_many(
        actor=by, model="customers.customer", changes_by_id={customer.pk: {"tags": [None, tag]} for customer in changed}
    )
    return len(changed)
