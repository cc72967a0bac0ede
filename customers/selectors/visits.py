"""Reads of visit planning, always through the viewer's scope: a week's route, customers due for a
visit, plan vs done per rep, and the facts of a daily report."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from crm_site.scope import reach, scope_q
from customers.models import Customer, DailyReport, Interaction, LevelPolicy, VisitPlan
from customers.services.interactions import VISIT_CHANNELS

User = get_user_model()
Status = VisitPlan.Status
DUE_LIMIT = 50
# A rep holding fewer files than this picks the customer from a list; above it, types a name or phone.
SELECT_LIMIT = 500


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the ISO week holding `day`."""
    return day - datetime.timedelta(days=day.weekday())


def plan_list(*, user) -> QuerySet[VisitPlan]:
    """Plans the user may see: their own, and for managers those of the staff they cover."""
    return VisitPlan.objects.filter(scope_q(user, owner_field="staff"))


def plan_get(*, user, pk: int) -> VisitPlan:
    """The plan `pk` if `user` may see it; raises VisitPlan.DoesNotExist otherwise."""
    return plan_list(user=user).select_related("customer", "staff", "interaction", "assessed_by").get(pk=pk)


def staff_get(*, user, user_id: int):
    """The active staff member `user_id` if within the user's reach; raises User.DoesNotExist otherwise."""
    covered = reach(user)
    users = User.objects.filter(is_active=True)
    if not covered.everything:
        users = users.filter(pk__in=sorted(covered.user_ids))
    return users.get(pk=user_id)


def route_order(plans: QuerySet[VisitPlan]) -> QuerySet[VisitPlan]:
    """A simple route: by day, then district (files without one last), then customer name; cancelled last."""
    return plans.order_by(
        "planned_for",
        Case(When(status=Status.CANCELLED, then=Value(1)), default=Value(0), output_field=IntegerField()),
        Case(When(customer__district="", then=Value(1)), default=Value(0), output_field=IntegerField()),
        "customer__district",
        "customer__name",
        "pk",
    )


def week_plan(*, user, monday: datetime.date, staff=None) -> list[dict]:
    """Seven days from `monday`, each with the plans of `staff` (default: the user) in route order."""
    staff = staff or user
    days = [monday + datetime.timedelta(days=offset) for offset in range(7)]
    plans = route_order(
        plan_list(user=user)
        .filter(staff=staff, planned_for__range=(days[0], days[-1]))
        .select_related("customer", "interaction", "assessed_by")
    )
    by_day: dict[datetime.date, list[VisitPlan]] = {day: [] for day in days}
    for plan in plans:
        by_day[plan.planned_for].append(plan)
    week = []
    for day in days:
        stop = 0
        for plan in by_day[day]:
            if plan.status != Status.CANCELLED:
                stop += 1
                plan.stop = stop
        week.append({"day": day, "plans": by_day[day]})
    return week


def week_totals(week: list[dict]) -> dict:
    """Plan vs done of one week's plans (already read): planned excludes cancelled visits."""
    plans = [plan for entry in week for plan in entry["plans"]]
    counts = {status: sum(plan.status == status for plan in plans) for status in Status.values}
    planned = len(plans) - counts[Status.CANCELLED]
    return {
        "planned": planned,
        "done": counts[Status.DONE],
        "missed": counts[Status.MISSED],
        "open": counts[Status.PLANNED],
        "cancelled": counts[Status.CANCELLED],
        "rate": done_rate(counts[Status.DONE], planned),
    }


def done_rate(done: int, planned: int) -> int | None:
    return round(100 * done / planned) if planned else None


def today_route(*, user, day: datetime.date) -> list[VisitPlan]:
    """The user's visits still to make on `day`, in route order."""
    plans = plan_list(user=user).filter(staff=user, planned_for=day, status=Status.PLANNED)
    return list(route_order(plans.select_related("customer")))


def due_for_visit(*, user, today: datetime.date, limit: int = DUE_LIMIT) -> list[Customer]:
    """The user's customers whose last contact is older than their level's visit interval (or who were
    never contacted) and who have no visit planned yet, most overdue first."""
    policies = LevelPolicy.for_all_levels()
    tomorrow = day_start(today + datetime.timedelta(days=1))
    due = Q(last_contact_at__isnull=True)
    intervals = []
    for level, policy in sorted(policies.items()):
        interval = datetime.timedelta(days=policy.visit_every_days)
        due |= Q(level=level, last_contact_at__lt=tomorrow - interval)
        intervals.append(When(level=level, then=Value(interval)))
    interval = Case(*intervals, default=Value(datetime.timedelta(days=30)), output_field=DurationField())
    upcoming = VisitPlan.objects.filter(staff=user, status=Status.PLANNED, planned_for__gte=today)
    customers = (
        Customer.objects.filter(owner=user)
        .exclude(status=Customer.Status.LOST)
        .filter(due)
        .exclude(pk__in=upcoming.values("customer_id"))
        .annotate(
            due_at=ExpressionWrapper(Coalesce("last_contact_at", "created_at") + interval, output_field=DateTimeField())
        )
        .only("pk", "name", "level", "district", "last_contact_at", "created_at")
        .order_by("due_at", "pk")[:limit]
    )
    rows = list(customers)
    for customer in rows:
        every = policies[customer.level].visit_every_days if customer.level in policies else 30
        customer.visit_every = every
        if customer.last_contact_at is None:
            customer.days_since = customer.days_overdue = None
        else:
            customer.days_since = (today - timezone.localdate(customer.last_contact_at)).days
            customer.days_overdue = customer.days_since - every
    return rows


def own_customer_count(*, user) -> int:
    return Customer.objects.filter(owner=user).exclude(status=Customer.Status.LOST).count()


