"""The service dashboard: volume, SLA attainment, backlog by age, callback satisfaction (CSAT and NPS-style),
per-agent workload; every figure within the viewer's scope."""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from service.models import Callback, Ticket


def csat(scores) -> float | None:
    """Share (%) of 4–5 answers among 1–5 answers; None without answers."""
    scores = [score for score in scores if score is not None]
    if not scores:
        return None
    return round(100 * sum(1 for score in scores if score >= 4) / len(scores), 1)


def nps(scores) -> float | None:
    """% of 9–10 minus % of 0–6 among 0–10 answers; None without answers."""
    scores = [score for score in scores if score is not None]
    if not scores:
        return None
    promoters = sum(1 for score in scores if score >= 9)
    detractors = sum(1 for score in scores if score <= 6)
    return round(100 * (promoters - detractors) / len(scores), 1)


def dashboard(*, user, since: datetime.date, until: datetime.date, project=None) -> dict:
    tickets = Ticket.objects.visible_to(user)
    if project is not None:
        tickets = tickets.filter(project=project)
    start = datetime.datetime.combine(since, datetime.time.min, timezone.get_current_timezone())
    end = datetime.datetime.combine(
        until + datetime.timedelta(days=1), datetime.time.min, timezone.get_current_timezone()
    )
    period = tickets.filter(created_at__gte=start, created_at__lt=end)
    by_kind = list(period.values("kind").annotate(n=Count("id")).order_by("-n"))
    for row in by_kind:
        row["label"] = Ticket.Kind(row["kind"]).label
    by_category = list(
        period.values("category__name_en", "category__name_zh").annotate(n=Count("id")).order_by("-n")[:10]
    )
    by_month = list(
        period.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("id")).order_by("month")
    )
    resolved = period.filter(resolved_at__isnull=False, resolution_due_at__isnull=False)
    attainment = resolved.aggregate(
        total=Count("id"),
        met=Count("id", filter=Q(resolved_at__lte=F("resolution_due_at"))),
        answered=Count("id", filter=Q(first_response_at__isnull=False, response_due_at__isnull=False)),
        answered_met=Count("id", filter=Q(first_response_at__lte=F("response_due_at"))),
    )
    now = timezone.now()
    open_rows = tickets.open()
    backlog = []
    for label, low, high in (("< 1d", 0, 1), ("1–3d", 1, 3), ("3–7d", 3, 7), ("> 7d", 7, None)):
        q = Q(created_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            q &= Q(created_at__gt=now - datetime.timedelta(days=high))
        backlog.append({"label": label, "n": open_rows.filter(q).count()})
    agents = list(
        open_rows.filter(assignee__isnull=False)
        .values("assignee__username", "assignee__first_name", "assignee__last_name")
        .annotate(open=Count("id"), breached=Count("id", filter=Q(resolution_due_at__lt=now)))
        .order_by("-open")[:20]
    )
    callbacks = Callback.objects.visible_to(user).filter(done_at__gte=start, done_at__lt=end)
    if project is not None:
        callbacks = callbacks.filter(project=project)
    scores = list(callbacks.values_list("score", flat=True)[:20000])
    return {
        "by_kind": by_kind,
        "by_category": by_category,
        "by_month": by_month,
        "attainment": attainment,
        "resolution_pct": round(100 * attainment["met"] / attainment["total"], 1) if attainment["total"] else None,
        "response_pct": round(100 * attainment["answered_met"] / attainment["answered"], 1)
        if attainment["answered"]
        else None,
        "backlog": backlog,
        "agents": agents,
        "csat": csat(scores),
        "callbacks": len(scores),
    }
