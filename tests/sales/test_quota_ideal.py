"""The quota report's pace line (the share of the target due by today if the period ran evenly), month to date and
year to date, the year's cumulative chart, and the reps' targets beside each team's and project's (with a mismatch
flag). Today is fixed: the selector takes `today`, the page reads timezone.localdate (patched)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sales.models import Deal, SalesTarget
from sales.selectors import quotas as selectors
from tests.sales.test_quotas import contract, target

pytestmark = pytest.mark.django_db
Level = SalesTarget.Level
MONTH = datetime.date(2026, 3, 1)
TODAY = datetime.date(2026, 3, 10)  # 10 of March's 31 days; 69 of 2026's 365
REPORT = "sales:target-report"


@pytest.fixture
def director(org):
    return org["director"]


@pytest.fixture
def rep2(org):
    return org["other_rep_same_team"]


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def test_the_elapsed_share_counts_whole_days_including_today():
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    assert selectors.elapsed_share(start, end, datetime.date(2026, 3, 10)) == Decimal(10) / Decimal(31)
    assert selectors.elapsed_share(start, end, datetime.date(2026, 3, 1)) == Decimal(1) / Decimal(31)
    assert selectors.elapsed_share(start, end, datetime.date(2026, 2, 27)) == 0  # not begun
    assert selectors.elapsed_share(start, end, datetime.date(2026, 3, 31)) == 1
    assert selectors.elapsed_share(start, end, datetime.date(2026, 5, 2)) == 1  # over
    leap = selectors.elapsed_share(datetime.date(2028, 1, 1), datetime.date(2028, 12, 31), datetime.date(2028, 2, 29))
    assert leap == Decimal(60) / Decimal(366)


# --- month to date ------------------------------------------------------------------------------------------------


@pytest.fixture
def march(org, rep, rep2, project_a, director):
    """rep: target 3,100,000, signed 1,000,000 by the 10th; rep2: target 1,550,000, nothing signed."""
    contract(rep, project_a, "1000000.00", datetime.date(2026, 3, 2))
    contract(rep, project_a, "9000000.00", datetime.date(2026, 3, 5), state=Deal.State.CANCELLED)  # not counted
    target(Level.REP, rep, "3100000", units=4, by=director)
    target(Level.REP, rep2, "1550000", units=2, by=director)


def test_month_to_date_pace_line_figures(march, rep, rep2, director):
    report = selectors.report(user=director, month=MONTH, today=TODAY)
    rows = {row.subject: row for row in report["reps"]}
    mine, theirs = rows[rep], rows[rep2]
    # 3,100,000 x 10 / 31 = 1,000,000 due by the 10th: exactly on pace.
    assert mine.pace_amount == Decimal("1000000.00") and mine.pace_pct == Decimal("100.0")
    assert mine.amount_pct == Decimal("32.3")  # 1,000,000 of 3,100,000
    assert mine.pace_marker == Decimal("32.3")  # 10 / 31 of the bar
    # 1,550,000 x 10 / 31 = 500,000 due, nothing signed.
    assert theirs.pace_amount == Decimal("500000.00") and theirs.pace_pct == Decimal("0.0")
    assert report["pace_pct"] == Decimal("32.3")
    total = report["total"]
    assert (total.target.amount, total.amount, total.pace_amount) == (
        Decimal("4650000"),
        Decimal("1000000.00"),
        Decimal("1500000.00"),
    )
    assert total.pace_pct == Decimal("66.7")


def test_a_month_not_begun_has_nothing_due_and_a_past_month_all_of_it(march, rep, director):
    early = selectors.report(user=director, month=MONTH, today=datetime.date(2026, 2, 20))
    row = next(row for row in early["reps"] if row.subject == rep)
    assert row.pace_amount == Decimal("0.00") and row.pace_pct is None and row.pace_marker == Decimal("0.0")
    late = selectors.report(user=director, month=MONTH, today=datetime.date(2026, 6, 1))
    row = next(row for row in late["reps"] if row.subject == rep)
    assert row.pace_amount == Decimal("3100000.00") and row.pace_pct == Decimal("32.3")


def test_the_page_marks_the_pace_line_on_each_bar(client, march, director, fixed_today):
    client.force_login(director)
    response = client.get(reverse(REPORT), {"month": "2026-03"})
    assert response.status_code == 200
    page = response.text
    assert 'data-pace="32.3"' in page and "left: 32.3%" in page
    assert "Pace line: 32.3% of the target by today" in page
    assert "¥1,000,000" in page and "¥500,000" in page  # due by today, rep and rep2
    assert "100.0%" in page  # rep against the pace


# --- year to date and the chart -----------------------------------------------------------------------------------


@pytest.fixture
def year(org, rep, project_a, director):
    """rep's 2026 targets: 1,000,000 in January and February, 1,650,000 in March (3,650,000: 10,000 a day);
    signed 400,000 in January, 300,000 in February, 100,000 in March (and one in December 2025, not counted)."""
    for month, amount in ((1, "1000000"), (2, "1000000"), (3, "1650000")):
        target(Level.REP, rep, amount, units=1, month=datetime.date(2026, month, 1), by=director)
    contract(rep, project_a, "400000.00", datetime.date(2026, 1, 15))
    contract(rep, project_a, "300000.00", datetime.date(2026, 2, 20))
    contract(rep, project_a, "100000.00", datetime.date(2026, 3, 2))
    contract(rep, project_a, "5000000.00", datetime.date(2025, 12, 31))


def test_year_to_date_attainment_and_pace(year, rep):
    report = selectors.report(user=rep, month=MONTH, period="year", today=TODAY)
    (row,) = report["reps"]
    assert (report["start"], report["end"]) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert (row.target.amount, row.target.units) == (Decimal("3650000"), 3)
    assert (row.amount, row.units) == (Decimal("800000.00"), 3)
    assert row.pace_amount == Decimal("690000.00")  # 3,650,000 x 69 / 365
    assert row.pace_pct == Decimal("115.9")  # 800,000 / 690,000: ahead of pace
    assert row.amount_pct == Decimal("21.9")
    assert row.pace_marker == Decimal("18.9")  # 69 / 365


def test_the_year_chart_adds_up_month_by_month_against_targets_and_pace(year, rep):
    chart = selectors.report(user=rep, month=MONTH, period="year", today=TODAY)["chart"]
    assert chart.kind == "line" and chart.plot == [1, 2, 3]
    rows = {row[0]: row[1:] for row in chart.rows}
    assert len(rows) == 12
    assert rows["2026-01"] == [Decimal("400000"), Decimal("1000000"), Decimal("310000.00")]  # 31 days x 10,000
    assert rows["2026-02"] == [Decimal("700000"), Decimal("2000000"), Decimal("590000.00")]  # 59 days
    assert rows["2026-03"] == [Decimal("800000"), Decimal("3650000"), Decimal("900000.00")]  # 90 days
    assert rows["2026-04"] == [None, Decimal("3650000"), Decimal("1200000.00")]  # not yet signed: a gap
    assert rows["2026-12"] == [None, Decimal("3650000"), Decimal("3650000.00")]
    assert chart.data()["series"][0]["data"][:4] == [400000.0, 700000.0, 800000.0, None]


def test_the_year_page_draws_the_chart_and_exports_its_table(client, year, rep, fixed_today):
    client.force_login(rep)
    response = client.get(reverse(REPORT), {"month": "2026-03", "period": "year"})
    assert response.status_code == 200
    assert response.context["period"] == "year" and response.context["chart"] is not None
    page = response.text
    assert 'data-testid="chart-year"' in page and 'id="chart-data-year"' in page
    assert "¥690,000" in page and "115.9%" in page
    assert 'href="?month=2025-03&amp;period=year"' in page  # the previous year
    exported = client.get(reverse(REPORT), {"month": "2026-03", "period": "year", "export": "year", "format": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == ["Month", "Contracted (cumulative)", "Target (cumulative)", "Pace line"]
    assert lines[3] == ["2026-03", "800000.00", "3650000.00", "900000.00"]
    assert client.get(reverse(REPORT), {"month": "2026-03", "export": "nope"}).status_code == 404
    month_page = client.get(reverse(REPORT), {"month": "2026-03"})
    assert month_page.context["chart"] is None and 'data-testid="chart-year"' not in month_page.text


# --- roll-up: the reps' targets beside each team's and project's ---------------------------------------------------


@pytest.fixture
def rollup(org, rep, rep2, other_rep, project_a, project_b, director):
    """North: reps 1,000,000 (2 units) + 500,000 (1) against its own 1,500,000 (3): they add up.
    South: other_rep 700,000 (1) against its own 800,000 (1): a mismatch. The department has no target of its own:
    its teams' 2,300,000 (4) against its reps' 2,200,000 (4): a mismatch.
    Project A (rep, rep2 assigned): 1,200,000 (2) against 1,500,000 (3); project B (other_rep): 700,000 (1) both."""
    target(Level.REP, rep, "1000000", units=2, by=director)
    target(Level.REP, rep2, "500000", units=1, by=director)
    target(Level.REP, other_rep, "700000", units=1, by=director)
    target(Level.TEAM, org["north"], "1500000", units=3, by=director)
    target(Level.TEAM, org["south"], "800000", units=1, by=director)
    target(Level.PROJECT, project_a, "1200000", units=2, by=director)
    target(Level.PROJECT, project_b, "700000", units=1, by=director)
    rep.staff.projects.add(project_a)
    rep2.staff.projects.add(project_a)
    other_rep.staff.projects.add(project_b)


def test_teams_and_projects_show_their_reps_targets_and_flag_a_mismatch(rollup, org, director, project_a, project_b):
    report = selectors.report(user=director, month=MONTH, today=TODAY)
    teams = {row.subject: row for row in report["teams"]}
    north, south, department = teams[org["north"]], teams[org["south"]], teams[org["department"]]
    assert (north.members_amount, north.members_units, north.members_mismatch) == (Decimal("1500000"), 3, False)
    assert (south.target.amount, south.members_amount, south.members_mismatch) == (
        Decimal("800000"),
        Decimal("700000"),
        True,
    )
    assert department.rolled_up and department.target.amount == Decimal("2300000")
    assert (department.members_amount, department.members_units, department.members_mismatch) == (
        Decimal("2200000"),
        4,
        True,
    )
    projects = {row.subject: row for row in report["projects"]}
    assert (projects[project_a].members_amount, projects[project_a].members_units) == (Decimal("1500000"), 3)
    assert projects[project_a].members_mismatch
    assert (projects[project_b].members_amount, projects[project_b].members_mismatch) == (Decimal("700000"), False)


def test_units_alone_differing_is_a_mismatch_and_a_team_without_any_target_is_none(org, director, rep):
    target(Level.REP, rep, "1000000", units=2, by=director)
    target(Level.TEAM, org["north"], "1000000", units=3, by=director)
    teams = {row.subject: row for row in selectors.report(user=director, month=MONTH, today=TODAY)["teams"]}
    assert teams[org["north"]].members_mismatch  # 2 units against 3
    assert org["south"] not in teams  # neither a target, nor contracts, nor reps' targets


def test_the_page_flags_mismatches_and_leaves_stored_targets_alone(client, rollup, director, fixed_today):
    stored = sorted(SalesTarget.objects.values_list("pk", "amount", "units"))
    client.force_login(director)
    for params in ({"month": "2026-03"}, {"month": "2026-03", "period": "year"}):
        response = client.get(reverse(REPORT), params)
        assert response.status_code == 200
        assert response.text.count('data-testid="target-mismatch"') == 3  # South, the department, project A
        assert "¥2,200,000" in response.text  # the department's reps' targets
    assert sorted(SalesTarget.objects.values_list("pk", "amount", "units")) == stored


def test_a_rep_sees_only_their_own_team_in_the_roll_up(client, rollup, rep, org, fixed_today):
    client.force_login(rep)
    response = client.get(reverse(REPORT), {"month": "2026-03"})
    assert [row.subject for row in response.context["teams"]] == [org["north"]]
    assert [row.subject for row in response.context["reps"]] == [rep]


# --- languages ----------------------------------------------------------------------------------------------------


def test_the_report_renders_in_english_and_chinese(client, year, rep, fixed_today):
    client.force_login(rep)
    params = {"month": "2026-03", "period": "year"}
    english = client.get(reverse(REPORT), params, HTTP_ACCEPT_LANGUAGE="en").text
    assert "Year to date" in english and "Due by today" in english and "Pace line" in english
    chinese = client.get(reverse(REPORT), params, HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "年初至今" in chinese and "按进度应完成" in chinese and "时间进度线" in chinese
    assert "Due by today" not in chinese
