"""The dashboards: aggregates over the newest score snapshot, scoped to the viewer, each chart with the table
it is drawn from (the same rows feed the chart, the table view and the CSV / XLSX export).

A dashboard is cached per night, scope and filter for ten minutes: the snapshot changes once a night.
"""

import hashlib
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from analytics.models import CustomerScore, JobRun
from analytics.models.scores import latest_night
from analytics.selectors import visits
from analytics.selectors.scores import churn_reason_text
from crm_site.charts import Chart
from crm_site.pagination import COUNT_CAP
from crm_site.scope import reach
from sales.models import Project

CACHE_SECONDS = 600
TREND_NIGHTS = 12
AT_RISK_ROWS = 20
TOP_ROWS = 10
PROFIT_BANDS = [
    (None, 0, _("Loss")),
    (0, 100_000, _("Under 100k")),
    (100_000, 300_000, _("100k–300k")),
    (300_000, 1_000_000, _("300k–1M")),
    (1_000_000, None, _("1M and more")),
]
LOYALTY_BANDS = [(0, 20), (20, 40), (40, 60), (60, 80), (80, 101)]


def _customer_list(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('customers:customer-list')}?{query}"


def _scope_key(user, project) -> str:
    covered = reach(user)
    raw = (
        "all"
        if covered.everything
        else f"{sorted(covered.user_ids)}|{sorted(covered.team_ids)}|{sorted(covered.project_ids)}"
    )
    return hashlib.sha256(f"{raw}|{project.pk if project else ''}|{get_language()}".encode()).hexdigest()


def dashboard(*, user, kind: str, project: Project | None = None) -> dict:
    """The company ("company") or team ("team") dashboard for `user`, from the newest snapshot."""
    night = latest_night()
    return _kept(
        f"dash:{kind}", night, user, project, lambda: _build(user=user, kind=kind, project=project, night=night)
    )


def _kept(name: str, night, user, project, compute):
    """compute()'s result kept CACHE_SECONDS per night, scope and project (a snapshot changes once a night)."""
    key = f"analytics:{name}:{night}:{_scope_key(user, project)}"
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, CACHE_SECONDS)
    return result


def _band_q(field_name: str, low, high) -> Q:
    condition = Q()
    if low is not None:
        condition &= Q(**{f"{field_name}__gte": low})
    if high is not None:
        condition &= Q(**{f"{field_name}__lt": high})
    return condition


def _measures() -> dict:
    """Every count and sum the KPIs and the small charts need, as one aggregate: one pass over the snapshot."""
    measures = {  # aliases must not be field names: k_ for the KPIs
        "k_customers": Count("pk"),
        "k_contracts": Sum("contracts"),
        "k_gross_profit": Sum("gross_profit"),
        "k_net_profit": Sum("net_profit"),
        "k_lifetime_value": Sum("lifetime_value"),
        "k_high_risk": Count("pk", filter=Q(risk=CustomerScore.Risk.HIGH)),
    }
    for value, _label in CustomerScore.Quadrant.choices:
        measures[f"q_{value}_n"] = Count("pk", filter=Q(quadrant=value))
        measures[f"q_{value}_profit"] = Sum("net_profit", filter=Q(quadrant=value))
    for value, _label in CustomerScore.Segment.choices:
        measures[f"s_{value}_n"] = Count("pk", filter=Q(segment=value))
        measures[f"s_{value}_current"] = Sum("current_value", filter=Q(segment=value))
        measures[f"s_{value}_potential"] = Sum("potential_value", filter=Q(segment=value))
    for value, _label in CustomerScore.Risk.choices:
        measures[f"r_{value}_n"] = Count("pk", filter=Q(risk=value))
    for index, (low, high, _label) in enumerate(PROFIT_BANDS):
        measures[f"p_{index}"] = Count("pk", filter=Q(contracts__gt=0) & _band_q("net_profit", low, high))
    for index, (low, high) in enumerate(LOYALTY_BANDS):
        measures[f"l_{index}"] = Count("pk", filter=_band_q("loyalty", low, high))
    return measures


def _scores(user, project: Project | None):
    """Every snapshot's scores `user` may see, of `project` if given: what each dashboard and the at-risk list read."""
    scores = CustomerScore.objects.visible_to(user)
    return scores.filter(project=project) if project else scores


def _build(*, user, kind, project, night) -> dict:
    scores = _scores(user, project)
    if night is None:
        return {"night": None, "charts": {}, "kpis": {}}
    today = scores.filter(night=night)
    totals = today.aggregate(**_measures())
    kpis = {key[2:]: value for key, value in totals.items() if key.startswith("k_")}
    charts = {
        "quadrants": _quadrants(totals),
        "segments": _segments(totals),
        "risk": _risk(totals),
        "profit": _profit_bands(totals),
        "loyalty": _loyalty_bands(totals),
        "trend": _trend(scores, night, whole=reach(user).everything and project is None),
        "top": _top(today),
        "at_risk": at_risk_chart(_at_risk_ids(user, project, night)[:AT_RISK_ROWS]),
    }
    charts["breakdown"] = _by_project(today) if kind == "company" else _by_rep(today)
    return {"night": night, "kpis": kpis, "charts": charts}


