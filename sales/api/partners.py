"""API of sales partners, mounted by crm_site/api.py at /api/v1/partners/.

Partner tokens register customers and read their own registrations and commissions; staff read every
partner's rows (within their projects when scoped to projects) and campaign figures.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from crm_site.api.common import ApiError, PageNumberPagination, require_perm
from sales.models import Campaign, Partner, PartnerRegistration, Project
from sales.selectors import marketing as marketing_selectors
from sales.selectors import partners as selectors
from sales.services import partners as services

router = Router(tags=["partners"])


class RegistrationIn(Schema):
    project_id: int
    customer_name: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=1, max_length=40)


class RegistrationOut(Schema):
    id: int
    partner_id: int
    project_id: int
    customer_name: str
    phone: str
    status: str
    reject_reason: str
    registered_at: datetime.datetime
    protected_until: datetime.datetime


class RegistrationFilter(Schema):
    status: str = ""
    project_id: int | None = None
    partner_id: int | None = None


class CommissionOut(Schema):
    id: int
    partner_id: int
    registration_id: int
    deal_id: int
    amount: Decimal
    status: str
    created_at: datetime.datetime


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    channel: str
    project_id: int | None
    starts_on: datetime.date
    ends_on: datetime.date
    budget: Decimal
    actual_cost: Decimal
    leads: int
    deals: int
    revenue: Decimal
    cost_per_lead: Decimal | None
    cost_per_deal: Decimal | None
    roi: Decimal | None  # (revenue − actual cost) / actual cost; null when nothing was spent

    # The figures come from the annotations of campaign_list (one query for a page).
    @staticmethod
    def resolve_leads(obj):
        return obj.lead_count

    @staticmethod
    def resolve_deals(obj):
        return obj.deal_count

    @staticmethod
    def resolve_revenue(obj):
        return marketing_selectors.campaign_figures(obj).revenue

    @staticmethod
    def resolve_cost_per_lead(obj):
        return marketing_selectors.campaign_figures(obj).cost_per_lead

    @staticmethod
    def resolve_cost_per_deal(obj):
        return marketing_selectors.campaign_figures(obj).cost_per_deal

    @staticmethod
    def resolve_roi(obj):
        return marketing_selectors.campaign_figures(obj).roi


def _may_read(request, staff_permission: str) -> None:
    """Staff with the view permission, or a partner's own user."""
    user = request.user
    if user.has_perm(staff_permission):
        return
    if user.has_perm("sales.register_customer") and selectors.partner_of(user) is not None:
        return
    raise HttpError(403, "Your role may not use this endpoint.")


@router.post("/registrations/", response={201: RegistrationOut})
def create_registration(request, payload: RegistrationIn):
    require_perm(request, "sales.register_customer")
    partner = selectors.partner_of(request.user)
    if partner is None:
        raise HttpError(403, "This account does not belong to exactly one active channel partner.")
    project = Project.objects.filter(pk=payload.project_id, active=True).first()
    if project is None:
        raise ApiError(422, {"detail": "Invalid registration.", "errors": {"project_id": ["Unknown project."]}})
    try:
        registration = services.registration_create(
            partner=partner,
            project=project,
            customer_name=payload.customer_name,
            phone=payload.phone,
            by=request.user,
        )
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"phone": error.messages}
        raise ApiError(422, {"detail": "Invalid registration.", "errors": errors}) from None
    if registration.status == PartnerRegistration.Status.REJECTED:
        raise ApiError(
            409,
            {
                "detail": "Registration rejected.",
                "reason": registration.reject_reason,
                "registration": RegistrationOut.from_orm(registration).model_dump(mode="json"),
            },
        )
    return Status(201, registration)


@router.get("/registrations/", response=list[RegistrationOut])
@paginate(PageNumberPagination, page_size=50)
def list_registrations(request, filters: Query[RegistrationFilter]):
    _may_read(request, "sales.view_partnerregistration")
    project = Project.objects.filter(pk=filters.project_id).first() if filters.project_id else None
    partner = None
    if filters.partner_id and request.user.has_perm("sales.view_partnerregistration"):
        partner = Partner.objects.filter(pk=filters.partner_id).first()
        if partner is None:
            return PartnerRegistration.objects.none()
    if filters.project_id and project is None:
        return PartnerRegistration.objects.none()
    return selectors.registration_list(user=request.user, partner=partner, project=project, status=filters.status)


@router.get("/commissions/", response=list[CommissionOut])
@paginate(PageNumberPagination, page_size=50)
def list_commissions(request, status: str = ""):
    _may_read(request, "sales.view_commission")
    return selectors.commission_list(user=request.user, status=status)


@router.get("/campaigns/", response=list[CampaignOut])
@paginate(PageNumberPagination, page_size=50)
def list_campaigns(request):
    require_perm(request, "sales.view_campaign")
    return marketing_selectors.campaign_list(user=request.user)


@router.get("/campaigns/{campaign_id}/", response=CampaignOut)
def get_campaign(request, campaign_id: int):
    require_perm(request, "sales.view_campaign")
    try:
        return marketing_selectors.campaign_get(user=request.user, pk=campaign_id)
    except Campaign.DoesNotExist:
        raise Http404 from None
