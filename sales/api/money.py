"""API of sales money, mounted by crm_site/api.py: installments, payments and refunds, leases; all scoped."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from crm_site.api.common import ApiError, PageNumberPagination, require_perm
from customers.models import Customer
from sales.models import Installment, Lease, Payment, Unit
from sales.selectors import leasing as lease_selectors
from sales.selectors import money as selectors
from sales.services import leasing as lease_services
from sales.services import money as services

router = Router(tags=["money"])


class InstallmentOut(Schema):
    id: int
    deal_id: int | None
    lease_id: int | None
    project_id: int
    owner_id: int
    kind: str
    sequence: int
    due_on: datetime.date
    amount: Decimal
    received: Decimal
    outstanding: Decimal
    note: str


class InstallmentFilter(Schema):
    overdue: bool = False
    due_within_days: int | None = Field(None, ge=0, le=3650)
    deal: int | None = None
    lease: int | None = None
    project: int | None = None


class PaymentOut(Schema):
    id: int
    installment_id: int
    project_id: int
    owner_id: int
    amount: Decimal
    is_refund: bool
    received_on: datetime.date
    method: str
    reference: str
    by_id: int


class PaymentIn(Schema):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    received_on: datetime.date
    method: Payment.Method = Payment.Method.TRANSFER
    reference: str = Field("", max_length=60)


class RefundIn(Schema):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    reason: str = Field(min_length=1, max_length=60)


class PaymentFilter(Schema):
    installment: int | None = None
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None


class LeaseOut(Schema):
    id: int
    unit_id: int
    project_id: int
    tenant_id: int
    owner_id: int
    starts_on: datetime.date
    ends_on: datetime.date
    monthly_rent: Decimal
    deposit: Decimal
    rent_day: int
    state: str
    signed_on: datetime.date
    ended_reason: str


class LeaseIn(Schema):
    unit_id: int
    tenant_id: int
    starts_on: datetime.date
    ends_on: datetime.date
    monthly_rent: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    deposit: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    rent_day: int = Field(1, ge=1, le=31)
    signed_on: datetime.date | None = None


def _errors(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _installment(request, installment_id: int) -> Installment:
    try:
        return selectors.installment_get(user=request.user, pk=installment_id)
    except Installment.DoesNotExist:
        raise Http404 from None


def _money_error(error: ValidationError, detail: str):
    status = 409 if isinstance(error, services.PaymentRefused) else 422
    return ApiError(status, {"detail": detail, "errors": _errors(error)})


@router.get("/installments/", response=list[InstallmentOut])
@paginate(PageNumberPagination, page_size=50)
def list_installments(request, filters: Query[InstallmentFilter]):
    """Outstanding installments in the caller's scope, oldest due first."""
    require_perm(request, "sales.view_installment")
    return selectors.installment_list(
        user=request.user,
        overdue_only=filters.overdue,
        due_within_days=filters.due_within_days,
        deal=filters.deal,
        lease=filters.lease,
        project=filters.project,
    )


@router.get("/installments/{installment_id}/", response=InstallmentOut)
def get_installment(request, installment_id: int):
    require_perm(request, "sales.view_installment")
    return _installment(request, installment_id)


@router.post("/installments/{installment_id}/payments/", response={201: PaymentOut})
def create_payment(request, installment_id: int, payload: PaymentIn):
    """Record a payment; 409 when it would pay more than is outstanding."""
    require_perm(request, "sales.add_payment")
    installment = _installment(request, installment_id)
    try:
        payment = services.payment_record(installment=installment, by=request.user, **payload.dict())
    except ValidationError as error:
        raise _money_error(error, "Payment refused.") from None
    return 201, payment


@router.post("/installments/{installment_id}/refunds/", response={201: PaymentOut})
def create_refund(request, installment_id: int, payload: RefundIn):
    """Refund money received; 409 beyond what was received on the installment."""
    require_perm(request, "sales.change_installment")
    installment = _installment(request, installment_id)
    try:
        payment = services.payment_refund(installment=installment, by=request.user, **payload.dict())
    except ValidationError as error:
        raise _money_error(error, "Refund refused.") from None
    return 201, payment


@router.get("/payments/", response=list[PaymentOut])
@paginate(PageNumberPagination, page_size=50)
def list_payments(request, filters: Query[PaymentFilter]):
    require_perm(request, "sales.view_payment")
    payments = Payment.objects.visible_to(request.user)
    if filters.installment is not None:
        payments = payments.filter(installment_id=filters.installment)
    if filters.received_from is not None:
        payments = payments.filter(received_on__gte=filters.received_from)
    if filters.received_to is not None:
        payments = payments.filter(received_on__lte=filters.received_to)
    return payments.order_by("-received_on", "-id")


@router.get("/leases/", response=list[LeaseOut])
@paginate(PageNumberPagination, page_size=50)
def list_leases(request, state: str = ""):
    require_perm(request, "sales.view_lease")
    return lease_selectors.lease_list(user=request.user, state=state if state in Lease.State.values else "")


@router.get("/leases/{lease_id}/", response=LeaseOut)
def get_lease(request, lease_id: int):
    require_perm(request, "sales.view_lease")
    try:
        return lease_selectors.lease_get(user=request.user, pk=lease_id)
    except Lease.DoesNotExist:
        raise Http404 from None


@router.post("/leases/", response={201: LeaseOut})
def create_lease(request, payload: LeaseIn):
    """Let a unit to a tenant the caller can see; the rent schedule comes with it."""
    require_perm(request, "sales.add_lease")
    data = payload.dict()
    tenant = Customer.objects.visible_to(request.user).filter(pk=data.pop("tenant_id")).first()
    unit = Unit.objects.filter(pk=data.pop("unit_id")).first()
    errors = {}
    if tenant is None:
        errors["tenant_id"] = ["No such customer in your scope."]
    if unit is None:
        errors["unit_id"] = ["No such unit."]
    if errors:
        raise ApiError(422, {"detail": "Invalid lease.", "errors": errors})
    try:
        lease = lease_services.lease_create(unit=unit, tenant=tenant, by=request.user, **data)
    except ValidationError as error:
        errors = _errors(error)
        status = 409 if "unit" in errors else 422
        raise ApiError(status, {"detail": "Lease refused.", "errors": errors}) from None
    return 201, lease
