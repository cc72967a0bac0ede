"""Reads of the promises register, always through the viewer's scope."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sales.models import Promise, SalesSettings

Status = Promise.Status


# What a row of the promise list shows besides the promise.
ROW_RELATED = ("customer", "project", "promised_by", "owner", "deal")


def promise_rows() -> QuerySet[Promise]:
    """Where a page of promise_list's keys is read from, by primary key (crm_site.pagination.keyed_page): with what
    a row shows, unscoped (the keys are)."""
    return Promise.objects.select_related(*ROW_RELATED)


def promise_list(
    *,
    user,
    project=None,
    status: str = Status.OPEN,
    topic: str = "",
    due_from: datetime.date | None = None,
    due_to: datetime.date | None = None,
    promised_by=None,
    customer=None,
    overdue: bool = False,
) -> QuerySet[Promise]:
    """Promises the user may see, filtered; open ones by due date (undated last)."""
    promises = Promise.objects.visible_to(user).select_related(*ROW_RELATED)
    if project is not None:
        promises = promises.filter(project=project)
    if status:
        promises = promises.filter(status=status)
    if topic:
        promises = promises.filter(topic=topic)
    if due_from:
        promises = promises.filter(due_on__gte=due_from)
    if due_to:
        promises = promises.filter(due_on__lte=due_to)
    if promised_by is not None:
        promises = promises.filter(promised_by=promised_by)
    if customer is not None:
        promises = promises.filter(customer=customer)
    if overdue:
        promises = promises.filter(status=Status.OPEN, due_on__lt=timezone.localdate())
    return promises.order_by("due_on", "-id")


def promise_get(*, user, pk: int) -> Promise:
    """The promise `pk` if `user` may see it; raises Promise.DoesNotExist otherwise."""
    return (
        Promise.objects.visible_to(user)
        .select_related("customer", "project", "promised_by", "owner", "deal", "closed_by")
        .get(pk=pk)
    )


def is_overdue(promise: Promise, today: datetime.date | None = None) -> bool:
    return (
        promise.status == Status.OPEN
        and promise.due_on is not None
        and promise.due_on < (today or timezone.localdate())
    )


def due_soon(*, user, today: datetime.date | None = None, limit: int | None = None) -> QuerySet[Promise]:
    """The open promises the user is responsible for, due within the warning window or overdue; soonest first."""
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=SalesSettings.current().promise_warn_days)
    promises = (
        Promise.objects.filter(owner=user, status=Status.OPEN, due_on__lte=until)
        .select_related("customer")
        .order_by("due_on", "id")
    )
    return promises[:limit] if limit else promises


def deal_promises(*, deal, user) -> list[Promise]:
    """The promises recorded on `deal` that the user may see."""
    return list(
        Promise.objects.visible_to(user).filter(deal=deal).select_related("promised_by").order_by("due_on", "id")
    )


def broken_report(*, user, since: datetime.date, until: datetime.date, today: datetime.date | None = None) -> dict:
    """Broken promises closed in the period and open ones overdue (due in the period), by project, topic and rep."""
    today = today or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min))
    broken = Q(status=Status.BROKEN, closed_at__gte=start, closed_at__lt=end)
    overdue = Q(status=Status.OPEN, due_on__lt=today, due_on__gte=since, due_on__lte=until)
    rows = Promise.objects.visible_to(user).filter(broken | overdue)
    counts = {"broken": Count("pk", filter=broken), "overdue": Count("pk", filter=overdue)}
    by_project = list(
        rows.values("project_id", "project__name").annotate(**counts).order_by("project__name", "project_id")
    )
    by_topic = list(rows.values("topic").annotate(**counts).order_by("topic"))
    by_rep = list(
        rows.values("promised_by_id", "promised_by__first_name", "promised_by__last_name", "promised_by__username")
        .annotate(**counts)
        .order_by("-broken", "-overdue", "promised_by__username")
    )
    topics = dict(Promise.Topic.choices)
    for row in by_topic:
        row["label"] = topics.get(row["topic"], row["topic"])
    for row in by_rep:
        full = f"{row['promised_by__first_name']} {row['promised_by__last_name']}".strip()
        row["name"] = full or row["promised_by__username"]
    for group in (by_project, by_topic, by_rep):
        for row in group:
            row["total"] = row["broken"] + row["overdue"]
    return {
        "by_project": by_project,
        "by_topic": sorted(by_topic, key=lambda row: -row["total"]),
        "by_rep": by_rep,
        "broken": sum(row["broken"] for row in by_project),
        "overdue": sum(row["overdue"] for row in by_project),
    }
