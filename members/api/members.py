"""The member club in the JSON API (/api/v1/members/): lookup, enrol, the ledger with idempotent earn and spend,
referrals. Scoped like the pages; a rule the service refuses is a 422 with the reason."""

import datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from crm_site.api.common import ApiError, PageNumberPagination, require_perm
from crm_site.api.errors import ErrorDetail
from customers.models import Customer
from members import selectors, services
from members.models import LedgerEntry, Member, Referral

router = Router(tags=["members"])


class ClubMemberOut(Schema):
    id: int
    customer_id: int
    name: str
    number: str
    card_no: str
    joined_on: datetime.date
    tier: str
    status: str
    balance: int

    @staticmethod
    def resolve_name(obj):
        return obj.customer.name

    @staticmethod
    def resolve_tier(obj):
        return obj.tier.name


class EnrolIn(Schema):
    customer_id: int = Field(ge=1, le=2**31 - 1)


class LookupQuery(Schema):
    q: str = Field("", max_length=30, description="A card number, member number or phone number.")


class EntryOut(Schema):
    id: int
    kind: str
    amount: int
    rule: str
    reason: str = Field(description="The reason in the request's language (Accept-Language), or the text as typed.")
    reason_code: str = Field(description="A system reason's code (members.reasons); empty for a typed reason.")
    reason_params: dict = Field(description="A system reason's raw parameters.")
    source_type: str
    source_id: int | None
    expires_on: datetime.date | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_reason(obj):
        return obj.reason_text


class PointsIn(Schema):
    amount: int = Field(ge=1, le=1_000_000)
    reason: str = Field(min_length=1, max_length=200)
    idempotency_key: str = Field(
        min_length=1, max_length=80, description="The same key again returns the first result and writes nothing."
    )


class ReferralIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=1, max_length=40)


class ReferralOut(Schema):
    id: int
    referrer_id: int
    referred_id: int
    status: str
    decision: str
    points: int
    created_at: datetime.datetime


def _member(request, member_id: int) -> Member:
    member = selectors.member_get(user=request.user, pk=member_id)
    if member is None:
        raise Http404
    return member


@router.get("/lookup/", response={200: ClubMemberOut, 404: ErrorDetail})
def lookup_member(request, query: Query[LookupQuery]):
    require_perm(request, "members.view_member")
    member = selectors.member_lookup(user=request.user, query=query.q)
    if member is None:
        raise Http404
    return member


@router.get("/", response=list[ClubMemberOut])
@paginate(PageNumberPagination, page_size=50)
def list_members(request):
    require_perm(request, "members.view_member")
    return selectors.member_list(user=request.user)


@router.get("/{member_id}/", response=ClubMemberOut)
def get_member(request, member_id: int):
    require_perm(request, "members.view_member")
    return _member(request, member_id)


@router.post("/", response={201: ClubMemberOut, 404: ErrorDetail})
def enrol_member(request, payload: EnrolIn):
    require_perm(request, "members.add_member")
    customer = Customer.objects.visible_to(request.user).filter(pk=payload.customer_id).first()
    if customer is None:
        raise Http404
    try:
        member = services.member_enrol(customer=customer, by=request.user, channel=Member.Channel.API)
    except services.AlreadyMember as already:
        raise ApiError(
            409, {"detail": "This customer is already a member.", "errors": {"customer_id": [already.member.number]}}
        ) from None
    return Status(201, selectors.member_get(user=request.user, pk=member.pk))


@router.get("/{member_id}/ledger/", response=list[EntryOut])
@paginate(PageNumberPagination, page_size=50)
def list_ledger(request, member_id: int):
    require_perm(request, "members.view_ledgerentry")
    return _member(request, member_id).entries.order_by("-created_at", "-id")


def _keyed(request, key: str, member: Member, kind: str, amount: int) -> str:
    """The ledger key of an API call: per caller, so two integrations never collide; a key reused for a
    different write is refused (409) rather than silently answered with the first result."""
    full = f"api:{request.user.pk}:{key}"
    existing = LedgerEntry.objects.filter(key=full).first()
    if existing is not None and (existing.member_id != member.pk or existing.kind != kind or existing.amount != amount):
        raise ApiError(409, {"detail": "This idempotency key was used for another write.", "errors": {}})
    return full


@router.post("/{member_id}/earn/", response={201: EntryOut})
def earn_points(request, member_id: int, payload: PointsIn):
    require_perm(request, "members.adjust_points")
    member = _member(request, member_id)
    key = _keyed(request, payload.idempotency_key, member, LedgerEntry.Kind.EARN, payload.amount)
    return Status(
        201, services.points_earn(member=member, amount=payload.amount, reason=payload.reason, by=request.user, key=key)
    )


@router.post("/{member_id}/spend/", response={201: EntryOut})
def spend_points(request, member_id: int, payload: PointsIn):
    require_perm(request, "members.add_ledgerentry")
    member = _member(request, member_id)
    key = _keyed(request, payload.idempotency_key, member, LedgerEntry.Kind.SPEND, -payload.amount)
    return Status(
        201,
        services.points_spend(member=member, amount=payload.amount, reason=payload.reason, by=request.user, key=key),
    )


@router.get("/{member_id}/referrals/", response=list[ReferralOut])
@paginate(PageNumberPagination, page_size=50)
def list_referrals(request, member_id: int):
    require_perm(request, "members.view_referral")
    member = _member(request, member_id)
    return Referral.objects.filter(referrer_id=member.customer_id).order_by("-created_at", "-id")


@router.post("/{member_id}/referrals/", response={201: ReferralOut})
def create_referral(request, member_id: int, payload: ReferralIn):
    require_perm(request, "members.add_referral")
    member = _member(request, member_id)
    referral = services.referral_create(
        referrer=member.customer, name=payload.name, phone=payload.phone, by=request.user
    )
    return Status(201, referral)
