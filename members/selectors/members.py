"""Reads of the member club: the lookup box, the member list, the member page."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from crm_site.scope import reach
from customers.identity import normalize_phone
from customers.models import Customer, CustomerMember, CustomerPhone
from members.models import EventRegistration, LedgerEntry, Member, MemberSettings, Redemption, Referral, TierChange
from members.selectors.events import benefits_for
from members.services.ledger import ExpiringLot, available, expiring
from members.services.tiers import qualifying_points
from sales.models import Deal, Promise

CARD = re.compile(r"^\d{12}$")
NUMBER = re.compile(r"^[Mm]\d{8}$")


def member_lookup(*, user, query: str) -> Member | None:
    """The member a card number, member number or phone number names, if the user may see them (one query
    after the phone is normalised: each way is a unique index)."""
    text = re.sub(r"[\s\-]", "", (query or "").strip())[:30]
    if not text:
        return None
    members = Member.objects.visible_to(user).select_related("customer", "tier")
    if CARD.match(text):
        return members.filter(card_no=text).first()
    if NUMBER.match(text):
        return members.filter(number=text.upper()).first()
    try:
        phone = normalize_phone(text)
    except ValidationError:
        return None
    customer_id = CustomerPhone.objects.filter(number=phone).values_list("customer_id", flat=True).first()
    if customer_id is None:
        return _household_by_phone(members, phone)
    return members.filter(customer_id=customer_id).first()


def _household_by_phone(members: QuerySet[Member], phone: str) -> Member | None:
    """With household cards on, a phone listed among the people of a member's family file finds that household's
    card holder (a spouse or child at the desk without a file of their own)."""
    if not MemberSettings.current().household_card:
        return None
    customer_id = (
        CustomerMember.objects.filter(phone=phone, customer__kind=Customer.Kind.FAMILY)
        .values_list("customer_id", flat=True)
        .first()
    )
    if customer_id is None:
        return None
    member = members.filter(customer_id=customer_id).first()
    if member is not None and member.household_id:
        return members.filter(pk=member.household_id).first() or member
    return member


def household_of(member: Member) -> list[Member]:
    """The members sharing `member`'s card, the card holder first (one query); empty when the card is their own."""
    holder_id = member.household_id or member.pk
    rows = list(
        Member.objects.filter(Q(pk=holder_id) | Q(household_id=holder_id))
        .select_related("customer", "tier")
        .order_by(F("household_id").asc(nulls_first=True), "joined_on", "id")  # the holder first
    )
    return rows if len(rows) > 1 else []


def _scoped_members(user) -> tuple[QuerySet[Member], bool]:
    """The members `user` may see, and whether the scope was narrowed to the user's customer files first.

    On PostgreSQL `customer_id = ANY(ARRAY(<the visible customers>))`: the planner then probes the members' unique
    customer index once per customer (a rep: ~2,500 probes) instead of joining all 300,000 members; elsewhere the
    ids are read first (SQLite, small data).
    """
    if reach(user).everything:
        return Member.objects.all(), False
    customers = Customer.objects.visible_to(user).order_by().values("pk")
    if connection.vendor == "postgresql":
        sql, params = customers.query.sql_with_params()
        column = f'"{Member._meta.db_table}"."customer_id"'
        return Member.objects.extra(where=[f"{column} = ANY(ARRAY({sql}))"], params=params), True  # noqa: S610
    return Member.objects.filter(customer_id__in=list(customers.values_list("pk", flat=True))), True


def member_list(
    *, user, tier=None, status: str = "", project=None, search: str = "", joined_from=None, joined_to=None
) -> QuerySet[Member]:
    members, resolved = _scoped_members(user)
    # Prefetched, not joined: the page's capped count would otherwise join 10,000 members to their files.
    members = members.prefetch_related("customer", "tier")
    if tier is not None:
        members = members.filter(tier=tier)
    if status:
        members = members.filter(status=status)
    if project is not None:
        members = members.filter(customer__project=project)
    if joined_from:
        members = members.filter(joined_on__gte=joined_from)
    if joined_to:
        members = members.filter(joined_on__lte=joined_to)
    if search:
        members = members.filter(customer__name__startswith=search)
    if not resolved:
        return members.order_by("-joined_on", "-id")
    # A rep's few hundred members are found by customer id and sorted: ordered by the joined index, PostgreSQL
    # would walk all 300,000 members and drop the unseen ones (450 ms). NULLS LAST is an order the index cannot give.
    return members.order_by(F("joined_on").desc(nulls_last=True), F("id").desc(nulls_last=True))


