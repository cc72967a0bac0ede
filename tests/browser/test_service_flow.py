"""An agent's day: a complaint taken from a phone call, the SLA clock running, the manager seeing the escalation
on his day, the agent resolving it, the callback scheduled and answered, and the buyer's status page."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from crm_site.seeding import DEMO_PASSWORD
from sales.models import Deal, Project
from service.demo import DEMO_ID_NUMBER, seed_service_demo
from service.models import Callback, Ticket
from service.services.sla import escalate_breached, sla_refresh
from tests.browser.conftest import log_in
from tests.service.conftest import make_contract

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "artifacts"  # tests never write into the repository


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"service-{name}.png"), full_page=True)


def test_complaint_to_callback_and_status_page(page, live_server, demo, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    # The 12-customer demo has no contracts yet: sign one in the agent's project, then let the service demo
    # seed its certificate case, callbacks and tickets around it (it is idempotent).
    rep = get_user_model().objects.select_related("staff").get(username="rep.liu")
    project = Project.objects.get(code="emerald-lake")
    contract = make_contract(
        owner=rep,
        project=project,
        building=project.buildings.first(),
        contract_no="DEMO-SVC-0001",
        delivered_on=datetime.date(2025, 6, 1),
    )
    seed_service_demo(stdout=io.StringIO())
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
    past = timezone.now() - datetime.timedelta(days=30)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=past)
    ticket.events.update(at=past)
    sla_refresh(ticket=Ticket.objects.get(pk=ticket.pk))
    assert escalate_breached() >= 1
    assert escalate_breached() == 0
    assert Ticket.objects.get(pk=ticket.pk).escalated_at is not None

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
