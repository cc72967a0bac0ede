"""Reads of customer files, always through the viewer's scope."""

from django.db.models import Q, QuerySet

from crm_site import customfields
from crm_site.models import CustomField
from customers.identity import phone_digits
from customers.models import Customer

ENTITY = CustomField.Entity.CUSTOMER
SENSITIVE_FIELDS = Customer.sensitive_fields
SORTS = {
    "name": "name",
    "-name": "-name",
    "created": "created_at",
    "-created": "-created_at",
    "contact": "last_contact_at",
    "-contact": "-last_contact_at",
    "level": "level",
    "-level": "-level",
}


def search_q(query: str) -> Q:
    """Match a name, email or ID number, or any part of a phone number."""
    query = query.strip()
    q = Q(name__icontains=query) | Q(email__iexact=query) | Q(id_number__iexact=query.upper())
    digits = phone_digits(query)
    if len(digits) >= 3 and len(digits) >= len(query.replace(" ", "").replace("-", "")) - 1:
        q |= Q(phone__contains=digits)
    return q


def customer_list(
    *,
    user,
    search: str = "",
    owner=None,
    level: str = "",
    status: str = "",
    source: str = "",
    project=None,
    custom: dict | None = None,
    sort: str = "-created",
) -> QuerySet[Customer]:
    customers = Customer.objects.visible_to(user).select_related("owner", "project")
    if search:
        customers = customers.filter(search_q(search))
    if owner:
        customers = customers.filter(owner=owner)
    if level:
        customers = customers.filter(level=level)
    if status:
        customers = customers.filter(status=status)
    if source:
        customers = customers.filter(source=source)
    if project:
        customers = customers.filter(project=project)
    for definition in customfields.definitions(ENTITY):
        raw = (custom or {}).get(definition.key)
        if raw:
            customers = customers.filter(customfields.filter_q(definition, raw))
    return customers.order_by(SORTS.get(sort, "-created_at"), "-id")


def customer_get(*, user, pk: int) -> Customer:
    """The customer `pk` if `user` may see it; raises Customer.DoesNotExist otherwise."""
    return Customer.objects.visible_to(user).select_related("owner", "team", "project").get(pk=pk)


def customer_by_identity(*, phone: str = "", id_number: str = "") -> Customer | None:
    """The existing file with this normalised phone or ID number, whoever owns it."""
    q = Q(pk__in=[])
    if phone:
        q |= Q(phone=phone)
    if id_number:
        q |= Q(id_number=id_number)
    return Customer.objects.filter(q).select_related("owner").first()
