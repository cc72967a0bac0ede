"""Messages: send one to a customer (scoped), read one, and record what another system sent (SMS, WeChat) and the
delivery statuses it or a mail server reports — idempotent by the external id."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field, field_validator

from crm_site.api.common import require_perm
from crm_site.api.errors import ErrorDetail
from customers.identity import normalize_phone
from customers.models import Customer, CustomerPhone
from outreach.api.common import invalid
from outreach.models import Channel, Kind, Message
from outreach.selectors import messages as selectors
from outreach.services import MessageRefused, message_record_external, message_send, message_status_report

router = Router(tags=["outreach"])
MergeValue = str | int | float | bool | None


class MessageOut(Schema):
    id: int
    customer_id: int | None
    channel: str
    kind: str
    language: str
    template_key: str
    to_address: str
    subject: str
    body: str
    status: str
    attempts: int
    error: str
    external_id: str
    created_at: datetime.datetime
    sent_at: datetime.datetime | None
    status_at: datetime.datetime


class MessageIn(Schema):
    customer_id: int = Field(ge=1, le=2**62)
    template_key: str = Field(min_length=1, max_length=60)
    language: str = Field("zh-hans", pattern=r"^(en|zh-hans)$")
    context: dict[str, MergeValue] = Field(
        default_factory=dict, max_length=50, description="Extra merge values: plain strings and numbers."
    )
    dedupe_key: str = Field(
        "", max_length=150, description="Send the same key twice: the second call returns the first message."
    )

    @field_validator("context")
    @classmethod
    def _short_values(cls, value):
        for key, item in value.items():
            if len(key) > 60 or (isinstance(item, str) and len(item) > 2000):
                raise ValueError("merge keys are at most 60 characters, values at most 2,000")
        return value


class StatusIn(Schema):
    status: Message.Status = Field(description="sent, delivered, failed or bounced")
    error: str = Field("", max_length=300)
    at: datetime.datetime | None = Field(None, description="When it happened (with a time zone; default: now).")


class ExternalIn(Schema):
    channel: Channel = Field(description="sms or wechat")
    external_id: str = Field(min_length=1, max_length=100, description="The id the sending system knows it by.")
    customer_id: int | None = Field(None, ge=1, le=2**62)
    phone: str = Field("", max_length=40, description="Instead of customer_id: any phone number of the customer.")
    kind: Kind = Kind.SERVICE
    body: str = Field(min_length=1, max_length=5000)
    to: str = Field("", max_length=254)
    status: Message.Status = Message.Status.SENT
    sent_at: datetime.datetime | None = None
    error: str = Field("", max_length=300)


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A naive time is read in the configured time zone (TIME_ZONE)."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


@router.post("/", response={201: MessageOut, 404: ErrorDetail})
def send_message(request, payload: MessageIn):
    """Send a template to one customer in your scope (needs outreach.send_message). Marketing templates need the
    customer's consent and an address: otherwise 422 with code no_consent / no_address."""
    require_perm(request, "outreach.send_message")
    customer = Customer.objects.visible_to(request.user).filter(pk=payload.customer_id).first()
    if customer is None:
        raise HttpError(404, "No customer in your scope has this id.")
    try:
        message = message_send(
            template=payload.template_key,
            customer=customer,
            language=payload.language,
            context=payload.context,
            dedupe_key=payload.dedupe_key,
            by=request.user,
        )
    except MessageRefused as refused:
        raise invalid("The message may not be sent.", refused, refused.code) from None
    except ValidationError as error:
        raise invalid("Invalid message.", error) from None
    return Status(201, message)


@router.get("/{int:message_id}/", response={200: MessageOut})
def get_message(request, message_id: int):
    """A message to a customer in your scope."""
    require_perm(request, "outreach.send_message")
    try:
        return selectors.message_get(user=request.user, pk=message_id)
    except Message.DoesNotExist:
        raise Http404 from None


@router.post("/{int:message_id}/status", response={200: MessageOut})
def report_status(request, message_id: int, payload: StatusIn):
    """Record a delivery report for a message the CRM sent (a bounce from the mail server, a delivery receipt).
    Needs outreach.record_message; reporting the same status again changes nothing."""
    require_perm(request, "outreach.record_message")
    return _report(request, Message.objects.filter(pk=message_id, customer__isnull=False).first(), payload)


def _report(request, message: Message | None, payload: StatusIn) -> Message:
    if message is None:
        raise Http404
    try:
        return message_status_report(
            message=message, status=payload.status, error=payload.error, at=_aware(payload.at), by=request.user
        )
    except ValidationError as error:
        raise invalid("Invalid status.", error) from None


def _customer_for(payload: ExternalIn) -> Customer:
    if payload.customer_id is not None:
        customer = Customer.objects.filter(pk=payload.customer_id).first()
    elif payload.phone:
        try:
            number = normalize_phone(payload.phone)
        except ValidationError:
            number = ""
        row = (
            CustomerPhone.objects.filter(number=number).values_list("customer_id", flat=True).first()
            if number
            else None
        )
        customer = Customer.objects.filter(pk=row).first() if row else None
    else:
        customer = None
    if customer is None:
        raise invalid(
            "Unknown customer.",
            ValidationError({"customer_id": ["Give the customer's id or one of their phone numbers."]}),
        )
    return customer


@router.post("/external/", response={200: MessageOut, 201: MessageOut, 404: ErrorDetail})
def record_external(request, payload: ExternalIn):
    """Record an SMS or WeChat message another system sent (needs outreach.record_message). Posting the same
    external_id again answers 200 with the first record: retries are safe."""
    require_perm(request, "outreach.record_message")
    customer = _customer_for(payload)
    try:
        message, created = message_record_external(
            channel=payload.channel,
            external_id=payload.external_id,
            customer=customer,
            body=payload.body,
            kind=payload.kind,
            status=payload.status,
            to_address=payload.to,
            sent_at=_aware(payload.sent_at),
            error=payload.error,
            by=request.user,
        )
    except ValidationError as error:
        raise invalid("Invalid message.", error) from None
    return Status(201 if created else 200, message)


@router.post("/external/{channel}/{external_id}/status", response={200: MessageOut})
def report_external_status(request, channel: Channel, external_id: str, payload: StatusIn):
    """The delivery status of an SMS / WeChat message recorded before, by its external id."""
    require_perm(request, "outreach.record_message")
    external_id = external_id[:100].replace("\x00", "")
    message = Message.objects.filter(channel=channel, external_id=external_id).first() if external_id else None
    return _report(request, message, payload)
