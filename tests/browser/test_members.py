"""The member desk on a phone: look up a card, check the member in to an event at the door, redeem a benefit;
the balance and the customer's timeline show both."""

import re

import pytest
from playwright.sync_api import expect

from crm_site.seeding import DEMO_PASSWORD
from members.models import Benefit, ClubEvent, Member
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def balance(page) -> int:
    return int(page.locator("[data-testid=member-balance]").inner_text().replace(",", ""))


def test_the_desk_looks_up_a_card_checks_in_and_redeems_on_a_phone(page, live_server, demo, artifacts, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    member = Member.objects.filter(channel="desk").select_related("customer").order_by("id").first()
    event = ClubEvent.objects.get()
    cafe = Benefit.objects.get(kind="merchant")
    log_in(page, live_server, "desk.he", DEMO_PASSWORD)

    # The lookup box: the card number opens the member page in one step.
    page.goto(f"{live_server.url}/members/")
    page.fill("#id_q", member.card_no)
    page.get_by_role("button", name="Find").click()
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/$"))
    expect(page.locator("[data-testid=card-no]")).to_have_text(member.card_no)
    start = balance(page)
    page.screenshot(path=str(artifacts / "members-page-390.png"), full_page=True)

    # At the door of the event: the card checks the member in (attendance points).
    page.goto(f"{live_server.url}{event.get_absolute_url()}")
    page.fill("#check-in-q", member.card_no)
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".alert")).to_contain_text("checked in")
    expect(page.locator("[data-testid=event-registrations]")).to_contain_text(member.number)

    # Back at the member page: the points are there; redeem the café discount.
    page.goto(f"{live_server.url}{member.get_absolute_url()}")
    assert balance(page) == start + 100
    expect(page.locator("[data-testid=events-attended]")).to_contain_text(event.title)
    page.select_option("[data-testid=redeem] select[name=benefit]", str(cafe.pk))
    page.locator("[data-testid=redeem]").get_by_role("button", name="Redeem").click()
    expect(page.locator(".alert")).to_contain_text("Redeemed")
    assert balance(page) == start + 100 - cafe.points_price
    expect(page.locator("[data-testid=ledger]")).to_contain_text("Redeemed")
    page.screenshot(path=str(artifacts / "members-redeemed-390.png"), full_page=True)

    # The customer's timeline shows the attendance and the redemption.
    page.goto(f"{live_server.url}{member.customer.get_absolute_url()}")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(f"Attended {event.title}")
    expect(timeline).to_contain_text("Redeemed")
    assert console_errors == []
