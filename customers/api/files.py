"""Customers in the JSON API: scoped and masked like the pages, with the same duplicate rules."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from crm_site import customfields, masking
from crm_site.api.common import ApiError, RevealingPagination, require_perm
from crm_site.models import AccessLog
from crm_site.validators import TEXT_MAX_LENGTH, not_in_future
from customers import selectors, services
from customers.identity import normalize_id_number, normalize_phone
from customers.models import Customer, Interaction

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
    owner_id: int | None
    project_id: int | None
    tags: list[str]
    work_district: str
    risk_level: str
    purchasing_power: str
    real_need: str
    decision_authority: str
    suitability: str
    prospect_level: str
    key_account: bool
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
    notes: str = Field("", max_length=TEXT_MAX_LENGTH)
    work_district: str = Field("", max_length=50)
    work_address: str = Field("", max_length=200)
    hobbies: str = Field("", max_length=300)
    tags: list[str] = Field(default_factory=list, max_length=30)
    risk_level: Customer.Risk = Customer.Risk.LOW
    purchasing_power: Customer.Answer = Customer.Answer.UNKNOWN
    real_need: Customer.Answer = Customer.Answer.UNKNOWN
    decision_authority: Customer.Answer = Customer.Answer.UNKNOWN
    suitability: Customer.Answer = Customer.Answer.UNKNOWN
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
        not_in_future(data["birth_date"])  # the model's rule, as the form applies it
    except ValidationError as error:
        errors["birth_date"] = error.messages
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
        existing = duplicate.existing
        body = {"detail": "A customer with this phone or ID number already exists.", "errors": {"phone": ["duplicate"]}}
        if Customer.objects.visible_to(request.user).filter(pk=existing.pk).exists():
            body["existing_id"] = existing.pk
        else:
            # The same 撞单 rule as the pages: the first receiver keeps it, this claim becomes a conflict.
            conflict = services.conflict_record(
                customer=existing,
                claimant=request.user,
                evidence={"name": data["name"], "phone": data["phone"], "via": "api"},
            )
            body["conflict_id"] = conflict.pk
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


class InteractionOut(Schema):
    id: int
    customer_id: int
    channel: str
    direction: str
    occurred_at: datetime.datetime
    staff_id: int
    summary: str
    outcome: str
    next_step: str
    next_due: datetime.date | None
    next_done: bool


class InteractionIn(Schema):
    channel: Interaction.Channel = Interaction.Channel.PHONE
    direction: Interaction.Direction = Interaction.Direction.OUT
    occurred_at: datetime.datetime | None = None
    summary: str = Field(min_length=1, max_length=TEXT_MAX_LENGTH)
    outcome: str = Field("", max_length=200)
    next_step: str = Field("", max_length=200)
    next_due: datetime.date | None = None


class MemberOut(Schema):
    id: int
    name: str
    role: str
    title: str
    decides: bool


def _visible_customer(request, customer_id: int) -> Customer:
    try:
        return selectors.customer_get(user=request.user, pk=customer_id)
    except Customer.DoesNotExist:
        raise Http404 from None


@router.get("/{customer_id}/interactions/", response=list[InteractionOut])
@paginate(PageNumberPagination, page_size=50)
def list_interactions(request, customer_id: int):
    require_perm(request, "customers.view_interaction")
    return _visible_customer(request, customer_id).interactions.order_by("-occurred_at", "-id")


@router.post("/{customer_id}/interactions/", response={201: InteractionOut})
def create_interaction(request, customer_id: int, payload: InteractionIn):
    require_perm(request, "customers.add_interaction")
    customer = _visible_customer(request, customer_id)
    try:
        interaction = services.interaction_log(customer=customer, by=request.user, **payload.dict())
    except ValidationError as error:
        raise ApiError(422, {"detail": "Invalid interaction.", "errors": _field_errors(error)}) from None
    return 201, interaction


@router.get("/{customer_id}/members/", response=list[MemberOut])
def list_members(request, customer_id: int):
    require_perm(request, "customers.view_customer")
    return list(_visible_customer(request, customer_id).members.all())
