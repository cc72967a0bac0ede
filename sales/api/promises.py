"""API of the promises register and the sales targets, mounted at /api/v1/promises/ by crm_site/api.py."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from crm_site.api.common import ApiError, require_perm
from crm_site.models import Team
from crm_site.validators import TEXT_MAX_LENGTH
from customers.models import Customer
from sales.models import Deal, Project, Promise, SalesTarget
from sales.selectors import promises as selectors
from sales.selectors import quotas as quota_selectors
from sales.services import promises as services
from sales.services import quotas as quota_services

router = Router(tags=["promises"])
User = get_user_model()


def _errors(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


class PromiseOut(Schema):
    id: int
    customer_id: int
    deal_id: int | None
    project_id: int
    promised_by_id: int
    topic: str
    content: str
    due_on: datetime.date | None
    status: str
    evidence: str
    closed_at: datetime.datetime | None
    closed_by_id: int | None
    close_note: str
    created_at: datetime.datetime
    overdue: bool

    @staticmethod
    def resolve_overdue(obj):
        return selectors.is_overdue(obj)


class PromiseIn(Schema):
    customer_id: int
    deal_id: int | None = None
    project_id: int | None = None
    topic: Promise.Topic = Promise.Topic.OTHER
    content: str = Field(min_length=1, max_length=TEXT_MAX_LENGTH)
    due_on: datetime.date | None = None
    evidence: str = Field("", max_length=TEXT_MAX_LENGTH)


class PromiseFilter(Schema):
    status: str = ""
    topic: str = ""
    project_id: int | None = None
    customer_id: int | None = None
    overdue: bool = False


class CloseIn(Schema):
    status: str
    note: str = Field("", max_length=300)


@router.get("/", response=list[PromiseOut])
@paginate(PageNumberPagination, page_size=50)
def list_promises(request, filters: Query[PromiseFilter]):
    require_perm(request, "sales.view_promise")
    promises = selectors.promise_list(
        user=request.user, status=filters.status, topic=filters.topic, overdue=filters.overdue
    )
    if filters.project_id:
        promises = promises.filter(project_id=filters.project_id)
    if filters.customer_id:
        promises = promises.filter(customer_id=filters.customer_id)
    return promises


@router.get("/{int:promise_id}/", response=PromiseOut)
def get_promise(request, promise_id: int):
    require_perm(request, "sales.view_promise")
    try:
        return selectors.promise_get(user=request.user, pk=promise_id)
    except Promise.DoesNotExist:
        raise Http404 from None


@router.post("/", response={201: PromiseOut})
def create_promise(request, payload: PromiseIn):
    require_perm(request, "sales.add_promise")
    customer = Customer.objects.visible_to(request.user).filter(pk=payload.customer_id).first()
    if customer is None:
        raise ApiError(422, {"detail": "Invalid promise.", "errors": {"customer_id": ["unknown customer"]}})
    deal = None
    if payload.deal_id is not None:
        deal = Deal.objects.visible_to(request.user).filter(pk=payload.deal_id).first()
        if deal is None:
            raise ApiError(422, {"detail": "Invalid promise.", "errors": {"deal_id": ["unknown contract"]}})
    project = None
    if payload.project_id is not None:
        project = Project.objects.filter(pk=payload.project_id).first()
        if project is None:
            raise ApiError(422, {"detail": "Invalid promise.", "errors": {"project_id": ["unknown project"]}})
    try:
        promise = services.promise_create(
            customer=customer,
            project=project,
            topic=payload.topic,
            content=payload.content,
            due_on=payload.due_on,
            evidence=payload.evidence,
            deal=deal,
            by=request.user,
        )
    except ValidationError as error:
        raise ApiError(422, {"detail": "Invalid promise.", "errors": _errors(error)}) from None
    return Status(201, promise)


@router.post("/{int:promise_id}/close", response=PromiseOut)
def close_promise(request, promise_id: int, payload: CloseIn):
    require_perm(request, "sales.change_promise")
    try:
        promise = selectors.promise_get(user=request.user, pk=promise_id)
    except Promise.DoesNotExist:
        raise Http404 from None
    try:
        return services.promise_close(promise=promise, status=payload.status, note=payload.note, by=request.user)
    except PermissionDenied:
        raise HttpError(403, "You may not close this promise.") from None
    except ValidationError as error:
        raise ApiError(422, {"detail": "Cannot close this promise.", "errors": _errors(error)}) from None


# --- targets -----------------------------------------------------------------------------------------------


class TargetOut(Schema):
    id: int | None
    month: datetime.date
    level: str
    subject_id: int
    subject: str
    amount: Decimal | None
    units: int | None
    stretch_amount: Decimal | None
    stretch_units: int | None
    contracted_amount: Decimal
    contracted_units: int
    amount_pct: Decimal | None
    stretch_pct: Decimal | None
    units_pct: Decimal | None


class TargetIn(Schema):
    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    level: SalesTarget.Level
    subject_id: int
    amount: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    units: int = Field(0, ge=0, le=100000)
    stretch_amount: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    stretch_units: int = Field(0, ge=0, le=100000)


class TargetUpdate(Schema):
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    units: int = Field(ge=0, le=100000)
    stretch_amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    stretch_units: int = Field(ge=0, le=100000)


def _target_out(row, month, level) -> dict:
    target = row.target
    subject = row.subject
    name = subject.get_full_name() or subject.get_username() if level == SalesTarget.Level.REP else subject.name
    return {
        "id": target.pk if target else None,
        "month": month,
        "level": level,
        "subject_id": subject.pk,
        "subject": name,
        "amount": target.amount if target else None,
        "units": target.units if target else None,
        "stretch_amount": target.stretch_amount if target else None,
        "stretch_units": target.stretch_units if target else None,
        "contracted_amount": row.amount,
        "contracted_units": row.units,
        "amount_pct": row.amount_pct,
        "stretch_pct": row.stretch_pct,
        "units_pct": row.units_pct,
    }


def _month(value: str) -> datetime.date:
    month = quota_selectors.parse_month(value)
    if month is None:
        raise ApiError(422, {"detail": "Invalid month.", "errors": {"month": ["use YYYY-MM"]}})
    return month


@router.get("/targets/", response=list[TargetOut])
def list_targets(request, month: str = "", level: SalesTarget.Level = SalesTarget.Level.REP):
    require_perm(request, "sales.view_salestarget")
    month = _month(month) if month else timezone.localdate().replace(day=1)
    manager = request.user.has_perm("sales.add_salestarget")
    subjects = quota_selectors.subjects_for(user=request.user, level=level, own=not manager)
    rows = quota_selectors.attainment(month=month, level=level, subjects=subjects)
    return [_target_out(row, month, level) for row in rows]


def _subject(level: str, pk: int):
    model = {SalesTarget.Level.REP: User, SalesTarget.Level.TEAM: Team, SalesTarget.Level.PROJECT: Project}[level]
    subject = model.objects.filter(pk=pk).first()
    if subject is None:
        raise ApiError(422, {"detail": "Invalid target.", "errors": {"subject_id": ["unknown subject"]}})
    return subject


def _target_row(target: SalesTarget) -> dict:
    subject = target.staff or target.team or target.project
    row = quota_selectors.attainment(month=target.month, level=target.level, subjects=[subject])[0]
    return _target_out(row, target.month, target.level)


@router.post("/targets/", response={201: TargetOut})
def create_target(request, payload: TargetIn):
    require_perm(request, "sales.add_salestarget")
    month = _month(payload.month)
    subject = _subject(payload.level, payload.subject_id)
    numbers = payload.dict(include={"amount", "units", "stretch_amount", "stretch_units"})
    try:
        target = quota_services.target_create(
            month=month, level=payload.level, subject=subject, by=request.user, **numbers
        )
    except PermissionDenied:
        raise HttpError(403, "You may not set targets for this subject.") from None
    except ValidationError as error:
        raise ApiError(422, {"detail": "Invalid target.", "errors": _errors(error)}) from None
    return Status(201, _target_row(target))


@router.put("/targets/{int:target_id}/", response=TargetOut)
def update_target(request, target_id: int, payload: TargetUpdate):
    require_perm(request, "sales.change_salestarget")
    try:
        target = quota_selectors.target_get(user=request.user, pk=target_id)
    except SalesTarget.DoesNotExist:
        raise Http404 from None
    try:
        target = quota_services.target_update(target=target, by=request.user, **payload.dict())
    except PermissionDenied:
        raise HttpError(403, "You may not change this target.") from None
    except ValidationError as error:
        raise ApiError(422, {"detail": "Invalid target.", "errors": _errors(error)}) from None
    return _target_row(target)
