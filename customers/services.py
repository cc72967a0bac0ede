"""Writes to customer files. Every write is audited (django-simple-history → AuditEntry)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm_site.scope import staff_profile
from customers.models import Customer
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
    "income_band",
    "occupation",
    "source",
    "level",
    "status",
    "marketing_consent",
    "notes",
    "project",
)


class DuplicateCustomer(ValidationError):
    """The identity (phone / ID number) already has a file; `existing` is it."""

    def __init__(self, existing: Customer):
        self.existing = existing
        super().__init__(_("A customer with this phone or ID number already exists."), code="duplicate")


def _check_identity(*, phone: str, id_number: str, exclude_pk=None) -> None:
    existing = customer_by_identity(phone=phone, id_number=id_number)
    if existing is not None and existing.pk != exclude_pk:
        raise DuplicateCustomer(existing)


def customer_create(*, by, owner=None, custom: dict | None = None, **fields) -> Customer:
    """Create a customer file owned by `owner` (default: the creator) unless its identity exists."""
    owner = owner or by
    data = {key: value for key, value in fields.items() if key in EDITABLE}
    _check_identity(phone=data.get("phone", ""), id_number=data.get("id_number", ""))
    profile = staff_profile(owner)
    customer = Customer(owner=owner, team=profile.team if profile else None, custom=custom or {}, **data)
    customer._history_user = by
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # Another request registered the same identity between our check and our insert.
        existing = customer_by_identity(phone=data.get("phone", ""), id_number=data.get("id_number", ""))
        if existing is None:
            raise
        raise DuplicateCustomer(existing) from None
    return customer


def customer_update(*, customer: Customer, by, custom: dict | None = None, **fields) -> Customer:
    """Change the editable fields of `customer` (ownership changes go through hand-over)."""
    data = {key: value for key, value in fields.items() if key in EDITABLE}
    _check_identity(
        phone=data.get("phone", customer.phone),
        id_number=data.get("id_number", customer.id_number),
        exclude_pk=customer.pk,
    )
    for key, value in data.items():
        setattr(customer, key, value)
    if custom is not None:
        customer.custom = custom
    customer._history_user = by
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        existing = customer_by_identity(phone=customer.phone, id_number=customer.id_number)
        raise DuplicateCustomer(existing) from None
    return customer
