"""An executive lands on the company dashboard, drills from a value-matrix cell to the customer list, exports
it, and downloads the monthly management PDF; charts draw without a CSP violation, also at 390 px."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analytics.services.jobs import job_start
from crm_site.roles import sync_roles
from tests.analytics.conftest import build_world
from tests.browser.conftest import log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts"  # tests never write into the repository


@pytest.fixture
def scored_world(transactional_db, org, project_a, settings, tmp_path):
    """The hand-computed world of tests/analytics, scored for today."""
    sync_roles(grant_missing=True)  # the flush between transactional tests may leave the groups bare
    settings.MEDIA_ROOT = tmp_path
    world = build_world(org, project_a)
    job_start("scores", timezone.localdate())
    return world


def test_executive_drills_from_the_value_matrix_and_downloads_the_pdf(page, live_server, scored_world, console_errors):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "executive", PASSWORD)
    expect(page.locator("h1")).to_contain_text("Company dashboard")
    expect(page.locator("[data-testid=kpi-customers]")).to_have_text("4")
    # ECharts drew the value matrix (SVG renderer) from the json_script data.
    expect(page.locator("[data-testid=chart-quadrants] .analytics-chart svg")).to_have_count(1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "analytics-company.png"), full_page=True)

    page.click("[data-testid=drill-quadrants-1]")  # Troublesome
    expect(page.locator("[data-testid=list-filters]")).to_contain_text("Troublesome")
    expect(page.locator("#customer-rows")).to_contain_text("Customer One")
    expect(page.locator("#customer-rows")).not_to_contain_text("Customer Two")
    with page.expect_download() as exported:
        page.get_by_role("link", name="CSV").first.click()
    text = Path(exported.value.path()).read_text(encoding="utf-8-sig")
    assert "Customer One" in text and "Customer Two" not in text

    page.goto(f"{live_server.url}/analytics/reports/")
    with page.expect_download() as downloaded:
        page.click("[data-testid=report-generate]")
    assert Path(downloaded.value.path()).read_bytes().startswith(b"%PDF")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/analytics/company/")
    expect(page.locator("[data-testid=chart-quadrants] .analytics-chart svg")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "analytics-company-390.png"), full_page=True)
    assert console_errors == []


def test_manager_lands_on_the_team_dashboard(page, live_server, scored_world, console_errors):
    log_in(page, live_server, "south_lead", PASSWORD)
    expect(page.locator("h1")).to_contain_text("Team dashboard")
    expect(page.locator("[data-testid=kpi-customers]")).to_have_text("2")
    page.screenshot(path=str(SCREENSHOTS / "analytics-team.png"), full_page=True)
    assert console_errors == []
