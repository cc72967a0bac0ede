"""A walk-in on a phone: a rep registers the visitor, logs the visit with the quick form (no page reload), and
finds the promised next step on their day."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm_site.seeding import DEMO_PASSWORD
from customers.models import Customer, Interaction
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

NAME = "Wen Jiahui"
SUMMARY = "Walked in after the weekend open day; liked the south-facing three-bedroom"
NEXT_STEP = "Bring floor plans"


def test_rep_registers_a_walk_in_and_logs_the_visit_on_a_phone(page, live_server, demo, artifacts, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "rep.liu", DEMO_PASSWORD)
    expect(page.locator("h1")).to_contain_text("Good day")

    # Register the walk-in from my day.
    page.locator("main").get_by_role("link", name="New customer").click()
    expect(page).to_have_url(re.compile(r"/customers/new/$"))
    page.fill("input[name=name]", NAME)
    page.fill("input[name=phone]", "139 8888 7777")
    page.select_option("select[name=source]", "walk_in")
    page.get_by_role("button", name="Save customer").click()

    # The 360 page of the new file, with the phone normalised and shown to its owner.
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    expect(page.locator("h1")).to_contain_text(NAME)
    expect(page.locator("[data-testid=phone]")).to_have_text("13988887777")
    customer = Customer.objects.get(phone="13988887777")
    assert (customer.name, customer.source, customer.owner.username) == (NAME, "walk_in", "rep.liu")
    detail_url = page.url

    # Log the face-to-face visit with the quick form: htmx swaps fragments, the page does not reload.
    form = page.locator("#interaction-form")
    form.locator("select[name=channel]").select_option("visit")
    form.locator("textarea[name=summary]").fill(SUMMARY)
    form.locator("input[name=next_step]").fill(NEXT_STEP)
    # The date picker (flatpickr) shows a localized date and keeps the ISO value in the hidden field it replaced.
    picker = form.locator("input[data-date-picker=next_due]")
    picker.fill(timezone.localdate().isoformat())
    picker.press("Tab")
    expect(form.locator("input[name=next_due]")).to_have_value(timezone.localdate().isoformat())
    page.evaluate("window.__marker = 1")
    form.get_by_role("button", name="Save contact").click()

    expect(page.locator("#timeline")).to_contain_text(SUMMARY)
    expect(page.locator("#timeline")).to_contain_text("Face-to-face visit")
    expect(page.locator("#followups")).to_contain_text(NEXT_STEP)
    expect(page.locator("#interaction-form")).to_contain_text("Contact logged.")
    expect(page.locator("#interaction-form textarea[name=summary]")).to_have_value("")
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping fragments"
    assert page.url == detail_url
    visit = Interaction.objects.get(customer=customer)
    assert (visit.channel, visit.next_step, visit.next_due) == ("visit", NEXT_STEP, timezone.localdate())

    # My day lists the promised next step.
    page.locator(".navbar-toggler").click()
    page.locator("#nav-main").get_by_role("link", name=re.compile("My day")).click()
    followups = page.locator("[data-panel=followups]")
    expect(followups).to_contain_text(NAME)
    expect(followups).to_contain_text(NEXT_STEP)
    page.screenshot(path=artifacts / "walk-in-phone.png", full_page=True)
    assert console_errors == []
