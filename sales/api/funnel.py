"""The funnel in the JSON API: opportunities (create, move, stage history) and deals (reserve, subscribe, contract,
cancel). Scoped like the pages: a row outside the scope is a 404; broken rules are 422; a taken unit is 409."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from crm_site import customfields
from crm_site.api.common import ApiError, PageNumberPagination, require_perm
from customers.models import Customer
from sales.models import Campaign, Deal, Opportunity, Project, Unit
from sales.selectors import deals as deal_selectors
from sales.selectors import funnel as selectors
from sales.services import deals as deal_services
from sales.services import funnel as services
from sales.services.customfields import custom_update

router = Router(tags=["funnel"])


class OpportunityOut(Schema):
    id: int
    customer_id: int
    project_id: int
    owner_id: int
    team_id: int | None
    stage: str
    stage_changed_at: datetime.datetime
    unit_id: int | None
    expected_amount: Decimal | None
    campaign_id: int | None
    lost_reason_id: int | None
    lost_to_id: int | None
    lost_note: str
    note: str
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    custom: dict


class OpportunityIn(Schema):
    customer_id: int
    project_id: int
    owner_id: int | None = None
    campaign_id: int | None = None
    expected_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    note: str = Field("", max_length=2000)
    custom: dict = {}


class CustomIn(Schema):
    """All custom-field values of a record ({key: value}); a field left out is emptied."""

    custom: dict


class OpportunityFilter(Schema):
    stage: str = ""
    project_id: int | None = None
    status: str = ""


class MoveIn(Schema):
    stage: Opportunity.Stage
    note: str = Field("", max_length=300)


class StageChangeOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    at: datetime.datetime
    by_id: int
    note: str


class DealOut(Schema):
    id: int
    opportunity_id: int
    unit_id: int
    customer_id: int
    project_id: int
    owner_id: int
    stage: str
    state: str
    deposit: Decimal
    reserved_at: datetime.datetime
    expires_at: datetime.datetime | None
    list_price: Decimal
    price: Decimal | None
    discount_pct: Decimal
    payment_method: str
    approval: str
    subscribed_on: datetime.date | None
    contract_no: str
    signed_on: datetime.date | None
    delivered_on: datetime.date | None
    cancelled_at: datetime.datetime | None
    cancel_reason: str
    custom: dict


class DealFilter(Schema):
    stage: str = ""
    state: str = ""
    project_id: int | None = None
    approval: str = ""


class ReserveIn(Schema):
    opportunity_id: int
    unit_id: int
    deposit: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    expires_at: datetime.datetime | None = None
    custom: dict = {}


class SubscribeIn(Schema):
    price: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    payment_method: Deal.PaymentMethod
    subscribed_on: datetime.date


class ContractIn(Schema):
    price: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    payment_method: Deal.PaymentMethod
    signed_on: datetime.date
    contract_no: str = Field(min_length=1, max_length=40)


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


def _unprocessable(error: ValidationError, what: str):
    if getattr(error, "code", None) == "taken" or (not hasattr(error, "error_dict") and _is_taken(error)):
        return ApiError(409, {"detail": " ".join(error.messages), "errors": {"unit": error.messages}})
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return ApiError(422, {"detail": f"Invalid {what}.", "errors": errors})


def _is_taken(error: ValidationError) -> bool:
    return any(getattr(item, "code", None) == "taken" for item in error.error_list)


def _opportunity(request, pk: int) -> Opportunity:
    try:
        return selectors.opportunity_get(user=request.user, pk=pk)
    except Opportunity.DoesNotExist:
        raise Http404 from None


def _deal(request, pk: int) -> Deal:
    try:
        return deal_selectors.deal_get(user=request.user, pk=pk)
    except Deal.DoesNotExist:
        raise Http404 from None


def _run(call, what: str):
    try:
        return call()
    except PermissionDenied as denied:
        raise HttpError(403, str(denied) or "Your role may not do this.") from None
    except ValidationError as error:
        raise _unprocessable(error, what) from None


@router.get("/opportunities/", response=list[OpportunityOut])
@paginate(PageNumberPagination, page_size=50)
def list_opportunities(request, filters: Query[OpportunityFilter]):
    require_perm(request, "sales.view_opportunity")
    project = Project.objects.filter(pk=filters.project_id).first() if filters.project_id else None
    return selectors.opportunity_list(user=request.user, stage=filters.stage, project=project, status=filters.status)


@router.get("/opportunities/{opportunity_id}/", response=OpportunityOut)
def get_opportunity(request, opportunity_id: int):
    require_perm(request, "sales.view_opportunity")
    return _opportunity(request, opportunity_id)


@router.post("/opportunities/", response={201: OpportunityOut})
def create_opportunity(request, payload: OpportunityIn):
    require_perm(request, "sales.add_opportunity")
    errors = {}
    customer = Customer.objects.visible_to(request.user).filter(pk=payload.customer_id).first()
    if customer is None:
        errors["customer_id"] = ["No such customer in your scope."]
    project = Project.objects.filter(pk=payload.project_id, active=True).first()
    if project is None:
        errors["project_id"] = ["No such active project."]
    owner = None
    if payload.owner_id is not None:
        from crm_site.selectors import assignable_staff

        owner = assignable_staff(user=request.user).filter(pk=payload.owner_id).first()
        if owner is None:
            errors["owner_id"] = ["No such colleague in your scope."]
    campaign = Campaign.objects.filter(pk=payload.campaign_id).first() if payload.campaign_id else None
    if payload.campaign_id and campaign is None:
        errors["campaign_id"] = ["No such campaign."]
    custom = customfields.validate_into(selectors.ENTITY, payload.custom, errors)
    if errors:
        raise ApiError(422, {"detail": "Invalid opportunity.", "errors": errors})
    try:
        opportunity = services.opportunity_create(
            customer=customer,
            project=project,
            owner=owner,
            campaign=campaign,
            expected_amount=payload.expected_amount,
            note=payload.note,
            custom=custom,
            by=request.user,
        )
    except services.DuplicateOpportunity as duplicate:
        raise ApiError(
            409,
            {"detail": " ".join(duplicate.messages), "existing_id": duplicate.existing.pk},
        ) from None
    except ValidationError as error:
        raise _unprocessable(error, "opportunity") from None
    return 201, opportunity


@router.post("/opportunities/{opportunity_id}/move/", response=OpportunityOut)
def move_opportunity(request, opportunity_id: int, payload: MoveIn):
    require_perm(request, "sales.change_opportunity")
    opportunity = _opportunity(request, opportunity_id)
    return _run(
        lambda: services.opportunity_move(
            opportunity=opportunity, to_stage=payload.stage.value, note=payload.note, by=request.user
        ),
        "move",
    )


@router.put("/opportunities/{opportunity_id}/custom/", response=OpportunityOut)
def set_opportunity_custom(request, opportunity_id: int, payload: CustomIn):
    require_perm(request, "sales.change_opportunity")
    opportunity = _opportunity(request, opportunity_id)
    errors = {}
    values = customfields.validate_into(selectors.ENTITY, payload.custom, errors)
    if errors:
        raise ApiError(422, {"detail": "Invalid custom fields.", "errors": errors})
    custom_update(record=opportunity, entity=selectors.ENTITY, values=values, by=request.user)
    return opportunity


@router.get("/opportunities/{opportunity_id}/stages/", response=list[StageChangeOut])
def list_stage_changes(request, opportunity_id: int):
    require_perm(request, "sales.view_opportunity")
    return list(_opportunity(request, opportunity_id).stage_changes.order_by("at", "id"))


@router.get("/deals/", response=list[DealOut])
@paginate(PageNumberPagination, page_size=50)
def list_deals(request, filters: Query[DealFilter]):
    require_perm(request, "sales.view_deal")
    project = Project.objects.filter(pk=filters.project_id).first() if filters.project_id else None
    return deal_selectors.deal_list(
        user=request.user, stage=filters.stage, state=filters.state, project=project, approval=filters.approval
    )


@router.get("/deals/{deal_id}/", response=DealOut)
def get_deal(request, deal_id: int):
    require_perm(request, "sales.view_deal")
    return _deal(request, deal_id)


@router.post("/deals/", response={201: DealOut})
def reserve(request, payload: ReserveIn):
    require_perm(request, "sales.add_deal")
    opportunity = Opportunity.objects.visible_to(request.user).filter(pk=payload.opportunity_id).first()
    unit = Unit.objects.filter(pk=payload.unit_id).first()
    errors = {}
    if opportunity is None:
        errors["opportunity_id"] = ["No such opportunity in your scope."]
    if unit is None:
        errors["unit_id"] = ["No such unit."]
    custom = customfields.validate_into(deal_selectors.ENTITY, payload.custom, errors)
    if errors:
        raise ApiError(422, {"detail": "Invalid reservation.", "errors": errors})
    deal = _run(
        lambda: deal_services.deal_reserve(
            opportunity=opportunity,
            unit=unit,
            deposit=payload.deposit,
            expires_at=payload.expires_at,
            custom=custom,
            by=request.user,
        ),
        "reservation",
    )
    return 201, deal


@router.put("/deals/{deal_id}/custom/", response=DealOut)
def set_deal_custom(request, deal_id: int, payload: CustomIn):
    require_perm(request, "sales.change_deal")
    deal = _deal(request, deal_id)
    errors = {}
    values = customfields.validate_into(deal_selectors.ENTITY, payload.custom, errors)
    if errors:
        raise ApiError(422, {"detail": "Invalid custom fields.", "errors": errors})
    custom_update(record=deal, entity=deal_selectors.ENTITY, values=values, by=request.user)
    return deal


@router.post("/deals/{deal_id}/subscribe/", response=DealOut)
def subscribe(request, deal_id: int, payload: SubscribeIn):
    require_perm(request, "sales.change_deal")
    deal = _deal(request, deal_id)
    data = payload.dict()
    data["payment_method"] = payload.payment_method.value
    return _run(lambda: deal_services.deal_subscribe(deal=deal, by=request.user, **data), "subscription")


@router.post("/deals/{deal_id}/contract/", response=DealOut)
def contract(request, deal_id: int, payload: ContractIn):
    require_perm(request, "sales.change_deal")
    deal = _deal(request, deal_id)
    data = payload.dict()
    data["payment_method"] = payload.payment_method.value
    return _run(lambda: deal_services.deal_contract(deal=deal, by=request.user, **data), "contract")


@router.post("/deals/{deal_id}/cancel/", response=DealOut)
def cancel(request, deal_id: int, payload: CancelIn):
    require_perm(request, "sales.change_deal")
    deal = _deal(request, deal_id)
    return _run(lambda: deal_services.deal_cancel(deal=deal, reason=payload.reason, by=request.user), "cancellation")
