"""Whom to greet: members' birthdays and the anniversaries of their contracts (29 February is greeted on
28 February in other years)."""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from crm_site.lookups import IdList
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


def greetings_due(*, day: datetime.date, user=None) -> list[Greeting]:
    """Active members whose birthday or contract anniversary is `day` (only `user`'s own customers if given)."""
    members = Member.objects.filter(status=Member.Status.ACTIVE)
    if user is None:
        customers = Customer.objects.filter(pk__in=members.values("customer_id"))
        in_scope = Q(customer__in=customers)
    else:
        # A rep's files (one index), their active members (the member's customer index), then those customers'
        # birthdays and contracts: joined in one query, PostgreSQL read all 300,000 members, and the contracts'
        # subquery every contract signed before this year (50 ms of each "my day" on the bench data).
        owned = IdList(Customer.objects.filter(owner=user).values_list("pk", flat=True))
        ids = IdList(members.filter(customer_id__any=owned).values_list("customer_id", flat=True))
        customers = Customer.objects.filter(pk__any=ids)
        in_scope = Q(customer_id__any=ids)
    due = [
        Greeting(customer, "birthday", day.year - customer.birth_date.year)
        for customer in customers.filter(_same_day("birth_date", day)).select_related("project", "owner")[:2000]
    ]
    deals = (
        Deal.objects.contracts()
        .filter(in_scope, _same_day("signed_on", day), signed_on__lt=day.replace(month=1, day=1))
        .select_related("customer__project", "customer__owner")
        .order_by("signed_on", "pk")[:2000]
    )
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
