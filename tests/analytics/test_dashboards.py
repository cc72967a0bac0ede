"""Dashboards: numbers equal the snapshot they summarise, scope (rep, manager, executive), exports, drill-down to
the customer list, landings and permissions."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from analytics.selectors.dashboards import dashboard
from analytics.services.jobs import job_start

pytestmark = pytest.mark.django_db
D = Decimal
COMPANY = reverse("analytics:company")
TEAM = reverse("analytics:team")


@pytest.fixture
def scored(world, night):
    job_start("scores", night)
    return world


def rows(chart) -> dict:
    return {str(row[0]): row[1:] for row in chart.rows}


def test_the_company_dashboard_sums_the_snapshot(scored):
    board = dashboard(user=scored["executive"], kind="company")
    assert board["kpis"]["customers"] == 4
    assert board["kpis"]["contracts"] == 2
    assert board["kpis"]["net_profit"] == D("450000") + D("100000") - D("1500") - D("1500")
    assert board["kpis"]["lifetime_value"] == D("490000") + D("120000") + D("76500") + D("6000")
    quadrants = rows(board["charts"]["quadrants"])
    assert quadrants["Troublesome"] == [1, D("450000.00")]
    assert quadrants["Chicken rib"] == [1, D("100000.00")]
    assert quadrants["Star"] == [0, 0]
    assert rows(board["charts"]["segments"])["Develop: nurture"][0] == 1
    assert rows(board["charts"]["risk"]) == {"Low": [3], "Medium": [1], "High": [0]}
    top = board["charts"]["top"]
    assert [row[0] for row in top.rows] == ["Customer One", "Customer Two"]
    assert rows(board["charts"]["breakdown"])["Project A"][:3] == [4, 2, D("547000.00")]
    # The company trend comes from the runs' figures; a scoped one counts its rows: the same numbers here.
    night = board["night"].isoformat()
    assert board["charts"]["trend"].rows == [[night, 0, 1, 1, 0]]
    assert dashboard(user=scored["team_lead"], kind="team")["charts"]["trend"].rows == [[night, 0, 1, 1, 0]]
    assert dashboard(user=scored["south_lead"], kind="team")["charts"]["trend"].rows == [[night, 0, 0, 0, 0]]


def test_a_rep_and_a_manager_count_only_their_customers(scored):
    rep_board = dashboard(user=scored["rep"], kind="team")
    assert rep_board["kpis"]["customers"] == 2  # c1, c2
    assert rep_board["kpis"]["net_profit"] == D("550000")
    north = dashboard(user=scored["team_lead"], kind="team")  # Team North: rep and rep2
    assert north["kpis"]["customers"] == 2
    assert [row[0] for row in north["charts"]["breakdown"].rows] == [scored["rep"].get_full_name() or "rep"]
    south = dashboard(user=scored["south_lead"], kind="team")  # Team South: other_rep (c3, c4)
    assert south["kpis"]["customers"] == 2
    assert south["kpis"]["net_profit"] == D("-3000")
    assert rows(south["charts"]["quadrants"])["Troublesome"] == [0, 0]


def test_pages_landings_and_permissions(client, scored):
    client.force_login(scored["executive"])
    assert client.get("/").url == COMPANY
    page = client.get(COMPANY)
    assert page.status_code == 200
    assert b'id="chart-data-quadrants"' in page.content and b"echarts.min.js" in page.content
    assert b'data-testid="kpi-customers">4<' in page.content
    client.force_login(scored["team_lead"])
    assert client.get("/").url == TEAM
    assert client.get(COMPANY).status_code == 403
    assert client.get(TEAM).status_code == 200
    client.force_login(scored["rep"])
    home = client.get("/")
    assert home.status_code == 200 and "crm_site/home.html" in [t.name for t in home.templates]
    assert client.get(COMPANY).status_code == 403
    assert client.get(TEAM).status_code == 403


def test_each_chart_exports_its_table_as_csv_and_xlsx(client, scored):
    client.force_login(scored["executive"])
    response = client.get(COMPANY, {"export": "quadrants", "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["Quadrant", "Customers", "Net profit"]
    assert table[2] == ["Troublesome", "1", "450000.00"]
    response = client.get(COMPANY, {"export": "top", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[2]][:2] == ["Customer One", "450000.00"]
    assert client.get(COMPANY, {"export": "nothing"}).status_code == 404


def test_a_value_matrix_cell_drills_down_to_its_customers(client, scored):
    client.force_login(scored["executive"])
    board = dashboard(user=scored["executive"], kind="company")
    link = board["charts"]["quadrants"].links[1]  # troublesome
    assert link == reverse("customers:customer-list") + "?quadrant=troublesome"
    page = client.get(link)
    assert b"Customer One" in page.content and b"Customer Two" not in page.content
    assert b'data-testid="list-filters"' in page.content
    export = client.get(reverse("customers:customer-export"), {"quadrant": "troublesome", "format": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Customer One" in text and "Customer Two" not in text
    # An unknown value is ignored, not an error.
    assert b"Customer Two" in client.get(reverse("customers:customer-list"), {"quadrant": "zzz"}).content


def test_the_drill_down_keeps_the_viewers_scope(client, scored):
    client.force_login(scored["south_lead"])
    page = client.get(reverse("customers:customer-list"), {"segment": "key"})
    assert b"Customer One" not in page.content


def test_a_project_filter_narrows_the_company_dashboard(client, scored, project_b):
    board = dashboard(user=scored["executive"], kind="company", project=project_b)
    assert board["kpis"]["customers"] == 0
    client.force_login(scored["executive"])
    assert client.get(COMPANY, {"project": project_b.pk}).status_code == 200
    assert client.get(COMPANY, {"project": "x" * 30}).status_code == 200


def test_without_a_run_the_dashboard_says_so(client, executive):
    client.force_login(executive)
    assert b"No scores yet" in client.get(COMPANY).content


def test_the_customer_page_shows_scores_and_reasons(client, scored):
    client.force_login(scored["rep"])
    page = client.get(scored["c1"].get_absolute_url())
    assert b'data-testid="customer-analytics"' in page.content
    html = page.content.decode()
    assert "Troublesome" in html and "Overdue installments: 1" in html and "Referrals made: +10" in html
    client.force_login(scored["other_rep"])
    assert client.get(scored["c1"].get_absolute_url()).status_code in (403, 404)


def test_the_dashboard_in_chinese_uses_wan(client, scored):
    client.force_login(scored["executive"])
    page = client.get(COMPANY, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "万" in page.content.decode()
