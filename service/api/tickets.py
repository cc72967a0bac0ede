"""API of service, mounted at /api/v1/service/: tickets (create from a call-center system, update, list),
the certificate status of a contract, callbacks, and the callback answers (scores)."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from crm_site.api.common import ApiError, PageNumberPagination, require_perm
from crm_site.validators import TEXT_MAX_LENGTH
from customers.models import Customer
from sales.models import Deal
from service.models import Callback, Category, CertificateCase, Ticket
from service.selectors import callbacks as callback_selectors
from service.selectors import tickets as selectors
from service.services import callbacks as callback_services
from service.services import tickets as services

router = Router(tags=["service"])
User = get_user_model()


def _errors(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


class TicketOut(Schema):
    id: int
    kind: str
    channel: str
    customer_id: int
    project_id: int | None
    unit_id: int | None
    deal_id: int | None
    promise_id: int | None
    category_id: int | None
    priority: str
    subject: str
    description: str
    status: str
    assignee_id: int | None
    created_at: datetime.datetime
    first_response_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    response_due_at: datetime.datetime | None
    resolution_due_at: datetime.datetime | None
    paused_at: datetime.datetime | None
    escalated_at: datetime.datetime | None


class TicketIn(Schema):
    customer_id: int
    subject: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=TEXT_MAX_LENGTH)
    kind: Ticket.Kind = Ticket.Kind.COMPLAINT
    channel: Ticket.Channel = Ticket.Channel.API
    priority: Ticket.Priority = Ticket.Priority.NORMAL
    category_id: int | None = None
    deal_id: int | None = None
    assignee_id: int | None = None


class TicketUpdate(Schema):
    status: Ticket.Status | None = None
    assignee_id: int | None = None
    note: str = Field("", max_length=300)


class TicketFilter(Schema):
    status: str = Field("", max_length=20)
    kind: str = Field("", max_length=20)
    customer_id: int | None = None
    mine: bool = False


class CertificateOut(Schema):
    deal_id: int
    contract_no: str
    stage: str
    stage_since: datetime.date
    stage_due: datetime.date | None
    deadline: datetime.date | None
    finished_on: datetime.date | None


class CallbackOut(Schema):
    id: int
    customer_id: int
    project_id: int | None
    reason: str
    ticket_id: int | None
    deal_id: int | None
    due_on: datetime.date
    assignee_id: int | None
    done_at: datetime.datetime | None
    score: int | None
    outcome: str
    follow_up_id: int | None


class CallbackIn(Schema):
    conversation: str = Field("", max_length=TEXT_MAX_LENGTH)
    score: int | None = Field(None, ge=1, le=5)
    outcome: Callback.Outcome


def _ticket(request, ticket_id: int) -> Ticket:
    try:
        return selectors.ticket_get(user=request.user, pk=ticket_id)
    except Ticket.DoesNotExist:
        raise Http404 from None


def _invalid(field: str, message: str):
    return ApiError(422, {"detail": "Invalid ticket.", "errors": {field: [message]}})


@router.get("/tickets/", response=list[TicketOut])
@paginate(PageNumberPagination, page_size=50)
def list_tickets(request, filters: Query[TicketFilter]):
    require_perm(request, "service.view_ticket")
    status = filters.status if filters.status in {*Ticket.Status.values, "open", "all"} else "open"
    kind = filters.kind if filters.kind in Ticket.Kind.values else ""
    rows = selectors.ticket_list(user=request.user, status=status, kind=kind, mine=filters.mine)
    if filters.customer_id:
        rows = rows.filter(customer_id=filters.customer_id)
    return rows


@router.get("/tickets/{int:ticket_id}/", response=TicketOut)
def get_ticket(request, ticket_id: int):
    require_perm(request, "service.view_ticket")
    return _ticket(request, ticket_id)


@router.post("/tickets/", response={201: TicketOut})
def create_ticket(request, payload: TicketIn):
    require_perm(request, "service.add_ticket")
    customer = Customer.objects.visible_to(request.user).filter(pk=payload.customer_id).first()
    if customer is None:
        raise _invalid("customer_id", "unknown customer")
    category = None
    if payload.category_id is not None:
        category = Category.objects.filter(pk=payload.category_id, active=True).first()
        if category is None:
            raise _invalid("category_id", "unknown category")
    deal = None
    if payload.deal_id is not None:
        deal = Deal.objects.filter(pk=payload.deal_id, customer=customer).select_related("unit").first()
        if deal is None:
            raise _invalid("deal_id", "unknown contract")
    assignee = None
    if payload.assignee_id is not None:
        assignee = User.objects.filter(pk=payload.assignee_id, is_active=True).first()
        if assignee is None:
            raise _invalid("assignee_id", "unknown agent")
    try:
        ticket = services.ticket_create(
            customer=customer,
            subject=payload.subject,
            description=payload.description,
            kind=payload.kind,
            channel=payload.channel,
            priority=payload.priority,
            category=category,
            deal=deal,
            assignee=assignee,
            by=request.user,
        )
    except ValidationError as error:
        raise ApiError(422, {"detail": "Invalid ticket.", "errors": _errors(error)}) from None
    return Status(201, ticket)


@router.patch("/tickets/{int:ticket_id}/", response=TicketOut)
def update_ticket(request, ticket_id: int, payload: TicketUpdate):
    require_perm(request, "service.change_ticket")
    ticket = _ticket(request, ticket_id)
    try:
        if payload.assignee_id is not None:
            assignee = User.objects.filter(pk=payload.assignee_id, is_active=True).first()
            if assignee is None:
                raise _invalid("assignee_id", "unknown agent")
            ticket = services.ticket_assign(ticket=ticket, assignee=assignee, by=request.user)
        if payload.status is not None and payload.status != ticket.status:
            ticket = services.ticket_transition(
                ticket=ticket, to_status=payload.status, by=request.user, note=payload.note
            )
    except ValidationError as error:
        raise ApiError(422, {"detail": "Cannot change this ticket.", "errors": _errors(error)}) from None
    return _ticket(request, ticket_id)


@router.get("/certificates/{int:deal_id}/", response=CertificateOut)
def certificate_status(request, deal_id: int):
    require_perm(request, "service.view_certificatecase")
    case = (
        CertificateCase.objects.visible_to(request.user).filter(deal_id=deal_id).select_related("deal", "stage").first()
    )
    if case is None:
        raise Http404
    return {
        "deal_id": case.deal_id,
        "contract_no": case.deal.contract_no,
        "stage": case.stage.code if case.stage else "",
        "stage_since": case.stage_since,
        "stage_due": case.stage_due,
        "deadline": case.deadline,
        "finished_on": case.finished_on,
    }


@router.get("/callbacks/", response=list[CallbackOut])
@paginate(PageNumberPagination, page_size=50)
def list_callbacks(request, done: bool = False):
    require_perm(request, "service.view_callback")
    return callback_selectors.callback_list(user=request.user, done=done)


@router.post("/callbacks/{int:callback_id}/answer", response=CallbackOut)
def answer_callback(request, callback_id: int, payload: CallbackIn):
    require_perm(request, "service.change_callback")
    try:
        callback = callback_selectors.callback_get(user=request.user, pk=callback_id)
    except Callback.DoesNotExist:
        raise Http404 from None
    try:
        return callback_services.callback_record(
            callback=callback,
            by=request.user,
            conversation=payload.conversation,
            score=payload.score,
            outcome=payload.outcome,
        )
    except ValidationError as error:
        raise ApiError(422, {"detail": "Cannot record this callback.", "errors": _errors(error)}) from None
