"""The customers-at-risk page: the dashboards' panel as a whole list, in the Reports menu of managers and
executives (not reps), scoped to the viewer, paginated, exported as CSV / XLSX."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from analytics.models import CustomerScore
from analytics.selectors import dashboards as dashboard_selectors
from analytics.services.jobs import job_start
from analytics.views import dashboards as dashboard_views

pytestmark = pytest.mark.django_db
AT_RISK = reverse("analytics:at-risk")
MENU_LINK = f'href="{AT_RISK}"'.encode()


@pytest.fixture
def at_risk(world, night):
    """c1 (rep, Team North) has a high risk level, c3 (other_rep, Team South) a churn risk of 70 %; c2 (rep) a churn
    risk of 20 % and c4 a medium level: not at risk."""
    job_start("scores", night)
    scores = CustomerScore.objects.filter(night=night)
    scores.update(risk=CustomerScore.Risk.LOW, churn=None)
    scores.filter(customer=world["c1"]).update(risk=CustomerScore.Risk.HIGH)
    scores.filter(customer=world["c2"]).update(churn=Decimal("0.2"))
    scores.filter(customer=world["c3"]).update(churn=Decimal("0.7"))
    scores.filter(customer=world["c4"]).update(risk=CustomerScore.Risk.MEDIUM)
    return world


def names(response) -> list[str]:
    """The customers the page shows, in its order (the first cell's link of each row)."""
    table = response.content.decode().split('data-testid="at-risk-rows"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td data-label="Customer"><a href="[^"]+">([^<]+)</a>', table)


def export(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_menu_offers_the_list_to_managers_and_executives_not_to_reps(client, at_risk):
    for person in ("team_lead", "executive"):
        client.force_login(at_risk[person])
        assert MENU_LINK in client.get(reverse("customers:customer-list")).content, person
    client.force_login(at_risk["rep"])
    assert MENU_LINK not in client.get(reverse("customers:customer-list")).content
    assert client.get(AT_RISK).status_code == 403


def test_the_page_lists_only_the_customers_in_the_viewers_scope(client, at_risk):
    client.force_login(at_risk["team_lead"])  # Team North: rep's c1
    page = client.get(AT_RISK)
    assert page.status_code == 200
    assert names(page) == ["Customer One"]
    assert "Customer Three" not in page.content.decode()
    client.force_login(at_risk["south_lead"])  # Team South: other_rep's c3
    assert names(client.get(AT_RISK)) == ["Customer Three"]
    client.force_login(at_risk["executive"])  # everyone: the likeliest to leave first, then the high risk level
    page = client.get(AT_RISK)
    assert names(page) == ["Customer Three", "Customer One"]
    html = page.content.decode()
    assert f'href="{at_risk["c3"].get_absolute_url()}"' in html and "70 %" in html


def test_the_page_and_the_dashboard_panel_list_the_same_customers(client, at_risk):
    panel = dashboard_selectors.dashboard(user=at_risk["executive"], kind="company")["charts"]["at_risk"]
    client.force_login(at_risk["executive"])
    page = client.get(AT_RISK)
    assert page.context["table"].rows == panel.rows
    # The panel links to the whole list, for the project it shows.
    board = client.get(reverse("analytics:company"), {"project": at_risk["c1"].project_id})
    assert f'href="{AT_RISK}?project={at_risk["c1"].project_id}" data-testid="more-at_risk"' in board.content.decode()


def test_the_page_is_paginated(client, at_risk, monkeypatch):
    monkeypatch.setattr(dashboard_views, "AT_RISK_PER_PAGE", 1)
    client.force_login(at_risk["executive"])
    first = client.get(AT_RISK)
    assert names(first) == ["Customer Three"]
    assert "Page 1 of 2" in first.content.decode() and "page=2" in first.content.decode()
    assert names(client.get(AT_RISK, {"page": 2})) == ["Customer One"]
    assert names(client.get(AT_RISK, {"page": "x"})) == ["Customer Three"]


def test_the_export_holds_the_whole_list_within_the_scope(client, at_risk, monkeypatch):
    monkeypatch.setattr(dashboard_selectors, "AT_RISK_ROWS", 1)  # the panel shows one; the list has two
    client.force_login(at_risk["executive"])
    table = export(client.get(AT_RISK, {"export": "at_risk", "format": "csv"}))
    assert table[0][:2] == ["Customer", "Churn risk"]
    assert [row[0] for row in table[1:]] == ["Customer Three", "Customer One"]
    assert table[1][1] == "70.0"
    response = client.get(AT_RISK, {"export": "at_risk", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["Customer Three", "Customer One"]
    client.force_login(at_risk["team_lead"])
    assert [row[0] for row in export(client.get(AT_RISK, {"export": "at_risk"}))[1:]] == ["Customer One"]


def test_a_project_filter_narrows_the_list(client, at_risk, project_b):
    client.force_login(at_risk["executive"])
    page = client.get(AT_RISK, {"project": project_b.pk})
    assert names(page) == [] and "No customer at risk." in page.content.decode()
    assert names(client.get(AT_RISK, {"project": at_risk["c1"].project_id})) == ["Customer Three", "Customer One"]


def test_the_page_keeps_a_query_budget(client, at_risk, django_assert_max_num_queries):
    client.force_login(at_risk["executive"])
    client.get(AT_RISK)  # warm the per-process menus
    with django_assert_max_num_queries(6):
        assert client.get(AT_RISK).status_code == 200


def test_without_a_run_the_page_says_so(client, executive):
    client.force_login(executive)
    page = client.get(AT_RISK)
    assert page.status_code == 200 and b"No scores yet" in page.content


def test_the_list_is_found_once_per_night_and_scope_then_each_page_reads_its_rows(client, at_risk):
    """Finding and ordering the customers at risk reads the whole night; the ids are kept like a dashboard's, so a
    second page view (or another page) does not do it again, and another scope gets its own list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def selections() -> int:
        return sum(" ORDER BY " in q["sql"] and "churn" in q["sql"] for q in queries.captured_queries)

    client.force_login(at_risk["executive"])
    with CaptureQueriesContext(connection) as queries:
        first = client.get(AT_RISK)
    assert selections() == 1
    with CaptureQueriesContext(connection) as queries:
        again = client.get(AT_RISK)
    assert selections() == 0 and names(again) == names(first)
    client.force_login(at_risk["team_lead"])
    with CaptureQueriesContext(connection) as queries:
        theirs = client.get(AT_RISK)
    assert selections() == 1 and set(names(theirs)) < set(names(first))
