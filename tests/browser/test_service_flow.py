"""An agent's day: a complaint taken from a phone call, the SLA clock running, the manager seeing the escalation
on his day, the agent resolving it, the callback scheduled and answered, and the buyer's status page."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm_site.seeding import DEMO_PASSWORD
from sales.models import Deal
from service.demo import DEMO_ID_NUMBER
from service.models import Callback, Ticket
from service.services.sla import escalate_breached
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"service-{name}.png"), full_page=True)


def test_complaint_to_callback_and_status_page(page, live_server, demo, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    contract = (
        Deal.objects.filter(stage=Deal.Stage.CONTRACT, project__staff__user__username="service.zhou")
        .exclude(state=Deal.State.CANCELLED)
        .select_related("customer")
        .order_by("id")
        .first()
    )
    buyer = contract.customer

    # The agent takes the call: the caller's phone finds the buyer.
    log_in(page, live_server, "service.zhou", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/service/tickets/new/")
    page.fill("input[name=phone]", buyer.phone)
    page.select_option("select[name=kind]", "complaint")
    page.select_option("select[name=priority]", "urgent")
    page.fill("input[name=subject]", "Lift broken for a week")
    page.fill("textarea[name=description]", "Called in angry: the lift of the building has been broken since Monday.")
    page.get_by_role("button", name="Open ticket").click()
    expect(page).to_have_url(re.compile(r"/service/tickets/\d+/$"))
    expect(page.locator("[data-testid=status]")).to_have_text("Assigned")
    expect(page.locator("[data-testid=ticket-status] [data-clock]")).to_be_visible()  # the clock runs
    ticket = Ticket.objects.get(subject="Lift broken for a week")
    assert ticket.customer == buyer and ticket.channel == "phone" and ticket.resolution_due_at is not None
    shot(page, "ticket")
    page.goto(f"{live_server.url}/service/tickets/")
    expect(page.locator(f"[data-ticket='{ticket.pk}']")).to_be_visible()
    shot(page, "queue")

    # A month later the beat job finds it breached and escalates it, once.
    assert escalate_breached(now=timezone.now() + datetime.timedelta(days=30)) >= 1
    assert escalate_breached(now=timezone.now() + datetime.timedelta(days=30)) == 0

    page.context.clear_cookies()
    log_in(page, live_server, "service.manager", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/my-day/")
    expect(page.locator("main")).to_contain_text(f"#{ticket.pk}")
    expect(page.locator("main")).to_contain_text("escalated")
    shot(page, "manager-my-day")

    # The agent resolves it; a callback is scheduled and answered.
    page.context.clear_cookies()
    log_in(page, live_server, "service.zhou", DEMO_PASSWORD)
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    page.locator("[data-move=resolved]").click()
    expect(page.locator("[data-testid=status]")).to_have_text("Resolved")
    callback = Callback.objects.get(ticket=ticket)
    page.goto(f"{live_server.url}/service/callbacks/{callback.pk}/")
    page.fill("textarea[name=conversation]", "The lift works again; thanked us.")
    page.select_option("select[name=score]", "5")
    page.select_option("select[name=outcome]", "satisfied")
    page.get_by_role("button", name="Record the call").click()
    expect(page.locator("[data-testid=done]")).to_be_visible()
    callback.refresh_from_db()
    assert callback.score == 5 and callback.follow_up_id is None

    # The buyer checks the certificate on the public status page.
    page.context.clear_cookies()
    first = Deal.objects.filter(customer__id_number=DEMO_ID_NUMBER).first()
    page.goto(f"{live_server.url}/my-home/")
    page.fill("input[name=contract_no]", first.contract_no)
    page.fill("input[name=id_tail]", "000000")
    page.get_by_role("button", name="Show my status").click()
    expect(page.locator("[data-testid=not-found]")).to_be_visible()
    page.fill("input[name=contract_no]", first.contract_no)
    page.fill("input[name=id_tail]", DEMO_ID_NUMBER[-6:])
    page.get_by_role("button", name="Show my status").click()
    expect(page.locator("[data-testid=stage]")).to_be_visible()
    stage = first.certificate_case.stage
    expect(page.locator("[data-testid=stage]")).to_have_text(stage.name_en)
    shot(page, "status-page")
    assert console_errors == []
