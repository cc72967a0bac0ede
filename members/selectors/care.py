"""Whom to greet: members' birthdays and the anniversaries of their contracts (29 February is greeted on
28 February in other years)."""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from customers.models import Customer
from members.models import Member
from sales.models import Deal


@dataclass
class Greeting:
    customer: Customer
    occasion: str  # "birthday" or "anniversary"
    years: int
    deal_id: int | None = None


def _same_day(field: str, day: datetime.date) -> Q:
    q = Q(**{f"{field}__month": day.month, f"{field}__day": day.day})
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        q |= Q(**{f"{field}__month": 2, f"{field}__day": 29})
    return q


def _active_member(customer_ref: str) -> Exists:
    """Whether the customer at `customer_ref` (of the outer query) is an active member."""
    return Exists(Member.objects.filter(customer_id=OuterRef(customer_ref), status=Member.Status.ACTIVE))


def greetings_due(*, day: datetime.date, user=None) -> list[Greeting]:
    """Active members whose birthday or contract anniversary is `day` (only `user`'s own customers if given).

    Each is one query on an index of the day: a rep's birthdays through (owner, birth month, birth day), the
    anniversaries through the contracts' (signing month, signing day), both on PostgreSQL (customers migration
    0013, sales migration 0010); membership is an EXISTS on the member's customer key."""
    customers = Customer.objects.filter(_active_member("pk"))
    if user is not None:
        customers = customers.filter(owner=user)
    due = [
        Greeting(customer, "birthday", day.year - customer.birth_date.year)
        for customer in customers.filter(_same_day("birth_date", day)).select_related("project", "owner")[:2000]
    ]
    deals = Deal.objects.contracts().filter(
        _same_day("signed_on", day),
        _active_member("customer_id"),
        signed_on__lt=day.replace(month=1, day=1),
    )
    if user is not None:
        deals = deals.filter(customer__owner=user)
    deals = deals.select_related("customer__project", "customer__owner").order_by("signed_on", "pk")[:2000]
    due.extend(Greeting(deal.customer, "anniversary", day.year - deal.signed_on.year, deal.pk) for deal in deals)
    return due


def care_plan_list(*, user, due_only: bool = False):
    """The care plans of customers `user` may see, the next review first."""
    from members.models import CarePlan

    plans = CarePlan.objects.visible_to(user).select_related("customer__owner", "updated_by")
    if due_only:
        plans = plans.filter(review_on__lte=timezone.localdate())
    return plans.order_by("review_on", "id")


def key_accounts_without_plan(*, user, limit: int = 20) -> list[Customer]:
    """Key accounts `user` may see that have no care plan yet (stars are offered on their member page)."""
    return list(
        Customer.objects.visible_to(user)
        .filter(key_account=True, care_plan__isnull=True)
        .select_related("owner")
        .order_by("name")[:limit]
    )
