"""The daily sales report: what each rep did on a day, counted from the records (not typed in)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from customers.models import Customer, DailyReport, Interaction, VisitPlan
from customers.selectors.visits import day_start
from customers.services.interactions import VISIT_CHANNELS
from sales.models import Deal, Opportunity, Payment, Promise, StageChange
from sales.selectors.quotas import rep_list

FACTS = [
    "visits",
    "visits_done",
    "calls",
    "messages",
    "new_customers",
    "opportunities",
    "stage_changes",
    "reserved",
    "subscribed",
    "contracted",
    "payments",
    "promises",
]


@dataclass
class SalesFacts:
    """One rep's day: counts of what the records say they did."""

    visits: int = 0  # face-to-face and site visits logged
    visits_done: int = 0  # visit plans of the day marked done
    calls: int = 0
    messages: int = 0
    new_customers: int = 0
    opportunities: int = 0
    stage_changes: int = 0
    reserved: int = 0
    subscribed: int = 0
    contracted: int = 0
    payments: int = 0
    payments_amount: Decimal = field(default_factory=lambda: Decimal("0"))
    promises: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in FACTS)


def _grouped(queryset, key: str, **extra) -> dict:
    return {row[key]: row for row in queryset.values(key).annotate(n=Count("pk"), **extra).order_by()}


def facts_for(*, staff_ids, day: datetime.date) -> dict[int, SalesFacts]:
    """The day's facts of each staff member in `staff_ids`: one grouped query per kind of fact, whatever the count."""
    staff_ids = list(staff_ids)
    start, end = day_start(day), day_start(day + datetime.timedelta(days=1))
    facts = {pk: SalesFacts() for pk in staff_ids}
    in_day = {"gte": start, "lt": end}

    def put(rows, name, count_key="n"):
        for pk, row in rows.items():
            if pk in facts:
                setattr(facts[pk], name, row[count_key])

    interactions = Interaction.objects.filter(
        staff__in=staff_ids, occurred_at__gte=in_day["gte"], occurred_at__lt=in_day["lt"]
    )
    by_channel = _grouped(
        interactions,
        "staff",
        visits=Count("pk", filter=Q(channel__in=VISIT_CHANNELS)),
        calls=Count("pk", filter=Q(channel=Interaction.Channel.PHONE)),
        messages=Count("pk", filter=Q(channel=Interaction.Channel.MESSAGE)),
    )
    for name in ("visits", "calls", "messages"):
        put(by_channel, name, name)
    put(
        _grouped(VisitPlan.objects.filter(staff__in=staff_ids, planned_for=day, status=VisitPlan.Status.DONE), "staff"),
        "visits_done",
    )
    put(
        _grouped(Customer.objects.filter(owner__in=staff_ids, created_at__gte=start, created_at__lt=end), "owner"),
        "new_customers",
    )
    put(
        _grouped(Opportunity.objects.filter(owner__in=staff_ids, created_at__gte=start, created_at__lt=end), "owner"),
        "opportunities",
    )
    put(_grouped(StageChange.objects.filter(by__in=staff_ids, at__gte=start, at__lt=end), "by"), "stage_changes")
    deals = _grouped(
        Deal.objects.filter(owner__in=staff_ids).filter(
            Q(reserved_at__gte=start, reserved_at__lt=end) | Q(subscribed_on=day) | Q(signed_on=day)
        ),
        "owner",
        reserved=Count("pk", filter=Q(reserved_at__gte=start, reserved_at__lt=end)),
        subscribed=Count("pk", filter=Q(subscribed_on=day)),
        contracted=Count("pk", filter=Q(signed_on=day)),
    )
    for name in ("reserved", "subscribed", "contracted"):
        put(deals, name, name)
    payments = _grouped(Payment.objects.filter(by__in=staff_ids, at__gte=start, at__lt=end), "by", amount=Sum("amount"))
    for pk, row in payments.items():
        if pk in facts:
            facts[pk].payments = row["n"]
            facts[pk].payments_amount = row["amount"] or Decimal("0")
    put(
        _grouped(
            Promise.objects.filter(promised_by__in=staff_ids, created_at__gte=start, created_at__lt=end), "promised_by"
        ),
        "promises",
    )
    return facts


def day_facts(*, staff, day: datetime.date) -> SalesFacts:
    return facts_for(staff_ids=[staff.pk], day=day)[staff.pk]


def day_deals(*, staff, day: datetime.date) -> list[Deal]:
    """The deals `staff` reserved, subscribed or contracted on `day`."""
    start, end = day_start(day), day_start(day + datetime.timedelta(days=1))
    return list(
        Deal.objects.filter(owner=staff)
        .filter(Q(reserved_at__gte=start, reserved_at__lt=end) | Q(subscribed_on=day) | Q(signed_on=day))
        .select_related("customer", "unit", "project")
        .order_by("reserved_at", "pk")[:50]
    )


def day_promises(*, staff, day: datetime.date) -> list[Promise]:
    start, end = day_start(day), day_start(day + datetime.timedelta(days=1))
    return list(
        Promise.objects.filter(promised_by=staff, created_at__gte=start, created_at__lt=end)
        .select_related("customer")
        .order_by("created_at", "pk")[:50]
    )


def team_overview(*, user, day: datetime.date) -> list:
    """The reps the user covers, each with the day's facts and whether they commented."""
    reps = list(rep_list(user=user, include_self=True))
    facts = facts_for(staff_ids=[rep.pk for rep in reps], day=day)
    comments = dict(
        DailyReport.objects.filter(staff__in=[rep.pk for rep in reps], day=day).values_list("staff_id", "comment")
    )
    for rep in reps:
        rep.facts = facts[rep.pk]
        rep.commented = rep.pk in comments
        rep.comment = comments.get(rep.pk, "")
    return reps


def overview_totals(rows: list) -> SalesFacts:
    totals = SalesFacts()
    for row in rows:
        for name in [*FACTS, "payments_amount"]:
            setattr(totals, name, getattr(totals, name) + getattr(row.facts, name))
    return totals
