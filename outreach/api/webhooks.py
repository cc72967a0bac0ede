"""Outbound webhook endpoints and their deliveries (admins: outreach.manage_webhooks)."""

import datetime
import uuid
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from crm_site import events
from crm_site.api.common import PageNumberPagination, require_perm
from outreach.api.common import invalid
from outreach.models import WebhookDelivery, WebhookEndpoint
from outreach.services import webhooks as services

router = Router(tags=["outreach"])
MANAGE = "outreach.manage_webhooks"


class EndpointOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    active: bool
    consecutive_failures: int
    disabled_at: datetime.datetime | None
    disabled_reason: str
    created_at: datetime.datetime


class EndpointCreated(EndpointOut):
    secret: str = Field(description="Sign-check every delivery with it (README: Outbound webhooks).")


class EndpointIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=1, max_length=500)
    events: list[Annotated[str, Field(max_length=60)]] = Field(min_length=1, max_length=50)
    active: bool = True


class DeliveryOut(Schema):
    id: int
    event_id: uuid.UUID
    event: str
    status: str
    attempts: int
    response_code: int | None
    duration_ms: int | None
    error: str
    created_at: datetime.datetime
    last_attempt_at: datetime.datetime | None
    next_attempt_at: datetime.datetime | None
    delivered_at: datetime.datetime | None
    replay_of_id: int | None


class EventOut(Schema):
    name: str
    label: str


@router.get("/events/", response={200: list[EventOut]})
def list_events(request):
    """The events an endpoint may subscribe to."""
    require_perm(request, MANAGE)
    return [{"name": name, "label": str(label)} for name, label in events.choices()]


@router.get("/", response={200: list[EndpointOut]})
@paginate(PageNumberPagination, page_size=50)
def list_endpoints(request):
    require_perm(request, MANAGE)
    return WebhookEndpoint.objects.order_by("name", "pk")


def _save(request, payload: EndpointIn, endpoint=None) -> WebhookEndpoint:
    try:
        return services.endpoint_save(
            by=request.user,
            endpoint=endpoint,
            name=payload.name,
            url=payload.url,
            events_wanted=payload.events,
            active=payload.active,
        )
    except ValidationError as error:
        raise invalid("Invalid endpoint.", error) from None


@router.post("/", response={201: EndpointCreated})
def create_endpoint(request, payload: EndpointIn):
    """Register an endpoint: http(s) on a public address; the answer holds its signing secret."""
    require_perm(request, MANAGE)
    return Status(201, _save(request, payload))


@router.get("/{int:endpoint_id}/", response={200: EndpointOut})
def get_endpoint(request, endpoint_id: int):
    require_perm(request, MANAGE)
    return get_object_or_404(WebhookEndpoint, pk=endpoint_id)


@router.put("/{int:endpoint_id}/", response={200: EndpointOut})
def update_endpoint(request, endpoint_id: int, payload: EndpointIn):
    """Change an endpoint; switching it on again clears its run of failures."""
    require_perm(request, MANAGE)
    return _save(request, payload, get_object_or_404(WebhookEndpoint, pk=endpoint_id))


@router.get("/{int:endpoint_id}/deliveries/", response={200: list[DeliveryOut]})
@paginate(PageNumberPagination, page_size=50)
def list_deliveries(request, endpoint_id: int):
    require_perm(request, MANAGE)
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")


@router.post("/{int:endpoint_id}/deliveries/{int:delivery_id}/replay", response={201: DeliveryOut})
def replay_delivery(request, endpoint_id: int, delivery_id: int):
    """Send a delivery's exact body again, as a new delivery."""
    require_perm(request, MANAGE)
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint"), pk=delivery_id, endpoint_id=endpoint_id
    )
    try:
        return Status(201, services.delivery_replay(delivery=delivery, by=request.user))
    except ValidationError as error:
        raise invalid("Cannot replay.", error) from None
