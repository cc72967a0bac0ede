"""The service dashboard: volume, SLA attainment, backlog by age, callback satisfaction (CSAT and NPS-style),
per-agent workload; every figure within the viewer's scope."""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from crm_site.charts import Chart
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
    ages = ((_("under a day"), 0, 1), (_("1–3 days"), 1, 3), (_("3–7 days"), 3, 7), (_("over 7 days"), 7, None))
    for label, low, high in ages:
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


# --- charts and their tables (drawn by static/js/analytics.js with the vendored ECharts; CSV/XLSX export) -------


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _month(value) -> str:
    return f"{timezone.localtime(value):%Y-%m}" if isinstance(value, datetime.datetime) else f"{value:%Y-%m}"


def charts(*, user, since: datetime.date, until: datetime.date, project=None, data: dict | None = None) -> dict:
    """The dashboard's charts: volume over time, SLA attainment by month, backlog by age, satisfaction trend
    (callback CSAT, survey CSAT and NPS by month), tickets by kind and category, agents. Bounded queries."""
    from service.models import Question, SurveyAnswer

    data = data or dashboard(user=user, since=since, until=until, project=project)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(since, datetime.time.min, tz)
    end = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tz)
    tickets = Ticket.objects.visible_to(user)
    if project is not None:
        tickets = tickets.filter(project=project)
    period = tickets.filter(created_at__gte=start, created_at__lt=end)
    sla_rows = (
        period.filter(resolved_at__isnull=False, resolution_due_at__isnull=False)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            total=Count("id"),
            met=Count("id", filter=Q(resolved_at__lte=F("resolution_due_at"))),
            answered=Count("id", filter=Q(first_response_at__isnull=False, response_due_at__isnull=False)),
            answered_met=Count("id", filter=Q(first_response_at__lte=F("response_due_at"))),
        )
        .order_by("month")
    )
    callbacks = Callback.objects.visible_to(user).filter(done_at__gte=start, done_at__lt=end, score__isnull=False)
    answers = SurveyAnswer.objects.filter(
        invite__answered_at__gte=start,
        invite__answered_at__lt=end,
        question__kind__in=[Question.Kind.RATING, Question.Kind.NPS],
    )
    if project is not None:
        callbacks = callbacks.filter(project=project)
        answers = answers.filter(invite__project=project)
    trend: dict[str, dict] = {}
    for row in (
        callbacks.annotate(month=TruncMonth("done_at"))
        .values("month")
        .annotate(n=Count("id"), happy=Count("id", filter=Q(score__gte=4)))
    ):
        trend.setdefault(_month(row["month"]), {}).update(callback=_pct(row["happy"], row["n"]))
    rating, promoter = Q(question__kind=Question.Kind.RATING), Q(question__kind=Question.Kind.NPS)
    for row in (
        answers.annotate(month=TruncMonth("invite__answered_at"))
        .values("month")
        .annotate(
            ratings=Count("id", filter=rating),
            happy=Count("id", filter=rating & Q(number__gte=4)),
            nps_n=Count("id", filter=promoter),
            promoters=Count("id", filter=promoter & Q(number__gte=9)),
            detractors=Count("id", filter=promoter & Q(number__lte=6)),
        )
    ):
        nps_value = round(100 * (row["promoters"] - row["detractors"]) / row["nps_n"], 1) if row["nps_n"] else None
        trend.setdefault(_month(row["month"]), {}).update(survey=_pct(row["happy"], row["ratings"]), nps=nps_value)
    language = get_language() or ""
    return {
        "volume": Chart(
            "volume",
            _("Ticket volume by month"),
            "bar",
            [(_("Month"), "text"), (_("Tickets"), "number")],
            [[_month(row["month"]), row["n"]] for row in data["by_month"]],
        ),
        "sla": Chart(
            "sla",
            _("SLA attainment by month"),
            "line",
            [
                (_("Month"), "text"),
                (_("First response within target"), "pct"),
                (_("Resolved within target"), "pct"),
                (_("Resolved tickets"), "number"),
            ],
            [
                [
                    _month(row["month"]),
                    _pct(row["answered_met"], row["answered"]),
                    _pct(row["met"], row["total"]),
                    row["total"],
                ]
                for row in sla_rows
            ],
            plot=[1, 2],
            note=_("By the month the ticket was opened; tickets resolved so far."),
        ),
        "backlog": Chart(
            "backlog",
            _("Open backlog by age"),
            "bar",
            [(_("Age"), "text"), (_("Open tickets"), "number")],
            [[row["label"], row["n"]] for row in data["backlog"]],
        ),
        "satisfaction": Chart(
            "satisfaction",
            _("Satisfaction trend"),
            "line",
            [
                (_("Month"), "text"),
                (_("CSAT (callbacks)"), "pct"),
                (_("CSAT (surveys)"), "pct"),
                (_("NPS (surveys)"), "number"),
            ],
            [
                [month, values.get("callback"), values.get("survey"), values.get("nps")]
                for month, values in sorted(trend.items())
            ],
            plot=[1, 2, 3],
            note=_("CSAT: the share of 4–5 answers; NPS: the share of 9–10 answers minus the share of 0–6 answers."),
        ),
        "kinds": Chart(
            "kinds",
            _("Tickets by kind"),
            "pie",
            [(_("Kind"), "text"), (_("Tickets"), "number")],
            [[row["label"], row["n"]] for row in data["by_kind"]],
        ),
        "categories": Chart(
            "categories",
            _("Tickets by category"),
            "hbar",
            [(_("Category"), "text"), (_("Tickets"), "number")],
            [
                [
                    (row["category__name_zh"] if language.startswith("zh") and row["category__name_zh"] else None)
                    or row["category__name_en"]
                    or "—",
                    row["n"],
                ]
                for row in data["by_category"]
            ],
        ),
        "agents": Chart(
            "agents",
            _("Agents: open and breached"),
            "hbar",
            [(_("Service agent"), "text"), (_("Open"), "number"), (_("Breached"), "number")],
            [
                [
                    f"{row['assignee__last_name']}{row['assignee__first_name']}".strip() or row["assignee__username"],
                    row["open"],
                    row["breached"],
                ]
                for row in data["agents"]
            ],
            plot=[1, 2],
        ),
    }
