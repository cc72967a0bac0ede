"""A sale on a phone: a rep reserves a unit from the sales-control grid, converts it to a contract, records a
promise and a payment, and the grid, the customer timeline and "my day" reflect it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm_site.roles import sync_roles
from sales.models import Deal, Installment, Opportunity, Payment, Promise, Unit
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CustomerFactory, ProjectFactory, UserFactory
from tests.sales.factories import BuildingFactory, OpportunityFactory, UnitFactory

pytestmark = pytest.mark.browser

CUSTOMER = "Zhao Minghui"
CONTRACT_NO = "HV-2024-0815"
PAYMENT = Decimal("500000.00")
PROMISE = "Parking space B2-017 at cost price"
SLID_IN = "#unit-panel.show:not(.showing)"  # Bootstrap's offcanvas once its slide-in transition is over


def amount(value) -> str:
    """A pattern for an amount of money as pages show it (crm_site.formatting.money), the currency symbol optional
    (messages show the bare amount): ¥1,500,000.00, 1,500,000.00, 1500000.00."""
    return "¥?" + f"{Decimal(value):,.2f}".replace(".", r"\.").replace(",", ",?")


@pytest.fixture
def sales_floor(transactional_db):
    """A rep on a project with one building of six units, and their customer intending to buy there."""
    sync_roles(grant_missing=True)  # the flush between transactional tests may leave the groups bare
    project = ProjectFactory(code="harbour-view", name="Harbour View")
    rep = UserFactory(username="rep.sales", first_name="Lin", last_name="Qiao", role="sales_rep")
    rep.staff.projects.add(project)
    building = BuildingFactory(project=project, name="T1", floors=3)
    units = {
        number: UnitFactory(building=building, floor=int(number[0]), number=number)
        for number in ("101", "102", "201", "202", "301", "302")
    }
    Unit.objects.filter(pk=units["302"].pk).update(status=Unit.Status.RESERVED)  # a colleague's sale, for contrast
    customer = CustomerFactory(name=CUSTOMER, owner=rep)
    opportunity = OpportunityFactory(customer=customer, project=project, stage=Opportunity.Stage.INTENDING)
    return {"rep": rep, "building": building, "unit": units["201"], "customer": customer, "opportunity": opportunity}


def test_rep_sells_a_unit_from_the_grid_on_a_phone(page, live_server, sales_floor, artifacts, console_errors):
    unit, customer, opportunity = sales_floor["unit"], sales_floor["customer"], sales_floor["opportunity"]
    grid_url = f"{live_server.url}/sales/buildings/{sales_floor['building'].pk}/"
    today = timezone.localdate()
    promise_due = today + datetime.timedelta(days=3)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "rep.sales", PASSWORD)
    expect(page.locator("h1")).to_contain_text("Good day")

    # The sales-control grid: the unit is available; its cell opens the unit panel through htmx.
    page.goto(grid_url)
    grid = page.locator("[data-testid=grid]")
    cell = grid.locator(f"td:has(a[href$='/sales/units/{unit.pk}/'])")
    expect(cell).to_have_class(re.compile(r"\bst-available\b"))
    cell.locator("a").click()
    panel = page.locator("#unit-panel")
    expect(page.locator(SLID_IN)).to_be_visible()
    expect(panel.locator("[data-testid=unit-status]")).to_have_text("Available")
    expect(panel.locator("[data-testid=unit-price]")).to_have_text("¥2,000,000.00")
    page.screenshot(path=artifacts / "sales-flow-1-unit-panel.png", full_page=True)
    panel.get_by_role("link", name="Reserve").click()

    # Reserve it for the customer's open opportunity with a deposit.
    expect(page).to_have_url(re.compile(rf"/sales/deals/reserve/\?unit={unit.pk}$"))
    expect(page.locator("h1")).to_have_text("Reserve a unit")
    expect(page.locator("input[name=unit][type=hidden]")).to_have_value(str(unit.pk))  # from the grid: fixed
    expect(page.locator("[data-testid=unit-picker]")).to_have_count(0)
    page.get_by_label("Opportunity").select_option(str(opportunity.pk))
    page.get_by_label("Deposit").fill("50000")
    page.get_by_role("button", name="Reserve the unit").click()

    # The deal page: reservation → subscription at the list price → contract.
    expect(page).to_have_url(re.compile(r"/sales/deals/\d+/$"))
    deal = Deal.objects.get(unit=unit)
    deal_url = page.url
    expect(page.locator("[data-testid=deal-stage]")).to_have_text("Reservation")
    subscribe = page.locator("[data-testid=subscribe-form]")
    expect(subscribe.get_by_label("Price")).to_have_value("2000000.00")  # the list price: no discount
    subscribe.get_by_label("Payment method").select_option("full")
    subscribe.get_by_role("button", name="Subscribe").click()
    expect(page.locator("[data-testid=deal-stage]")).to_have_text("Subscription")
    expect(page.locator("[data-testid=discount]")).to_have_text("¥0.00 (0.00%)")

    contract = page.locator("[data-testid=contract-form]")
    expect(contract.get_by_label("Price")).to_have_value("2000000.00")
    expect(contract.get_by_label("Payment method")).to_have_value("full")
    contract.get_by_label("Contract signed").fill(today.isoformat())
    contract.get_by_label("Contract number").fill(CONTRACT_NO)
    contract.get_by_role("button", name="Record the contract").click()
    expect(page.locator("[data-testid=deal-stage]")).to_have_text("Contract")
    expect(page.locator("[data-testid=deal-facts]")).to_contain_text(CONTRACT_NO)
    expect(page.locator("[data-testid=deal-approval]")).to_have_count(0)

    # The payment schedule: full payment, due today; then part of it comes in.
    money = page.locator("[data-testid=money-section]")
    schedule = money.locator("[data-testid=schedule-form]")
    expect(schedule.get_by_label("Payment plan")).to_have_value("full")
    schedule.get_by_label("First payment due").fill(today.isoformat())
    schedule.get_by_role("button", name="Create schedule").click()
    expect(page.locator("#messages")).to_contain_text("Payment schedule created: 1 lines.")
    lines = money.locator("[data-testid=schedule-line]")
    expect(lines).to_have_count(1)
    expect(lines.first).to_contain_text(re.compile(amount(2000000)))
    lines.first.get_by_text("Record payment").click()
    payment_form = lines.first.locator("[data-testid=payment-form]")
    payment_form.get_by_label("Amount").fill(str(PAYMENT))
    payment_form.get_by_label("Method").select_option("transfer")
    payment_form.get_by_placeholder("Reference").fill("ICBC 7781")
    payment_form.get_by_role("button", name="Record").click()
    expect(page).to_have_url(re.compile(r"/sales/deals/\d+/#money$"))
    expect(page.locator("#messages")).to_contain_text(re.compile(f"Payment of {amount(PAYMENT)} recorded."))
    expect(money.locator("[data-testid=payment-line]")).to_contain_text("ICBC 7781")
    expect(money.locator("[data-testid=schedule-outstanding]")).to_have_text(re.compile(f"^{amount(1500000)}$"))

    # A promise on the contract: a parking space, due in three days.
    page.locator("[data-testid=deal-promises]").get_by_role("link", name="Add a promise").click()
    expect(page).to_have_url(re.compile(rf"/sales/promises/new/\?customer={customer.pk}&deal={deal.pk}$"))
    form = page.locator("[data-testid=promise-form]")
    form.get_by_label("Topic").select_option("parking")
    form.get_by_label("Due by").fill(promise_due.isoformat())
    form.get_by_label("What was promised").fill(PROMISE)
    expect(form.get_by_label("Contract", exact=True)).to_have_value(str(deal.pk))  # preset by the deal's link
    form.get_by_role("button", name="Record promise").click()
    expect(page.locator("[data-testid=promise-done]")).to_contain_text(f"Parking space · {promise_due:%Y-%m-%d}")

    page.goto(deal_url)
    expect(page.locator("[data-testid=deal-promises]")).to_contain_text(PROMISE)
    page.screenshot(path=artifacts / "sales-flow-2-deal.png", full_page=True)

    # What was written: one contracted deal, its payment and its promise.
    deal.refresh_from_db()
    assert (deal.stage, deal.state, deal.price, deal.contract_no) == ("contract", "live", deal.list_price, CONTRACT_NO)
    assert Unit.objects.get(pk=unit.pk).status == Unit.Status.CONTRACTED
    assert Opportunity.objects.get(pk=opportunity.pk).stage == Opportunity.Stage.CONTRACT
    line = Installment.objects.get(deal=deal)
    assert (line.kind, line.amount, line.received) == ("full", deal.price, PAYMENT)
    assert Payment.objects.get(installment=line).reference == "ICBC 7781"
    promise = Promise.objects.get(customer=customer)
    assert (promise.deal_id, promise.topic, promise.due_on) == (deal.pk, "parking", promise_due)

    # The grid shows the unit contracted; its panel names the deal.
    page.goto(grid_url)
    expect(cell).to_have_class(re.compile(r"\bst-contracted\b"))
    expect(cell.locator("a")).to_have_attribute("title", re.compile(r"^Contracted · "))
    expect(grid.locator("[data-testid=legend] a.st-contracted")).to_contain_text("Contracted 1")
    expect(grid.locator("[data-testid=legend] a.st-available")).to_contain_text("Available 4")
    page.screenshot(path=artifacts / "sales-flow-3-grid.png", full_page=True)
    cell.locator("a").click()
    expect(page.locator(SLID_IN)).to_be_visible()
    expect(panel.locator("[data-testid=unit-status]")).to_have_text("Contracted")
    expect(panel.locator("[data-testid=unit-deal]")).to_contain_text(f"Contract · {CUSTOMER}")
    expect(panel.get_by_role("link", name="Reserve")).to_have_count(0)
    page.screenshot(path=artifacts / "sales-flow-4-grid-panel.png", full_page=True)

    # The customer's timeline: the deal's stages up to the contract, the promise, the payment.
    page.goto(deal_url)
    page.get_by_role("link", name="Customer file").click()
    expect(page.locator("h1")).to_contain_text(CUSTOMER)
    timeline = page.locator("[data-testid=timeline]")
    # Every stage is a dated stage change, the deal stages naming the unit: the newest one is the stage now.
    stages = timeline.locator("li").filter(has_text="Harbour View: ")
    expect(stages.first).to_contain_text("Harbour View: Contract")
    expect(stages.first).to_contain_text(f"{unit} · {CONTRACT_NO}")
    expect(timeline).to_contain_text("Harbour View: Subscription")
    expect(timeline).to_contain_text("Harbour View: Reservation")
    expect(timeline).to_contain_text("Harbour View: Intending")
    expect(timeline).to_contain_text("Promise: Parking space")
    expect(timeline).to_contain_text(PROMISE)
    expect(timeline).to_contain_text(re.compile(f"Payment of {amount(PAYMENT)} received"))
    page.screenshot(path=artifacts / "sales-flow-5-timeline.png", full_page=True)

    # My day: the promise due in three days and the rest of the payment due today.
    page.locator(".navbar-toggler").click()
    page.locator("#nav-main").get_by_role("link", name=re.compile("My day")).click()
    promises = page.locator("[data-panel=promises]")
    expect(promises).to_contain_text(f"{CUSTOMER}: {PROMISE}")
    expect(promises).to_contain_text(f"Parking space · due {promise_due:%Y-%m-%d}")
    payments = page.locator("[data-panel=payments_due]")
    expect(payments).to_contain_text(f"{CUSTOMER} · Full payment")
    expect(payments).to_contain_text(re.compile(f"{amount(1500000)} due {today:%Y-%m-%d}"))
    page.screenshot(path=artifacts / "sales-flow-6-my-day.png", full_page=True)
    assert console_errors == []


def test_rep_reserves_from_the_customer_page_with_the_unit_picker_on_a_phone(
    page, live_server, sales_floor, artifacts, console_errors
):
    """No unit id to type: the picker lists the project's available units, a search narrows them (htmx)."""
    customer, opportunity = sales_floor["customer"], sales_floor["opportunity"]
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "rep.sales", PASSWORD)
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.locator("#customer-sales").get_by_role("link", name="Reserve a unit").click()
    expect(page.locator("h1")).to_have_text("Reserve a unit")
    expect(page.get_by_label("Opportunity")).to_have_value(str(opportunity.pk))  # the customer's only one
    picker = page.locator("[data-testid=unit-picker]")
    choices = picker.locator("input[type=radio][name=unit]")
    expect(choices).to_have_count(5)  # six units, one reserved by a colleague
    picker.get_by_role("searchbox").fill("202")
    expect(choices).to_have_count(1)
    picker.locator("label[data-unit]").first.click()
    page.get_by_label("Deposit").fill("20000")
    page.screenshot(path=artifacts / "unit-picker-phone.png", full_page=True)
    page.get_by_role("button", name="Reserve the unit").click()
    expect(page).to_have_url(re.compile(r"/sales/deals/\d+/$"))
    assert Deal.objects.get(opportunity=opportunity).unit.number == "202"
    assert console_errors == []
