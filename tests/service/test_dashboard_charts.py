"""The service dashboard's charts (volume, SLA attainment, backlog by age, satisfaction trend, kinds, categories,
agents) with the data as json_script (CSP-safe), and each table's CSV/XLSX export with formula cells neutralised."""

import datetime
import io
import json
import re
import zoneinfo

import openpyxl
import pytest
from django.utils import timezone

from service.models import Callback, Category, Ticket
from service.selectors import dashboard as selectors
from service.services import tickets as ticket_services

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def tickets(buyer, agent, project_a):
    evil = Category.objects.create(name_en='=HYPERLINK("http://x")')
    rows = []
    for month, met in [(7, True), (7, False), (8, True), (8, True)]:
        at = datetime.datetime(2026, month, 6, 10, tzinfo=TZ)
        ticket = ticket_services.ticket_create(
            customer=buyer, subject=f"T{month}", assignee=agent, category=evil, at=at, unit=None
        )
        done = ticket.resolution_due_at - datetime.timedelta(hours=1 if met else -30)
        Ticket.objects.filter(pk=ticket.pk).update(
            project=project_a,
            status=Ticket.Status.RESOLVED,
            resolved_at=done,
            first_response_at=ticket.response_due_at - datetime.timedelta(minutes=5),
        )
        rows.append(ticket)
    ticket_services.ticket_create(customer=buyer, subject="Still open", assignee=agent)
    for month, score in [(7, 5), (7, 2), (8, 4)]:
        Callback.objects.create(
            customer=buyer,
            project=project_a,
            reason=Callback.Reason.CONTRACT,
            due_on=datetime.date(2026, month, 1),
            done_at=datetime.datetime(2026, month, 10, 10, tzinfo=TZ),
            score=score,
        )
    return rows


def test_the_charts_hold_hand_computed_figures(manager, tickets):
    charts = selectors.charts(user=manager, since=datetime.date(2026, 7, 1), until=datetime.date(2026, 8, 31))
    assert charts["volume"].rows == [["2026-07", 2], ["2026-08", 2]]
    assert charts["sla"].rows == [["2026-07", 100.0, 50.0, 2], ["2026-08", 100.0, 100.0, 2]]
    assert charts["satisfaction"].rows == [["2026-07", 50.0, None, None], ["2026-08", 100.0, None, None]]
    assert sum(row[1] for row in charts["backlog"].rows) == 1
    assert charts["kinds"].rows == [["Complaint", 4]]
    data = charts["sla"].data()
    assert [series["name"] for series in data["series"]] == ["First response within target", "Resolved within target"]


def test_the_page_draws_every_chart_from_json_script(client, manager, tickets):
    client.force_login(manager)
    page = client.get("/service/dashboard/?since=2026-07-01&until=2026-08-31").content.decode()
    assert "vendor/echarts/echarts.min.js" in page and "js/analytics.js" in page
    for key in ("volume", "sla", "backlog", "satisfaction", "kinds", "categories", "agents"):
        assert f'data-testid="chart-{key}"' in page
        assert f'data-testid="export-{key}-csv"' in page
    found = re.search(r'<script id="chart-data-sla" type="application/json">(.*?)</script>', page)
    assert json.loads(found.group(1))["series"][1]["data"] == [50.0, 100.0]
    assert "<script>" not in page  # no inline script: the CSP holds


def test_exports_in_csv_and_xlsx_with_formulas_neutralised(client, manager, tickets):
    client.force_login(manager)
    base = "/service/dashboard/?since=2026-07-01&until=2026-08-31&export="
    csv = b"".join(client.get(base + "categories&format=csv").streaming_content).decode("utf-8-sig")
    assert csv.splitlines()[0] == "Category,Tickets"
    assert "'=HYPERLINK" in csv
    response = client.get(base + "sla&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Month", "First response within target", "Resolved within target", "Resolved tickets"]
    assert rows[1][0] == "2026-07" and float(rows[1][2]) == 50.0
    assert client.get(base + "nope&format=csv").status_code == 404


def test_the_dashboard_in_chinese(client, manager, tickets):
    client.force_login(manager)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/service/dashboard/?since=2026-07-01&until=2026-08-31", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "按月工单量" in text and "按月服务时限达成率" in text and "满意度趋势" in text and "未结工单账龄" in text


def test_query_count_does_not_grow_with_data(client, manager, tickets, buyer, agent, django_assert_max_num_queries):
    client.force_login(manager)
    for n in range(10):
        ticket_services.ticket_create(customer=buyer, subject=f"More {n}", assignee=agent, at=timezone.now())
    with django_assert_max_num_queries(40):
        assert client.get("/service/dashboard/").status_code == 200