def member_get(*, user, pk: int) -> Member | None:
    return (
        Member.objects.visible_to(user)
        .select_related("customer__owner", "customer__project", "tier", "household")
        .filter(pk=pk)
        .first()
    )


@dataclass
class MemberPage:
    member: Member
    available: int
    qualifying_points: int
    expiring: list[ExpiringLot]
    entries: list[LedgerEntry]
    tier_changes: list[TierChange]
    deals: list[Deal]
    referrals: list[Referral]
    promises: list[Promise] = field(default_factory=list)
    redemptions: list = field(default_factory=list)
    attended: list = field(default_factory=list)
    benefits: list = field(default_factory=list)
    household: list = field(default_factory=list)


def _page_marks(member: Member) -> dict[str, bool]:
    """Which of the page's lists have rows, in one query (EXISTS probes on indexes): most members have no deal,
    referral, open promise, redemption, attended event or household, and each empty list was a query of its own."""
    customer = OuterRef("customer_id")
    holder = member.household_id or member.pk
    marks = (
        Member.objects.filter(pk=member.pk)
        .annotate(
            has_deals=Exists(Deal.objects.contracts().filter(customer_id=customer)),
            has_referrals=Exists(Referral.objects.filter(referrer_id=customer)),
            has_promises=Exists(Promise.objects.filter(customer_id=customer).open()),
            has_redemptions=Exists(Redemption.objects.filter(member_id=OuterRef("pk"))),
            has_attended=Exists(EventRegistration.objects.filter(customer_id=customer, checked_in_at__isnull=False)),
            has_household=Exists(Member.objects.filter(household_id=holder)),
        )
        .values("has_deals", "has_referrals", "has_promises", "has_redemptions", "has_attended", "has_household")
        .first()
    )
    return marks or {}


def member_page(*, member: Member, user) -> MemberPage:
    """What the member page shows, in a bounded number of queries whatever the member's history (the lists a
    member has no rows for are not asked: `_page_marks`)."""
    marks = _page_marks(member)
    return MemberPage(
        member=member,
        available=available(member),
        qualifying_points=qualifying_points(member),
        expiring=expiring(member),
        entries=list(member.entries.select_related("by").order_by("-created_at", "-id")[:20]),
        tier_changes=list(member.tier_changes.select_related("from_tier", "to_tier", "by")[:10]),
        deals=list(
            Deal.objects.contracts().filter(customer_id=member.customer_id).select_related("unit", "project")[:10]
        )
        if marks.get("has_deals")
        else [],
        referrals=list(
            Referral.objects.filter(referrer_id=member.customer_id).select_related("referred", "project")[:20]
        )
        if marks.get("has_referrals")
        else [],
        promises=list(
            Promise.objects.visible_to(user).filter(customer_id=member.customer_id).open().order_by("due_on")[:10]
        )
        if marks.get("has_promises")
        else [],
        redemptions=list(member.redemptions.select_related("benefit").order_by("-created_at", "-id")[:10])
        if marks.get("has_redemptions")
        else [],
        attended=list(
            EventRegistration.objects.filter(customer_id=member.customer_id, checked_in_at__isnull=False)
            .select_related("event")
            .order_by("-checked_in_at")[:10]
        )
        if marks.get("has_attended")
        else [],
        benefits=benefits_for(member),
        household=household_of(member) if marks.get("has_household") else [],
    )


def referral_list(*, user, status: str = "", project=None) -> QuerySet[Referral]:
    rows = Referral.objects.visible_to(user).select_related("referrer", "referred", "project", "deal")
    if status:
        rows = rows.filter(status=status)
    if project is not None:
        rows = rows.filter(project=project)
    return rows.order_by("-created_at", "-id")


def customer_by_number(*, user, query: str):
    """The customer a card, member or phone number names (prospects have only a phone), within the scope."""
    from customers.models import Customer

    member = member_lookup(user=user, query=query)
    if member is not None:
        return member.customer
    text = re.sub(r"[\s\-]", "", (query or "").strip())[:30]
    try:
        phone = normalize_phone(text)
    except ValidationError:
        return None
    customer_id = CustomerPhone.objects.filter(number=phone).values_list("customer_id", flat=True).first()
    if customer_id is None:
        return None
    return Customer.objects.visible_to(user).filter(pk=customer_id).first()