def _quadrants(totals) -> Chart:
    chart = Chart(
        "quadrants",
        _("Value matrix"),
        "quadrant",
        [(_("Quadrant"), "text"), (_("Customers"), "number"), (_("Net profit"), "money")],
        note=_("Customers with a contract: profit above the project's median is large; demand above it is complex."),
        axes=(_("Net profit →"), _("How demanding →")),
    )
    for value, label in CustomerScore.Quadrant.choices:
        chart.rows.append([label, totals[f"q_{value}_n"], totals[f"q_{value}_profit"] or Decimal(0)])
        chart.links.append(_customer_list(quadrant=value))
    return chart


def _segments(totals) -> Chart:
    chart = Chart(
        "segments",
        _("Segmentation matrix"),
        "bar",
        [(_("Segment"), "text"), (_("Customers"), "number"), (_("Current value"), "money"),
         (_("Potential value"), "money")],
    )  # fmt: skip
    for value, label in CustomerScore.Segment.choices:
        chart.rows.append(
            [label, totals[f"s_{value}_n"], totals[f"s_{value}_current"] or 0, totals[f"s_{value}_potential"] or 0]
        )
        chart.links.append(_customer_list(segment=value))
    return chart


def _risk(totals) -> Chart:
    chart = Chart("risk", _("Risk level"), "pie", [(_("Risk level"), "text"), (_("Customers"), "number")])
    for value, label in CustomerScore.Risk.choices:
        chart.rows.append([label, totals[f"r_{value}_n"]])
        chart.links.append(_customer_list(score_risk=value))
    return chart


def _profit_bands(totals) -> Chart:
    chart = Chart(
        "profit", _("Net profit per customer"), "bar", [(_("Net profit"), "text"), (_("Customers"), "number")]
    )
    for index, (_low, _high, label) in enumerate(PROFIT_BANDS):
        chart.rows.append([label, totals[f"p_{index}"]])
    return chart


def _loyalty_bands(totals) -> Chart:
    chart = Chart("loyalty", _("Loyalty"), "bar", [(_("Loyalty score"), "text"), (_("Customers"), "number")])
    for index, (low, high) in enumerate(LOYALTY_BANDS):
        chart.rows.append([f"{low}–{min(high, 100)}", totals[f"l_{index}"]])
    return chart


