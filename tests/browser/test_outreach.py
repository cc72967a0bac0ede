"""Marketing saves a customer filter, builds a send from it, previews the message for a real customer, sends it and
reads the report; then announces a delivery date to a project's buyers, and a buyer's timeline shows it."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from crm_site.roles import sync_roles
from outreach.models import Message
from sales.models import Deal
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CustomerFactory, ProjectFactory, UserFactory
from tests.outreach.factories import TemplateFactory
from tests.sales.factories import BuildingFactory, DealFactory, UnitFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def office(transactional_db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.OUTREACH_RATE_PER_MINUTE = 0
    mail.outbox = []
    sync_roles(grant_missing=True)
    project = ProjectFactory(code="harbour-view", name="Harbour View")
    rep = UserFactory(username="rep.outreach", first_name="Lin", last_name="Qiao", role="sales_rep")
    rep.staff.projects.add(project)
    UserFactory(username="mkt.outreach", first_name="Wu", last_name="Qiang", role="marketing")
    hot = {
        "Zhao Minghui": ("zhao@example.com", True),
        "Qian Li": ("qian@example.com", True),
        "Sun Wei": ("sun@example.com", False),  # no consent: counted out
        "Li Na": ("", True),  # no address: counted out
    }
    for name, (email, consent) in hot.items():
        CustomerFactory(name=name, owner=rep, level="A", email=email, marketing_consent=consent, project=project)
    CustomerFactory(name="Cold Lead", owner=rep, level="D", email="cold@example.com", marketing_consent=True)
    building = BuildingFactory(project=project, name="T1", floors=10)
    buyers = {}
    for name, email in (("Chen Jing", "chen@example.com"), ("Wang Fang", "")):
        buyer = CustomerFactory(name=name, owner=rep, email=email, project=project, level="B")
        DealFactory(
            opportunity__customer=buyer,
            opportunity__project=project,
            unit=UnitFactory(building=building),
            stage=Deal.Stage.CONTRACT,
            price=Decimal("2000000.00"),
        )
        buyers[name] = buyer
    TemplateFactory(
        key="open-day",
        name="Open day invitation",
        subject_en="{{ customer_name }}, you are invited to {{ project }}",
        body_en="Dear {{ customer_name }}, your consultant {{ consultant_name }} invites you to our open day.",
        subject_zh="{{ customer_name }}，诚邀您参加{{ project }}开放日",
        body_zh="尊敬的{{ customer_name }}：您的置业顾问{{ consultant_name }}诚邀您参加开放日。",
    )
    return {"project": project, "buyers": buyers}


def test_marketing_sends_to_a_saved_filter_and_announces_to_buyers(
    page, live_server, office, artifacts, console_errors
):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "mkt.outreach", PASSWORD)

    # A filter on the customer list, saved for everyone.
    page.goto(f"{live_server.url}/customers/?level=A")
    page.get_by_text("Save this filter").click()
    page.fill("input[name=name][maxlength='80']", "Hot prospects")
    page.locator("form[action$='/customers/filters/save/'] button[type=submit]").click()
    expect(page.get_by_role("link", name=re.compile("Hot prospects"))).to_be_visible()

    # The Outreach menu: a new send to that filter, with a campaign-free template.
    page.locator("#nav-main .dropdown-toggle", has_text="Outreach").click()
    page.get_by_role("link", name=re.compile("Sends")).click()
    page.get_by_test_id("new-send").click()
    page.get_by_label("Name").fill("Harbour View open day")
    page.get_by_label("Template").select_option(label="Open day invitation")
    page.locator("select[name=language]").select_option("en")
    page.get_by_label("Saved filter").select_option(label="Hot prospects")
    page.get_by_test_id("save-send").click()

    # The review: four in the filter, one without consent, one without an address; the message as they read it.
    expect(page.get_by_test_id("reachable")).to_have_text("2")
    expect(page.get_by_test_id("audience-count")).to_contain_text("4")
    preview = page.get_by_test_id("preview-en")
    expect(preview).to_contain_text("you are invited to Harbour View")
    page.get_by_test_id("preview-search").fill("Qian")
    page.get_by_test_id("preview-customers").get_by_role("button", name=re.compile("Qian Li")).click()
    expect(page.get_by_test_id("preview-en")).to_contain_text("Qian Li, you are invited to Harbour View")
    expect(page.get_by_test_id("preview-en")).to_contain_text("Lin Qiao invites you")
    page.screenshot(path=artifacts / "outreach-send-review.png", full_page=True)

    # Send now: the report shows who got it.
    page.get_by_test_id("send-now").click()
    expect(page.get_by_test_id("send-status")).to_have_text(re.compile("Sent|Sending"))
    page.reload()
    expect(page.get_by_test_id("report-sent")).to_have_text("2")
    expect(page.get_by_test_id("report-no-consent")).to_have_text("1")
    expect(page.get_by_test_id("report-no-address")).to_have_text("1")
    assert sorted(email.to[0] for email in mail.outbox) == ["qian@example.com", "zhao@example.com"]
    page.screenshot(path=artifacts / "outreach-send-report.png", full_page=True)

    # An announcement to the project's buyers: one has no e-mail and is listed to be called.
    page.goto(f"{live_server.url}/outreach/announcements/new/?project={office['project'].pk}")
    page.get_by_label("About").select_option("delivery")
    page.get_by_label("Send in").select_option("en")
    page.get_by_label("Subject (English)").fill("New handover date for {{ project }}")
    page.get_by_label("Text (English)").fill("Dear {{ customer_name }}, handover moves to 31 March.")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_test_id("send-announcement")).to_contain_text("Tell 2 buyers now")
    # The click posts and redirects: reload only once the announcement's page has loaded.
    with page.expect_navigation():
        page.get_by_test_id("send-announcement").click()
    page.reload()
    expect(page.get_by_test_id("unreached-rows")).to_contain_text("Wang Fang")
    page.screenshot(path=artifacts / "outreach-announcement.png", full_page=True)
    assert Message.objects.filter(send__announcement__isnull=False).count() == 2

    # The rep opens a buyer's file: the announcement is on the timeline with its delivery status.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "rep.outreach", PASSWORD)
    page.goto(f"{live_server.url}{office['buyers']['Chen Jing'].get_absolute_url()}")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Announcement · New handover date for Harbour View")
    expect(timeline).to_contain_text("Sent")
    page.screenshot(path=artifacts / "outreach-buyer-timeline-phone.png", full_page=True)
    assert console_errors == []
