"""Benefits, redemptions, events, registrations and check-in in the JSON API (/api/v1/members/…)."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from crm_site.api.common import PageNumberPagination, require_perm
from crm_site.api.errors import ErrorDetail
from members import selectors, services
from members.models import Benefit, ClubEvent, Tier
from sales.models import Campaign, Project

router = Router(tags=["members"])


class BenefitOut(Schema):
    id: int
    name: str
    name_zh: str
    kind: str
    points_price: int
    min_tier_id: int | None
    stock: int | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class RedemptionIn(Schema):
    benefit_id: int = Field(ge=1, le=2**31 - 1)


class RedemptionOut(Schema):
    id: int
    member_id: int
    benefit_id: int
    points: int
    status: str
    created_at: datetime.datetime


class ClubEventOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: datetime.datetime
    place: str
    capacity: int
    audience: str
    min_tier_id: int | None
    project_id: int | None
    seated: int
    waiting: int


class ClubEventIn(Schema):
    title: str = Field(min_length=1, max_length=120)
    kind: Literal["appreciation", "forum", "lecture", "preview"] = "appreciation"
    starts_at: datetime.datetime
    place: str = Field(min_length=1, max_length=120)
    capacity: int = Field(ge=1, le=100_000)
    audience: Literal["all", "members", "prospects"] = "all"
    min_tier_id: int | None = Field(None, ge=1, le=2**31 - 1)
    project_id: int | None = Field(None, ge=1, le=2**31 - 1)
    campaign_id: int | None = Field(None, ge=1, le=2**31 - 1)


class ClubEventCreatedOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: datetime.datetime
    place: str
    capacity: int
    audience: str
    min_tier_id: int | None
    project_id: int | None
    campaign_id: int | None


class GuestIn(Schema):
    number: str = Field(min_length=1, max_length=30, description="The guest's card, member or phone number.")


class EventRegistrationOut(Schema):
    id: int
    event_id: int
    customer_id: int
    status: str
    checked_in_at: datetime.datetime | None


@router.get("/benefits/", response=list[BenefitOut])
@paginate(PageNumberPagination, page_size=50)
def list_benefits(request):
    require_perm(request, "members.view_member")
    return Benefit.objects.filter(active=True).order_by("points_price", "name")


@router.post("/{member_id}/redemptions/", response={201: RedemptionOut, 404: ErrorDetail})
def redeem(request, member_id: int, payload: RedemptionIn):
    require_perm(request, "members.add_redemption")
    member = selectors.member_get(user=request.user, pk=member_id)
    if member is None:
        raise Http404
    benefit = get_object_or_404(Benefit, pk=payload.benefit_id)
    return Status(201, services.redemption_create(member=member, benefit=benefit, by=request.user))


@router.get("/events/", response=list[ClubEventOut])
@paginate(PageNumberPagination, page_size=50)
def list_events(request):
    require_perm(request, "members.view_clubevent")
    return selectors.event_list(upcoming=True)


def _related(model, pk, field: str, message: str):
    if pk is None:
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise ValidationError({field: [message]})
    return row


@router.post("/events/", response={201: ClubEventCreatedOut})
def create_event(request, payload: ClubEventIn):
    """Create a club event; an unknown tier, project or campaign, or a prospects' event without a project: 422."""
    require_perm(request, "members.add_clubevent")
    data = payload.dict()
    starts_at = data["starts_at"]
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    fields = {
        "title": data["title"].strip(),
        "kind": data["kind"],
        "starts_at": starts_at,
        "place": data["place"].strip(),
        "capacity": data["capacity"],
        "audience": data["audience"],
        "min_tier": _related(Tier, data["min_tier_id"], "min_tier_id", _("No such tier.")),
        "project": _related(Project, data["project_id"], "project_id", _("No such project.")),
        "campaign": _related(Campaign, data["campaign_id"], "campaign_id", _("No such campaign.")),
    }
    if not fields["place"]:
        raise ValidationError({"place": [_("Say where the event takes place.")]})
    return Status(201, services.event_create(by=request.user, **fields))


def _guest(request, event_id: int, number: str):
    event = get_object_or_404(ClubEvent, pk=event_id)
    customer = selectors.customer_by_number(user=request.user, query=number)
    if customer is None:
        raise Http404
    return event, customer


@router.post("/events/{event_id}/registrations/", response={201: EventRegistrationOut})
def register(request, event_id: int, payload: GuestIn):
    require_perm(request, "members.add_eventregistration")
    event, customer = _guest(request, event_id, payload.number)
    return Status(201, services.event_register(event=event, customer=customer, by=request.user))


@router.post("/events/{event_id}/check-in/", response={200: EventRegistrationOut})
def check_in(request, event_id: int, payload: GuestIn):
    require_perm(request, "members.change_clubevent")
    event, customer = _guest(request, event_id, payload.number)
    return services.event_check_in(event=event, customer=customer, by=request.user)