def _trend(scores, night, *, whole: bool) -> Chart:
    """Quadrant counts over the last snapshots. The whole company's are in each run's figures (no scan of
    millions of rows); a scoped or filtered view counts its own rows."""
    runs = {}
    for run in JobRun.objects.filter(name="scores", status=JobRun.Status.SUCCEEDED, night__lte=night).order_by(
        "-night", "-started_at"
    ):
        runs.setdefault(run.night, run)
        if len(runs) == TREND_NIGHTS:
            break
    nights = list(runs)
    counts = {}
    if whole:
        for day, run in runs.items():
            for quadrant, n in run.figures.get("quadrants", {}).items():
                counts[(day, quadrant)] = n
    else:
        for row in (
            scores.filter(night__in=nights, contracts__gt=0)  # only owners have a quadrant (their index)
            .exclude(quadrant="")
            .values("night", "quadrant")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            counts[(row["night"], row["quadrant"])] = row["n"]
    quadrants = CustomerScore.Quadrant.choices
    chart = Chart(
        "trend",
        _("Value quadrants over time"),
        "line",
        [(_("Night"), "text"), *[(label, "number") for _value, label in quadrants]],
        plot=list(range(1, len(quadrants) + 1)),
    )
    for day in sorted(set(nights)):
        chart.rows.append([day.isoformat(), *[counts.get((day, value), 0) for value, _label in quadrants]])
    return chart


def _top(rows) -> Chart:
    chart = Chart(
        "top",
        _("Top customers by net profit"),
        "hbar",
        [(_("Customer"), "text"), (_("Net profit"), "money"), (_("Lifetime value"), "money")],
    )
    for score in (
        rows.filter(contracts__gt=0).select_related("customer").order_by("-net_profit", "customer_id")[:TOP_ROWS]
    ):
        chart.rows.append([score.customer.name, score.net_profit, score.lifetime_value])
        chart.links.append(score.customer.get_absolute_url())
    return chart


def at_risk_scores(rows) -> QuerySet[CustomerScore]:
    """The customers at risk among `rows` (one night's scores), likeliest to leave first: the dashboards' panel
    shows the first of them, the at-risk page (at_risk_list) all of them."""
    return (
        rows.filter(Q(churn__gte=Decimal("0.5")) | Q(risk=CustomerScore.Risk.HIGH))
        .select_related("customer", "owner")
        .order_by(F("churn").desc(nulls_last=True), "customer_id")
    )


class ScoreIds(Sequence):
    """One night's scores by a list of their ids, in that order: a page (a slice) reads only its own rows."""

    def __init__(self, night, ids: list[int]):
        self.night, self.ids = night, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        ids = self.ids[index]
        rows = CustomerScore.objects.filter(night=self.night, pk__in=ids).select_related("customer", "owner")
        found = {row.pk: row for row in rows}
        return [found[pk] for pk in ids if pk in found]

    def batches(self, size: int = 2000):
        for start in range(0, len(self.ids), size):
            yield from self[start : start + size]


def at_risk_list(*, user, project: Project | None = None) -> tuple:
    """(night, scores): the customers at risk in the newest snapshot within `user`'s scope (of `project` if
    given), as the dashboards' panel counts them, at most COUNT_CAP + 1 of them (the paginator's cap); (None, no
    rows) before the first nightly run.

    Their ids are kept in the cache per night and scope like a dashboard: finding and ordering them reads the
    night's million rows (0.4-0.5 s on the bench data), each page after that only its own 25."""
    night = latest_night()
    if night is None:
        return None, ScoreIds(None, [])
    return night, _at_risk_ids(user, project, night)


def _at_risk_ids(user, project, night) -> ScoreIds:
    """The night's customers at risk in the scope, at most COUNT_CAP + 1, found once per night and scope: the
    dashboards' panel (their first AT_RISK_ROWS) and the at-risk page read the same ids."""

    def find() -> list[int]:
        rows = at_risk_scores(_scores(user, project).filter(night=night))
        return list(rows.values_list("pk", flat=True)[: COUNT_CAP + 1])

    return ScoreIds(night, _kept("atrisk", night, user, project, find))


def at_risk_chart(scores) -> Chart:
    """Scores from at_risk_scores as the at-risk table: the panel, the page and their CSV / XLSX exports."""
    chart = Chart(
        "at_risk",
        _("Customers at risk"),
        "hbar",
        [
            (_("Customer"), "text"),
            (_("Churn risk"), "pct"),
            (_("Why (the path through the tree)"), "text"),
            (_("Risk level"), "text"),
            (_("Owner"), "text"),
        ],
        note=_("Prospects and owners whose churn risk is one in two or more, and customers whose risk level is high."),
    )
    for score in scores:
        chart.rows.append(
            [
                score.customer.name,
                float(score.churn * 100) if score.churn is not None else None,
                churn_reason_text(score.churn_reasons),
                score.get_risk_display(),
                (score.owner.get_full_name() or score.owner.username) if score.owner else "",
            ]
        )
        chart.links.append(score.customer.get_absolute_url())
    return chart


def _breakdown(rows, key: str):
    return (
        rows.values(key)
        .annotate(
            n=Count("pk"),
            contracts=Sum("contracts"),
            profit=Sum("net_profit"),
            stars=Count("pk", filter=Q(quadrant=CustomerScore.Quadrant.STAR)),
            high=Count("pk", filter=Q(risk=CustomerScore.Risk.HIGH)),
        )
        .order_by("-profit")
    )


BREAKDOWN_COLUMNS = [
    (_("Customers"), "number"),
    (_("Contracts"), "number"),
    (_("Net profit"), "money"),
    (_("Stars"), "number"),
    (_("High risk"), "number"),
]


def _by_project(rows) -> Chart:
    names = dict(Project.objects.values_list("pk", "name"))
    chart = Chart("breakdown", _("By project"), "bar", [(_("Project"), "text"), *BREAKDOWN_COLUMNS], plot=[3])
    for row in _breakdown(rows, "project_id"):
        chart.rows.append(
            [names.get(row["project_id"], _("No project")), row["n"], row["contracts"] or 0, row["profit"] or 0,
             row["stars"], row["high"]]
        )  # fmt: skip
    return chart


def _by_rep(rows) -> Chart:
    User = get_user_model()
    found = list(_breakdown(rows, "owner_id"))
    people = {
        user.pk: user for user in User.objects.filter(pk__in=[row["owner_id"] for row in found if row["owner_id"]])
    }
    # Customers due for a visit by the segment / quadrant rules (analytics.selectors.visits), per owner.
    due = visits.due_counts_by_owner(rows)
    columns = [(_("Rep"), "text"), *BREAKDOWN_COLUMNS, (_("Visits due"), "number")]
    chart = Chart("breakdown", _("By rep"), "bar", columns, plot=[3])
    for row in found:
        person = people.get(row["owner_id"])
        name = (person.get_full_name() or person.username) if person else _("Public pool")
        chart.rows.append(
            [name, row["n"], row["contracts"] or 0, row["profit"] or 0, row["stars"], row["high"],
             due.get(row["owner_id"], 0)]
        )  # fmt: skip
    return chart
