"""Forecasts on hand-computed data (today = 2026-03-15).

Closed history (StageChange rows): o1 (rep) lead → visited → intending → won; o2 (rep) lead → visited → lost;
o3 (rep) lead → lost; o4 (other_rep) lead → visited → intending → lost.
    Everyone: lead 1/4 = 0.25, visited 1/3 = 0.3333, intending 1/2 = 0.5, reservation … contract 1/1 = 1.
    The rep alone: lead 1/3 = 0.3333, visited 1/2 = 0.5, intending 1/1 = 1.
Open pipeline:
    p1 (rep) intending 1,000,000, in stage since 03-01 → +45 days → April;
    p2 (rep) lead, no amount, unit listed at 2,000,000, since 2025-11-01 → +90 days → overdue → March;
    p3 (other_rep) visited 600,000, since 03-10 → +60 days → May;
    p4 (other_rep) intending, no amount, no unit → counted as "without an amount";
    p5 (rep) lead 400,000, since 07-01 → +90 days → September, past the six-month horizon → Later.
    Everyone: March 500,000; April 500,000; May 199,980; Later 100,000.
    The rep: March 666,600; April 1,000,000; Later 133,320.
New customers (the rep's files by month): 2025-06…2026-02 = 3, 3, 3, 6, 3, 3, 3, 6, 3; nothing a year before.
    Moving average backtest (Sep…Feb): predicted 3, 4, 4, 4, 3, 4 against 6, 3, 3, 3, 6, 3 → MAE 10/6 = 1.7.
    Same month last year: predicted 0 each month → MAE 24/6 = 4.0. The moving average is used:
    March (3 + 6 + 3) / 3 = 4.0; April (6 + 3 + 4.0) / 3 = 4.3; May (3 + 4.0 + 4.3) / 3 = 3.8.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.selectors.forecasts import customer_forecast, forecasts, sales_forecast, win_rates
from customers.models import Customer
from sales.models import Opportunity, StageChange
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, UnitFactory

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = datetime.date(2026, 3, 15)
URL = reverse("analytics:forecasts")


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


def closed(owner, project, path, outcome):
    opportunity = OpportunityFactory(customer=CustomerFactory(owner=owner), project=project, stage=outcome,
                                     closed_at=at(2026, 2, 1))  # fmt: skip
    previous = ""
    for stage in [*path, outcome]:
        StageChange.objects.create(opportunity=opportunity, from_stage=previous, to_stage=stage, at=at(2026, 1, 1),
                                   by=owner)  # fmt: skip
        previous = stage
    return opportunity


@pytest.fixture
def pipeline(org, project_a):
    rep, other = org["rep"], org["other_rep"]
    won, lost = Opportunity.Stage.WON, Opportunity.Stage.LOST
    closed(rep, project_a, ["lead", "visited", "intending"], won)
    closed(rep, project_a, ["lead", "visited"], lost)
    closed(rep, project_a, ["lead"], lost)
    closed(other, project_a, ["lead", "visited", "intending"], lost)

    def open_one(owner, stage, amount, since, **kwargs):
        return OpportunityFactory(customer=CustomerFactory(owner=owner), project=project_a, stage=stage,
                                  expected_amount=amount, stage_changed_at=since, **kwargs)  # fmt: skip

    open_one(rep, "intending", D("1000000"), at(2026, 3, 1))
    open_one(rep, "lead", None, at(2025, 11, 1), unit=UnitFactory(building__project=project_a,
                                                                   list_price=D("2000000")))  # fmt: skip
    open_one(other, "visited", D("600000"), at(2026, 3, 10))
    open_one(other, "intending", None, at(2026, 3, 10))
    open_one(rep, "lead", D("400000"), at(2026, 7, 1))
    return org


def test_win_rates_per_stage_from_the_closed_history(pipeline):
    rates = win_rates(user=pipeline["executive"], today=TODAY)
    assert {stage: rates[stage]["rate"] for stage in rates} == {
        "lead": D("0.25"), "visited": D("0.3333"), "intending": D("0.5"),
        "reservation": D("1"), "subscription": D("1"), "contract": D("1"),
    }  # fmt: skip
    assert (rates["lead"]["reached"], rates["lead"]["won"]) == (4, 1)
    mine = win_rates(user=pipeline["rep"], today=TODAY)
    assert [mine[stage]["rate"] for stage in ("lead", "visited", "intending")] == [D("0.3333"), D("0.5"), D("1")]


def test_no_closed_history_falls_back_to_the_stage_weights(org):
    rates = win_rates(user=org["executive"], today=TODAY)
    assert rates["intending"] == {"reached": 0, "won": 0, "rate": D("0.25"), "history": False}


def test_a_project_filter_reads_that_projects_history_and_pipeline(pipeline, project_b):
    assert win_rates(user=pipeline["executive"], today=TODAY, project=project_b)["lead"]["history"] is False
    forecast = sales_forecast(user=pipeline["executive"], today=TODAY, project=project_b)
    assert sum(forecast.pipeline.values()) == 0


def test_the_sales_forecast_by_month(pipeline):
    forecast = sales_forecast(user=pipeline["executive"], today=TODAY)
    month = datetime.date
    assert forecast.months[0] == month(2026, 3, 1) and forecast.months[-1] == month(2026, 8, 1)
    assert forecast.amounts == {
        month(2026, 3, 1): D("500000.00"), month(2026, 4, 1): D("500000.00"), month(2026, 5, 1): D("199980.00"),
        month(2026, 6, 1): 0, month(2026, 7, 1): 0, month(2026, 8, 1): 0, None: D("100000.00"),
    }  # fmt: skip
    assert sum(forecast.pipeline.values()) == D("4000000")
    assert forecast.without_amount == 1


def test_a_rep_forecasts_only_their_pipeline_with_their_own_history(pipeline):
    forecast = sales_forecast(user=pipeline["rep"], today=TODAY)
    nonzero = {key: value for key, value in forecast.amounts.items() if value}
    assert nonzero == {
        datetime.date(2026, 3, 1): D("666600.00"),
        datetime.date(2026, 4, 1): D("1000000.00"),
        None: D("133320.00"),
    }
    assert forecast.without_amount == 0
    south = sales_forecast(user=pipeline["south_lead"], today=TODAY)  # Team South: other_rep's p3 and p4
    assert sum(south.pipeline.values()) == D("600000") and south.without_amount == 1


@pytest.fixture
def history(org):
    counts = {(2025, 6): 3, (2025, 7): 3, (2025, 8): 3, (2025, 9): 6, (2025, 10): 3, (2025, 11): 3,
              (2025, 12): 3, (2026, 1): 6, (2026, 2): 3}  # fmt: skip
    for (year, month), n in counts.items():
        for _ in range(n):
            customer = CustomerFactory(owner=org["rep"])
            Customer.objects.filter(pk=customer.pk).update(created_at=at(year, month, 10))
    for _ in range(2):  # another team's files: not the rep's
        customer = CustomerFactory(owner=org["other_rep"])
        Customer.objects.filter(pk=customer.pk).update(created_at=at(2026, 1, 10))
    return org


def test_new_customers_backtest_and_forecast(history):
    result = customer_forecast(user=history["rep"], today=TODAY)
    assert result.errors == {"moving": D("1.7"), "seasonal": D("4.0")}
    assert result.model == "moving"
    assert [(month.month, actual, predicted) for month, actual, predicted, _error in result.backtest] == [
        (9, 6, D("3.0")), (10, 3, D("4.0")), (11, 3, D("4.0")), (12, 3, D("4.0")), (1, 6, D("3.0")), (2, 3, D("4.0")),
    ]  # fmt: skip
    assert [predicted for _month, predicted in result.forecast[:3]] == [D("4.0"), D("4.3"), D("3.8")]
    everyone = customer_forecast(user=history["executive"], today=TODAY)
    assert everyone.history[datetime.date(2026, 1, 1)] == 8


def test_the_seasonal_model_wins_when_it_backtests_better(org):
    # The same pattern a year apart: last year's month predicts exactly.
    for year in (2024, 2025):
        for month, n in ((9, 5), (10, 1), (11, 5), (12, 1)):
            for _ in range(n):
                customer = CustomerFactory(owner=org["rep"])
                Customer.objects.filter(pk=customer.pk).update(created_at=at(year, month, 10))
    result = customer_forecast(user=org["rep"], today=datetime.date(2026, 1, 15))
    assert result.model == "seasonal"
    assert result.errors["seasonal"] == D("0.0")


def test_the_page_and_its_export_for_managers_not_reps(pipeline, client):
    client.force_login(pipeline["team_lead"])
    response = client.get(URL)
    assert response.status_code == 200
    assert b'data-testid="chart-sales"' in response.content and b"chart-data-sales" in response.content
    exported = client.get(URL, {"export": "rates", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Stage" and len(rows) == 7
    assert client.get(URL, {"export": "nope"}).status_code == 404
    assert client.get(URL, {"project": "x" * 40}).status_code == 200
    client.force_login(pipeline["rep"])
    assert client.get(URL).status_code == 403


def test_the_page_totals_match_the_selector(pipeline):
    page = forecasts(user=pipeline["executive"], today=TODAY)
    assert page["kpis"]["forecast"] == D("1299980.00")
    assert page["kpis"]["pipeline"] == D("4000000")


def test_the_page_is_computed_once_per_scope_and_project(pipeline, client, project_a):
    """It reads two years of closed opportunities: a second view within REPORT_CACHE_SECONDS reads none of it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(pipeline["team_lead"])
    client.get(URL)
    with CaptureQueriesContext(connection) as again:
        assert client.get(URL).status_code == 200
    assert not [query for query in again.captured_queries if "sales_stagechange" in query["sql"]]
    with CaptureQueriesContext(connection) as filtered:
        client.get(URL, {"project": project_a.pk})
    assert [query for query in filtered.captured_queries if "sales_stagechange" in query["sql"]]  # computed
