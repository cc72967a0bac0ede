"""Web inquiries in the JSON API: intake for the website / call center, and the queue, scoped like the pages."""

import datetime

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status
from pydantic import Field

from crm_site.api.common import ApiError, require_perm
from crm_site.models import AccessLog
from crm_site.validators import TEXT_MAX_LENGTH
from customers.models import Inquiry
from customers.services import inquiries as services
from sales.models import Project

router = Router(tags=["inquiries"])


class InquiryIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=1, max_length=40)
    email: str = Field("", max_length=254)
    message: str = Field("", max_length=TEXT_MAX_LENGTH)
    project_code: str = Field("", max_length=30, description="Code of an active project; empty if unknown.")
    source_detail: str = Field("", max_length=200, description="Where the inquiry came from, e.g. a campaign.")


class InquiryCreated(Schema):
    id: int
    status: str
    received_at: datetime.datetime


class InquiryOut(Schema):
    id: int
    received_at: datetime.datetime
    channel: str
    name: str
    phone: str = Field(description="Masked unless your role may see phone numbers.")
    email: str
    message: str
    project_id: int | None
    source_detail: str
    status: str
    assigned_to_id: int | None
    assigned_at: datetime.datetime | None
    first_contact_at: datetime.datetime | None
    response_seconds: int | None = Field(description="Received → first contact, in seconds.")
    overdue: bool = Field(description="Unanswered for longer than the configured alert limit.")
    customer_id: int | None

    @staticmethod
    def resolve_phone(obj):
        return obj.shown["phone"]

    @staticmethod
    def resolve_response_seconds(obj):
        return int(obj.response_time.total_seconds()) if obj.response_time is not None else None

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue


class InquiryFilter(Schema):
    status: Inquiry.Status | None = None
    overdue: bool = False


class InquiryPagination(PageNumberPagination):
    """Page numbers, with phone numbers masked as on the queue page (unmasked views are logged)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result["items"] = services.inquiry_reveal(
            user=request.user, inquiries=list(result["items"]), purpose=AccessLog.Purpose.API, request=request
        )
        return result


@router.get("/", response=list[InquiryOut])
@paginate(InquiryPagination, page_size=50)
def list_inquiries(request, filters: Query[InquiryFilter]):
    """The caller's queue: a dispatcher sees the unassigned ones and those assigned in their scope, others their own."""
    require_perm(request, services.VIEW_PERMISSION)
    return services.inquiry_queue(user=request.user, status=filters.status or "", overdue=filters.overdue)


@router.post("/", response={201: InquiryCreated})
def create_inquiry(request, payload: InquiryIn):
    """Put an inquiry in the unassigned queue (needs customers.add_inquiry)."""
    require_perm(request, "customers.add_inquiry")
    project = None
    if payload.project_code:
        project = Project.objects.filter(code=payload.project_code, active=True).first()
        if project is None:
            raise ApiError(
                422, {"detail": "Invalid inquiry.", "errors": {"project_code": ["No active project has this code."]}}
            )
    try:
        inquiry = services.inquiry_receive(
            name=payload.name,
            phone=payload.phone,
            email=payload.email,
            message=payload.message,
            project=project,
            source_detail=payload.source_detail,
            channel=Inquiry.Channel.API,
            by=request.user,
        )
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        raise ApiError(422, {"detail": "Invalid inquiry.", "errors": errors}) from None
    return Status(201, inquiry)
