"""Customers in the JSON API: scoped and masked like the pages, with the same duplicate rules."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from crm_site import customfields, masking
from crm_site.api_common import ApiError, RevealingPagination, require_perm
from crm_site.models import AccessLog
from crm_site.scope import scope_q
from customers import selectors, services
from customers.identity import normalize_id_number, normalize_phone
from customers.models import Customer

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    kind: str
    name: str
    phone: str
    email: str
    id_number: str
    income_band: str
    gender: str
    birth_date: datetime.date | None
    district: str
    source: str
    level: str
    status: str
    owner_id: int
    project_id: int | None
    custom: dict
    created_at: datetime.datetime
    last_contact_at: datetime.datetime | None

    @staticmethod
    def resolve_phone(obj):
        return obj.shown["phone"]

    @staticmethod
    def resolve_id_number(obj):
        return obj.shown["id_number"]

    @staticmethod
    def resolve_income_band(obj):
        return obj.shown["income_band"]


class CustomerIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=1, max_length=40)
    kind: Customer.Kind = Customer.Kind.INDIVIDUAL
    email: str = ""
    id_number: str = ""
    gender: Customer.Gender = Customer.Gender.UNKNOWN
    birth_date: datetime.date | None = None
    district: str = Field("", max_length=50)
    address: str = Field("", max_length=200)
    income_band: Customer.IncomeBand = Customer.IncomeBand.UNKNOWN
    occupation: str = Field("", max_length=100)
    source: Customer.Source = Customer.Source.WALK_IN
    level: Customer.Level = Customer.Level.C
    status: Customer.Status = Customer.Status.PROSPECT
    marketing_consent: bool = False
    notes: str = Field("", max_length=5000)
    custom: dict = {}


class CustomerFilter(Schema):
    q: str = ""
    level: str = ""
    status: str = ""
    source: str = ""
    sort: str = "-created"


def _field_errors(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _clean(payload: CustomerIn) -> tuple[dict, dict]:
    data = payload.dict()
    custom = data.pop("custom") or {}
    errors = {}
    try:
        data["phone"] = normalize_phone(data["phone"])
    except ValidationError as error:
        errors["phone"] = error.messages
    if data["id_number"]:
        try:
            data["id_number"] = normalize_id_number(data["id_number"])
        except ValidationError as error:
            errors["id_number"] = error.messages
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError as error:
            errors["email"] = error.messages
    try:
        custom = customfields.validate_values(selectors.ENTITY, custom)
    except ValidationError as error:
        errors["custom"] = _field_errors(error)
    if errors:
        raise ApiError(422, {"detail": "Invalid customer.", "errors": errors})
    return data, custom


def _shown(request, customers, purpose=AccessLog.Purpose.API):
    return masking.reveal(request.user, customers, selectors.SENSITIVE_FIELDS, purpose=purpose, request=request)


@router.get("/", response=list[CustomerOut])
@paginate(RevealingPagination, page_size=50)
def list_customers(request, filters: Query[CustomerFilter]):
    require_perm(request, "customers.view_customer")
    return selectors.customer_list(
        user=request.user,
        search=filters.q,
        level=filters.level,
        status=filters.status,
        source=filters.source,
        sort=filters.sort,
    )


@router.get("/{customer_id}/", response=CustomerOut)
def get_customer(request, customer_id: int):
    require_perm(request, "customers.view_customer")
    try:
        customer = selectors.customer_get(user=request.user, pk=customer_id)
    except Customer.DoesNotExist:
        raise Http404 from None
    return _shown(request, [customer])[0]


@router.post("/", response={201: CustomerOut})
def create_customer(request, payload: CustomerIn):
    require_perm(request, "customers.add_customer")
    data, custom = _clean(payload)
    try:
        customer = services.customer_create(by=request.user, custom=custom, **data)
    except services.DuplicateCustomer as duplicate:
        visible = Customer.objects.filter(scope_q(request.user), pk=duplicate.existing.pk).exists()
        body = {"detail": "A customer with this phone or ID number already exists.", "errors": {"phone": ["duplicate"]}}
        if visible:
            body["existing_id"] = duplicate.existing.pk
        raise ApiError(409, body) from None
    return 201, _shown(request, [customer])[0]


@router.put("/{customer_id}/", response=CustomerOut)
def update_customer(request, customer_id: int, payload: CustomerIn):
    require_perm(request, "customers.change_customer")
    try:
        customer = selectors.customer_get(user=request.user, pk=customer_id)
    except Customer.DoesNotExist:
        raise Http404 from None
    data, custom = _clean(payload)
    if not masking.may_see(request.user, customer):
        for name in selectors.SENSITIVE_FIELDS:  # masked fields cannot be overwritten blind
            data.pop(name, None)
    try:
        services.customer_update(customer=customer, by=request.user, custom=custom, **data)
    except ValidationError:
        raise ApiError(409, {"detail": "A customer with this phone or ID number already exists."}) from None
    return _shown(request, [customer])[0]