def plannable_customers(*, user) -> QuerySet[Customer]:
    """The user's own open files, for the plan form's list."""
    return (
        Customer.objects.filter(owner=user)
        .exclude(status=Customer.Status.LOST)
        .only("pk", "name", "level", "district")
        .order_by("name", "pk")
    )


def staff_covered(*, user, since: datetime.date, until: datetime.date) -> QuerySet:
    """Active staff the user covers who plan visits (or had plans in the period); not the user."""
    covered = reach(user)
    users = User.objects.filter(is_active=True).exclude(pk=user.pk)
    if not covered.everything:
        users = users.filter(pk__in=sorted(covered.user_ids))
    planners = User.objects.filter(
        Q(groups__permissions__codename="add_visitplan", groups__permissions__content_type__app_label="customers")
        | Q(user_permissions__codename="add_visitplan", user_permissions__content_type__app_label="customers")
    ).values("pk")
    planned = VisitPlan.objects.filter(planned_for__range=(since, until)).values("staff_id")
    return users.filter(Q(pk__in=planners) | Q(pk__in=planned))


def team_plan_vs_done(*, user, monday: datetime.date) -> list:
    """Per rep the user covers, the week's plans: planned, done, missed, open, done-rate, average score."""
    sunday = monday + datetime.timedelta(days=6)
    in_week = Q(visit_plans__planned_for__range=(monday, sunday))
    rows = list(
        staff_covered(user=user, since=monday, until=sunday)
        .select_related("staff__team")
        .annotate(
            planned=Count("visit_plans", filter=in_week & ~Q(visit_plans__status=Status.CANCELLED)),
            done=Count("visit_plans", filter=in_week & Q(visit_plans__status=Status.DONE)),
            missed=Count("visit_plans", filter=in_week & Q(visit_plans__status=Status.MISSED)),
            open=Count("visit_plans", filter=in_week & Q(visit_plans__status=Status.PLANNED)),
            assessed=Count("visit_plans", filter=in_week & Q(visit_plans__score__isnull=False)),
            avg_score=Avg("visit_plans__score", filter=in_week),
        )
        .order_by("staff__team__name", "first_name", "username")
    )
    for row in rows:
        row.rate = done_rate(row.done, row.planned)
    return rows


def team_totals(rows: list) -> dict:
    planned = sum(row.planned for row in rows)
    done = sum(row.done for row in rows)
    return {
        "planned": planned,
        "done": done,
        "missed": sum(row.missed for row in rows),
        "open": sum(row.open for row in rows),
        "rate": done_rate(done, planned),
    }


def dailyreport_overview(*, user, day: datetime.date) -> list:
    """Per rep the user covers: their report of `day` (if filed) and the day's visits planned and done."""
    on_day = Q(visit_plans__planned_for=day)
    reports = DailyReport.objects.filter(staff=OuterRef("pk"), day=day)
    return list(
        staff_covered(user=user, since=day, until=day)
        .select_related("staff__team")
        .annotate(
            report_at=Subquery(reports.values("submitted_at")[:1]),
            report_comment=Subquery(reports.values("comment")[:1]),
            planned=Count("visit_plans", filter=on_day & ~Q(visit_plans__status=Status.CANCELLED)),
            done=Count("visit_plans", filter=on_day & Q(visit_plans__status=Status.DONE)),
        )
        .order_by(F("report_at").asc(nulls_first=True), "staff__team__name", "first_name", "username")
    )


@dataclass
class ReportFacts:
    """What a rep did on a day, counted from the records (not typed in)."""

    visits_planned: int
    visits_done: int
    visits_missed: int
    by_channel: list[tuple[str, int]]  # (label, count) for every channel used that day
    visit_contacts: int
    calls: int
    other_contacts: int
    new_customers: int
    followups_due: int
    followups_done: int

    @property
    def contacts(self) -> int:
        return self.visit_contacts + self.calls + self.other_contacts


def report_facts(*, staff, day: datetime.date) -> ReportFacts:
    """Count the day's visits, contacts by channel, new customers and follow-ups of `staff`."""
    start, end = day_start(day), day_start(day + datetime.timedelta(days=1))
    plans = VisitPlan.objects.filter(staff=staff, planned_for=day).aggregate(
        planned=Count("pk", filter=~Q(status=Status.CANCELLED)),
        done=Count("pk", filter=Q(status=Status.DONE)),
        missed=Count("pk", filter=Q(status=Status.MISSED)),
    )
    channels = dict(
        Interaction.objects.filter(staff=staff, occurred_at__gte=start, occurred_at__lt=end)
        .values("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    followups = Interaction.objects.filter(staff=staff, next_due=day).aggregate(
        due=Count("pk"), done=Count("pk", filter=Q(next_done=True))
    )
    new_customers = Customer.objects.filter(owner=staff, created_at__gte=start, created_at__lt=end).count()
    labels = dict(Interaction.Channel.choices)
    visit_contacts = sum(channels.get(channel, 0) for channel in VISIT_CHANNELS)
    calls = channels.get(Interaction.Channel.PHONE, 0)
    return ReportFacts(
        visits_planned=plans["planned"],
        visits_done=plans["done"],
        visits_missed=plans["missed"],
        by_channel=[(labels[value], channels[value]) for value in Interaction.Channel.values if channels.get(value)],
        visit_contacts=visit_contacts,
        calls=calls,
        other_contacts=sum(channels.values()) - visit_contacts - calls,
        new_customers=new_customers,
        followups_due=followups["due"],
        followups_done=followups["done"],
    )


def day_plans(*, staff, day: datetime.date) -> list[VisitPlan]:
    """The plans of `staff` on `day` in route order (for the daily report)."""
    plans = VisitPlan.objects.filter(staff=staff, planned_for=day).select_related("customer", "interaction")
    return list(route_order(plans))
