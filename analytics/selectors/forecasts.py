"""Forecasts (000 ⑤, 004): the sales forecast per month from the open pipeline, and new customers for the next
months from history, backtested. Every figure is within the viewer's data scope (crm_site.scope).

Sales forecast
    win rate of stage s = opportunities closed won that reached s ÷ opportunities closed (won or lost) that reached
        s, over the opportunities closed in the last HISTORY_MONTHS months; an opportunity "reached" s when its
        stage history (StageChange) shows it entering s or any later stage. No closed history → the stage weights
        of analytics.definitions (the same numbers the potential value uses).
    expected amount of an open opportunity = its expected amount, or its unit's list price when none is typed.
    forecast = expected amount × win rate of its current stage, counted in the month it is expected to close:
        the month of (in stage since + DAYS_TO_CLOSE[stage]), never before the current month (an overdue
        opportunity is expected this month); months past the horizon are summed in "Later".

New customers
    Two simple models of the number of new customer files per month, each backtested on the last BACKTEST_MONTHS
    complete months (predict month m from the months before m only, compare with what happened):
    - moving average: the mean of the three months before;
    - seasonal naive: the same month a year before.
    The one with the smaller mean absolute error (MAE) forecasts the next months (ties: the moving average);
    the moving average rolls its own forecasts forward.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics import definitions
from crm_site.charts import Chart
from customers.models import Customer
from sales.models import Opportunity, StageChange

HORIZON_MONTHS = 6
HISTORY_MONTHS = 24
BACKTEST_MONTHS = 6
MOVING_WINDOW = 3
# Days from entering a stage to closing, by stage: the sales office's rule of thumb, stated here.
DAYS_TO_CLOSE = {
    "lead": 90,
    "visited": 60,
    "intending": 45,
    "reservation": 30,
    "subscription": 20,
    "contract": 10,
}
CENT = Decimal("0.01")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _stage_index():
    return {stage: position for position, stage in enumerate(Opportunity.ORDER)}


def win_rates(*, user, today: datetime.date | None = None, project=None) -> dict[str, dict]:
    """{stage: {"reached": n, "won": n, "rate": Decimal, "history": bool}} for every open stage."""
    today = today or timezone.localdate()
    since = add_months(month_start(today), -HISTORY_MONTHS)
    index = _stage_index()
    closed = (
        Opportunity.objects.visible_to(user)
        .filter(stage__in=Opportunity.CLOSED_STAGES, closed_at__date__gte=since)
        .order_by()
    )
    if project is not None:
        closed = closed.filter(project=project)
    # The furthest stage each closed opportunity reached, from its stage history: one grouped query per stage
    # would scan the history six times; one query returns (opportunity, stage entered) pairs instead.
    entered = (
        StageChange.objects.filter(opportunity__in=closed.values("pk"), to_stage__in=list(index))
        .values("opportunity_id", "to_stage")
        .distinct()
    )
    furthest: dict[int, int] = {}
    for row in entered.iterator(chunk_size=5000):
        position = index[row["to_stage"]]
        if position > furthest.get(row["opportunity_id"], -1):
            furthest[row["opportunity_id"]] = position
    reached = [0] * len(index)
    won = [0] * len(index)
    for pk, stage in closed.values_list("pk", "stage").iterator(chunk_size=5000):
        top = furthest.get(pk, 0)  # every opportunity starts as a lead
        if stage == Opportunity.Stage.WON:
            top = len(index) - 1  # a won opportunity passed every stage
        for position in range(top + 1):
            reached[position] += 1
            if stage == Opportunity.Stage.WON:
                won[position] += 1
    weights = definitions.get("stage_weights")
    rates = {}
    for stage, position in index.items():
        if reached[position]:
            rate = (Decimal(won[position]) / Decimal(reached[position])).quantize(Decimal("0.0001"))
        else:
            rate = Decimal(weights.get(stage, 0))
        rates[stage] = {"reached": reached[position], "won": won[position], "rate": rate,
                        "history": bool(reached[position])}  # fmt: skip
    return rates


@dataclass
class SalesForecast:
    months: list[datetime.date]
    amounts: dict = field(default_factory=dict)  # month (or None for later) → Decimal weighted
    pipeline: dict = field(default_factory=dict)  # month → Decimal unweighted
    counts: dict = field(default_factory=dict)
    rates: dict = field(default_factory=dict)
    without_amount: int = 0


def sales_forecast(*, user, today: datetime.date | None = None, project=None) -> SalesForecast:
    today = today or timezone.localdate()
    first = month_start(today)
    months = [add_months(first, offset) for offset in range(HORIZON_MONTHS)]
    rates = win_rates(user=user, today=today, project=project)
    result = SalesForecast(months=months, rates=rates)
    for month in [*months, None]:
        result.amounts[month] = Decimal(0)
        result.pipeline[month] = Decimal(0)
        result.counts[month] = 0
    opportunities = Opportunity.objects.visible_to(user).open()
    if project is not None:
        opportunities = opportunities.filter(project=project)
    rows = opportunities.annotate(amount=Coalesce("expected_amount", "unit__list_price")).values_list(
        "stage", "stage_changed_at", "amount"
    )
    last = months[-1]
    for stage, since, amount in rows.iterator(chunk_size=5000):
        if amount is None:
            result.without_amount += 1
            continue
        due = timezone.localtime(since).date() + datetime.timedelta(days=DAYS_TO_CLOSE.get(stage, 30))
        month = max(month_start(due), first)
        if month > last:
            month = None
        result.amounts[month] += (Decimal(amount) * rates[stage]["rate"]).quantize(CENT)
        result.pipeline[month] += Decimal(amount)
        result.counts[month] += 1
    return result


def sales_chart(forecast: SalesForecast) -> Chart:
    chart = Chart(
        "sales",
        _("Sales forecast by month"),
        "bar",
        [(_("Month"), "text"), (_("Forecast"), "money"), (_("Open pipeline"), "money"), (_("Opportunities"), "number")],
        plot=[1, 2],
        note=_("Forecast = expected amount × the historical win rate of the opportunity's stage, in the month it is "
               "expected to close (in stage since + the stage's days to close)."),
    )  # fmt: skip
    for month in [*forecast.months, None]:
        label = month.strftime("%Y-%m") if month else _("Later")
        chart.rows.append([label, forecast.amounts[month], forecast.pipeline[month], forecast.counts[month]])
    return chart


def rates_chart(forecast: SalesForecast) -> Chart:
    chart = Chart(
        "rates",
        _("Win rate by stage"),
        "bar",
        [(_("Stage"), "text"), (_("Win rate"), "pct"), (_("Closed that reached it"), "number"), (_("Won"), "number"),
         (_("Days to close"), "number")],
        note=_("Opportunities closed in the last 24 months; a stage without history uses its default weight."),
    )  # fmt: skip
    labels = dict(Opportunity.Stage.choices)
    for stage in Opportunity.ORDER:
        rate = forecast.rates[stage]
        chart.rows.append([labels[stage], float(rate["rate"] * 100), rate["reached"], rate["won"],
                           DAYS_TO_CLOSE[stage]])  # fmt: skip
    return chart


# --- new customers -----------------------------------------------------------------------------------------


def monthly_new_customers(*, user, today: datetime.date | None = None, project=None) -> dict:
    """{month: files created} for the complete months of the last HISTORY_MONTHS + 12 (the seasonal model looks a
    year back), every month present (zero when none)."""
    today = today or timezone.localdate()
    first = month_start(today)
    start = add_months(first, -(HISTORY_MONTHS + 12))
    customers = Customer.objects.visible_to(user).filter(created_at__date__gte=start, created_at__date__lt=first)
    if project is not None:
        customers = customers.filter(project=project)
    counts = {add_months(start, offset): 0 for offset in range(HISTORY_MONTHS + 12)}
    for row in customers.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("pk")).order_by():
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        counts[month_start(month)] = row["n"]
    return counts


def predict_moving(history: list[int]) -> Decimal | None:
    window = history[-MOVING_WINDOW:]
    if len(window) < MOVING_WINDOW:
        return None
    return (Decimal(sum(window)) / MOVING_WINDOW).quantize(Decimal("0.1"))


def predict_seasonal(history: list[int]) -> Decimal | None:
    return Decimal(history[-12]) if len(history) >= 12 else None


MODELS = {"moving": predict_moving, "seasonal": predict_seasonal}


@dataclass
class CustomerForecast:
    model: str
    errors: dict  # model → MAE (Decimal or None)
    backtest: list  # (month, actual, predicted by the chosen model, abs error)
    forecast: list  # (month, predicted)
    history: dict


def customer_forecast(*, user, today: datetime.date | None = None, project=None) -> CustomerForecast:
    today = today or timezone.localdate()
    counts = monthly_new_customers(user=user, today=today, project=project)
    months = sorted(counts)
    values = [counts[month] for month in months]
    tests = range(len(values) - BACKTEST_MONTHS, len(values))
    errors, runs = {}, {}
    for name, predict in MODELS.items():
        rows, total, n = [], Decimal(0), 0
        for position in tests:
            guess = predict(values[:position])
            error = None if guess is None else abs(Decimal(values[position]) - guess)
            if error is not None:
                total += error
                n += 1
            rows.append((months[position], values[position], guess, error))
        runs[name] = rows
        errors[name] = (total / n).quantize(Decimal("0.1")) if n else None
    chosen = "moving"
    if errors["seasonal"] is not None and (errors["moving"] is None or errors["seasonal"] < errors["moving"]):
        chosen = "seasonal"
    rolled = [Decimal(value) for value in values]
    forecast = []
    first = month_start(today)
    for offset in range(HORIZON_MONTHS):
        guess = MODELS[chosen](rolled)
        guess = guess if guess is not None else Decimal(0)
        forecast.append((add_months(first, offset), guess))
        rolled.append(guess)
    return CustomerForecast(chosen, errors, runs[chosen], forecast, counts)


MODEL_LABELS = {"moving": _("Moving average of the last 3 months"), "seasonal": _("Same month last year")}


class GapChart(Chart):
    """A chart whose empty cells stay empty (null): the actual line stops where the forecast begins."""

    def data(self) -> dict:
        data = super().data()
        for position, index in enumerate(self.plot):
            data["series"][position]["data"] = [None if row[index] is None else float(row[index]) for row in self.rows]
        return data


def customers_chart(result: CustomerForecast) -> Chart:
    chart = GapChart(
        "customers",
        _("New customers: backtest and forecast"),
        "line",
        [(_("Month"), "text"), (_("Actual"), "number"), (_("Predicted"), "number"), (_("Absolute error"), "number")],
        plot=[1, 2],
        note=_("Model used: %(model)s (the smaller mean absolute error on the last 6 months). Moving average MAE: "
               "%(moving)s; same month last year MAE: %(seasonal)s.") % {
            "model": MODEL_LABELS[result.model],
            "moving": result.errors["moving"] if result.errors["moving"] is not None else "—",
            "seasonal": result.errors["seasonal"] if result.errors["seasonal"] is not None else "—",
        },
    )  # fmt: skip
    for month, actual, predicted, error in result.backtest:
        chart.rows.append([month.strftime("%Y-%m"), actual, predicted, error])
    for month, predicted in result.forecast:
        chart.rows.append([month.strftime("%Y-%m"), None, predicted, None])
    return chart


def forecasts(*, user, project=None, today: datetime.date | None = None) -> dict:
    """The forecast page: its charts by key (each with its table and export) and the figures above them."""
    sales = sales_forecast(user=user, today=today, project=project)
    new = customer_forecast(user=user, today=today, project=project)
    charts = {"sales": sales_chart(sales), "rates": rates_chart(sales), "customers": customers_chart(new)}
    return {
        "charts": charts,
        "kpis": {
            "forecast": sum(sales.amounts.values(), Decimal(0)),
            "pipeline": sum(sales.pipeline.values(), Decimal(0)),
            "without_amount": sales.without_amount,
            "next_customers": new.forecast[0][1] if new.forecast else Decimal(0),
            "mae": new.errors[new.model],
        },
        "model": new.model,
    }
