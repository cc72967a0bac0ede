"""A team manager builds a report in the report builder (customers grouped by interest level, counted, as a bar
chart), sees the table and the chart, saves it, then opens the data-quality insight page and sees its table.

Team North's manager sees rep's three files (A, A, B) and rep2's one (B): A → 2, B → 2, 4 in all; other_rep's three
A files in Team South are outside the manager's scope and must not be counted.

Then the visit rules end to end: an admin sets "stars every 14 days", the rep finds the overdue star on my day and
follows "See all" to the filtered customer list."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from analytics.models import SavedReport
from crm_site.roles import sync_roles
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts"  # tests never write into the repository


@pytest.fixture
def files(transactional_db, org):
    sync_roles(grant_missing=True)  # the flush between transactional tests may leave the groups bare
    for owner, level in [("rep", "A"), ("rep", "A"), ("rep", "B"), ("other_rep_same_team", "B")]:
        CustomerFactory(owner=org[owner], level=level)
    for _ in range(3):
        CustomerFactory(owner=org["other_rep"], level="A")
    return org


def test_manager_builds_and_saves_a_report_then_reads_an_insight(page, live_server, files, console_errors):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "team_lead", PASSWORD)
    page.goto(f"{live_server.url}/analytics/builder/new/")
    page.select_option("#id_type", "customers")
    page.click("[data-testid=builder-run]")
    page.wait_for_load_state()
    page.select_option("[data-testid=builder-group-1]", "level")
    page.check("#agg-count")
    page.select_option("#id_chart", "bar")
    page.click("[data-testid=builder-run]")
    page.wait_for_load_state()

    table = page.locator("[data-testid=builder-table]")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").nth(0)).to_contain_text("A – hot")
    expect(table.locator("tbody tr").nth(0)).to_contain_text("2")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("B – warm")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("2")
    expect(page.locator("[data-testid=builder-totals]")).to_contain_text("4")  # Team South's files are not counted
    expect(page.locator("[data-testid=builder-chart] svg")).to_have_count(1)  # ECharts drew the bars

    page.fill("[data-testid=builder-save] input[name=name]", "Files by level")
    page.click("[data-testid=builder-save-button]")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Files by level")
    expect(page.locator("[data-testid=builder-totals]")).to_contain_text("4")
    report = SavedReport.objects.get(name="Files by level")
    assert report.owner == files["team_lead"]
    assert report.definition["type"] == "customers" and report.definition["group"] == ["level"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "builder-saved.png"), full_page=True)

    page.goto(f"{live_server.url}/analytics/quality/")
    gaps = page.locator("[data-testid=quality-gaps] table")
    expect(gaps).to_be_visible()
    rep, rep2 = files["rep"], files["other_rep_same_team"]
    expect(gaps).to_contain_text(rep.get_full_name() or rep.username)
    expect(gaps).to_contain_text(rep2.get_full_name() or rep2.username)
    expect(gaps).not_to_contain_text(files["other_rep"].get_full_name() or files["other_rep"].username)
    expect(page.locator("[data-testid=kpi-files]")).to_have_text("4")
    assert console_errors == []


def test_admin_sets_a_visit_rule_and_the_rep_follows_it_from_my_day(page, live_server, files, console_errors):
    """Visit rules end to end: the admin's settings page, the rep's my-day panel, "See all" to the filtered list."""
    import datetime

    from django.utils import timezone

    from analytics.models import CustomerScore, JobRun, VisitRule

    night, now = timezone.localdate(), timezone.now()
    JobRun.objects.create(name="scores", night=night, status=JobRun.Status.SUCCEEDED, started_at=now, finished_at=now)
    rep = files["rep"]
    late = CustomerFactory(owner=rep, name="Late Star", last_contact_at=now - datetime.timedelta(days=20))
    fresh = CustomerFactory(owner=rep, name="Fresh Star", last_contact_at=now - datetime.timedelta(days=2))
    for customer in (late, fresh):
        CustomerScore.objects.create(night=night, customer=customer, owner=rep, team=customer.team, quadrant="star")

    log_in(page, live_server, "admin_user", PASSWORD)
    page.goto(f"{live_server.url}/analytics/visit-rules/")
    page.fill("input[name=quadrant_star]", "0")
    page.click("[data-testid=visit-rule-form] [type=submit]")
    # The browser refuses 0 before sending (min=1; the server's own refusal is in tests/analytics).
    assert page.locator("input[name=quadrant_star]").evaluate("input => input.validity.rangeUnderflow")
    assert not VisitRule.objects.exists()
    page.fill("input[name=quadrant_star]", "14")
    page.click("[data-testid=visit-rule-form] [type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Visit rules saved.")
    assert VisitRule.objects.get().days == 14
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "visit-rules.png"), full_page=True)

    page.context.clear_cookies()
    log_in(page, live_server, "rep", PASSWORD)
    page.goto(f"{live_server.url}/my-day/")
    panel = page.locator("[data-panel=visits_due]")
    expect(panel).to_contain_text("Late Star")
    expect(panel).to_contain_text("every 14 days · 6 days overdue")
    expect(panel).not_to_contain_text("Fresh Star")
    page.screenshot(path=str(SCREENSHOTS / "visits-due-my-day.png"), full_page=True)
    panel.locator("[data-testid=panel-link]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-testid=list-filters]")).to_contain_text("Visit by segment rule")
    expect(page.locator("#customer-rows")).to_contain_text("Late Star")
    expect(page.locator("#customer-rows")).not_to_contain_text("Fresh Star")
    assert console_errors == []
