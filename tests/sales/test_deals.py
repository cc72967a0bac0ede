"""Deals on units: reserve → subscribe → contract → deliver, cancel, discount approval, expiry, pages and panels."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_site import myday
from customers.models import Customer
from customers.selectors import timeline
from sales.models import Deal, Opportunity, SalesSettings, Unit
from sales.services import deals as services
from sales.tasks import reservation_expire_task
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, OpportunityFactory, UnitFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
Stage = Opportunity.Stage
TODAY = datetime.date(2026, 3, 1)


@pytest.fixture
def cast(org):
    return {key: User.objects.get(pk=value.pk) if isinstance(value, User) else value for key, value in org.items()}


def opportunity_of(user, project, **kwargs):
    customer = CustomerFactory(owner=user, team=user.staff.team)
    return OpportunityFactory(customer=customer, owner=user, project=project, stage=Stage.INTENDING, **kwargs)


def unit_in(project, **kwargs):
    return UnitFactory(building__project=project, **kwargs)


def reserve(user, project, unit=None, **kwargs):
    opportunity = opportunity_of(user, project)
    unit = unit or unit_in(project)
    return services.deal_reserve(opportunity=opportunity, unit=unit, deposit=Decimal("50000"), by=user, **kwargs)


def status(unit) -> str:
    return Unit.objects.values_list("status", flat=True).get(pk=unit.pk)


# --- the life cycle ---------------------------------------------------------------------------------------------


def test_reserving_holds_the_unit_and_moves_the_opportunity(cast, project_a):
    rep = cast["rep"]
    deal = reserve(rep, project_a)
    assert (deal.stage, deal.state, deal.owner, deal.list_price) == ("reservation", "live", rep, deal.unit.list_price)
    assert status(deal.unit) == Unit.Status.RESERVED
    assert deal.expires_at - deal.reserved_at == datetime.timedelta(days=SalesSettings.current().reservation_days)
    opportunity = Opportunity.objects.get(pk=deal.opportunity_id)
    assert (opportunity.stage, opportunity.unit_id) == (Stage.RESERVATION, deal.unit_id)
    assert opportunity.stage_changes.last().from_stage == Stage.INTENDING


def test_full_life_cycle_moves_unit_status_and_opportunity_stage_together(cast, project_a):
    rep = cast["rep"]
    deal = reserve(rep, project_a)
    deal = services.deal_subscribe(
        deal=deal, price=Decimal("1960000"), payment_method="mortgage", subscribed_on=TODAY, by=rep
    )
    assert (deal.stage, status(deal.unit), deal.approval) == ("subscription", "subscribed", "not_needed")
    deal = services.deal_contract(
        deal=deal, price=Decimal("1960000"), payment_method="mortgage", signed_on=TODAY, contract_no="C-1", by=rep
    )
    assert (deal.stage, status(deal.unit)) == ("contract", "contracted")
    deal = services.deal_deliver(deal=deal, delivered_on=TODAY, by=rep)
    assert (deal.state, status(deal.unit)) == ("delivered", "delivered")
    opportunity = Opportunity.objects.get(pk=deal.opportunity_id)
    assert opportunity.stage == Stage.WON and opportunity.closed_at is not None
    stages = list(opportunity.stage_changes.values_list("to_stage", flat=True))
    assert stages == ["intending", "reservation", "subscription", "contract", "won"]


def test_the_customer_becomes_intending_then_buyer_then_owner_and_never_moves_back(cast, project_a):
    rep = cast["rep"]
    deal = reserve(rep, project_a)

    def customer_status():
        return Customer.objects.values_list("status", flat=True).get(pk=deal.customer_id)

    assert customer_status() == Customer.Status.INTENDING
    deal = services.deal_subscribe(deal=deal, price=deal.list_price, payment_method="full", subscribed_on=TODAY, by=rep)
    assert customer_status() == Customer.Status.INTENDING
    deal = services.deal_contract(
        deal=deal, price=deal.list_price, payment_method="full", signed_on=TODAY, contract_no="C-9", by=rep
    )
    assert customer_status() == Customer.Status.BUYER
    services.deal_deliver(deal=deal, delivered_on=TODAY, by=rep)
    assert customer_status() == Customer.Status.OWNER
    # A second purchase by an owner leaves them an owner.
    second = services.deal_reserve(
        opportunity=OpportunityFactory(customer=deal.customer, owner=rep, project=project_a, stage=Stage.INTENDING),
        unit=unit_in(project_a),
        deposit=Decimal("1000"),
        by=rep,
    )
    services.deal_subscribe(deal=second, price=second.list_price, payment_method="full", subscribed_on=TODAY, by=rep)
    assert customer_status() == Customer.Status.OWNER


def test_a_unit_held_by_another_deal_or_another_rep_cannot_be_reserved(cast, project_a):
    unit = unit_in(project_a)
    reserve(cast["rep"], project_a, unit=unit)
    with pytest.raises(ValidationError, match="just taken"):
        reserve(cast["other_rep_same_team"], project_a, unit=unit)
    held = unit_in(project_a, status=Unit.Status.HELD, held_by=cast["other_rep_same_team"])
    with pytest.raises(ValidationError, match="not available"):
        reserve(cast["rep"], project_a, unit=held)
    assert reserve(cast["other_rep_same_team"], project_a, unit=held).unit == held


def test_reserve_rules_project_deposit_expiry_and_one_unit_per_opportunity(cast, project_a, project_b):
    rep = cast["rep"]
    opportunity = opportunity_of(rep, project_a)
    with pytest.raises(ValidationError):
        services.deal_reserve(opportunity=opportunity, unit=unit_in(project_b), deposit=Decimal("1"), by=rep)
    with pytest.raises(ValidationError):
        services.deal_reserve(opportunity=opportunity, unit=unit_in(project_a), deposit=Decimal("-1"), by=rep)
    past = timezone.now() - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError):
        services.deal_reserve(
            opportunity=opportunity, unit=unit_in(project_a), deposit=Decimal("1"), by=rep, expires_at=past
        )
    services.deal_reserve(opportunity=opportunity, unit=unit_in(project_a), deposit=Decimal("1"), by=rep)
    with pytest.raises(ValidationError):
        services.deal_reserve(opportunity=opportunity, unit=unit_in(project_a), deposit=Decimal("1"), by=rep)
    assert Deal.objects.count() == 1


def test_cancelling_releases_the_unit_and_moves_the_opportunity_back_to_intending(cast, project_a):
    rep = cast["rep"]
    deal = reserve(rep, project_a)
    services.deal_subscribe(deal=deal, price=Decimal("1990000"), payment_method="full", subscribed_on=TODAY, by=rep)
    with pytest.raises(ValidationError):
        services.deal_cancel(deal=deal, reason="  ", by=rep)
    deal = services.deal_cancel(deal=deal, reason="financing fell through", by=rep)
    assert (deal.state, deal.cancel_reason, deal.cancelled_by) == ("cancelled", "financing fell through", rep)
    assert deal.cancelled_at is not None
    assert status(deal.unit) == Unit.Status.AVAILABLE
    opportunity = Opportunity.objects.get(pk=deal.opportunity_id)
    assert (opportunity.stage, opportunity.unit) == (Stage.INTENDING, None)
    assert opportunity.stage_changes.last().note == "financing fell through"
    with pytest.raises(ValidationError):
        services.deal_subscribe(deal=deal, price=Decimal("1"), payment_method="full", subscribed_on=TODAY, by=rep)
    assert reserve(cast["other_rep"], project_a, unit=deal.unit).state == "live"


def test_steps_out_of_order_are_refused(cast, project_a):
    rep = cast["rep"]
    deal = reserve(rep, project_a)
    with pytest.raises(ValidationError):
        services.deal_contract(
            deal=deal, price=Decimal("1"), payment_method="full", signed_on=TODAY, contract_no="X", by=rep
        )
    with pytest.raises(ValidationError):
        services.deal_deliver(deal=deal, delivered_on=TODAY, by=rep)
    with pytest.raises(ValidationError):
        services.deal_subscribe(deal=deal, price=Decimal("0"), payment_method="full", subscribed_on=TODAY, by=rep)


def test_contract_numbers_are_unique(cast, project_a):
    rep = cast["rep"]
    deals = []
    for _ in range(2):
        deal = reserve(rep, project_a)
        deals.append(
            services.deal_subscribe(
                deal=deal, price=deal.list_price, payment_method="full", subscribed_on=TODAY, by=rep
            )
        )
    services.deal_contract(
        deal=deals[0], price=deals[0].list_price, payment_method="full", signed_on=TODAY, contract_no="C-9", by=rep
    )
    with pytest.raises(ValidationError, match="contract number"):
        services.deal_contract(
            deal=deals[1], price=deals[1].list_price, payment_method="full", signed_on=TODAY, contract_no="C-9", by=rep
        )


# --- discount approval ----------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    list_price=st.decimals(min_value=Decimal("1.00"), max_value=Decimal("99999999.99"), places=2),
    limit=st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
)
def test_a_discount_exactly_at_the_limit_needs_no_approval_and_one_cent_more_does(list_price, limit):
    at_limit = list_price - list_price * limit / 100
    assert not services.needs_approval(list_price=list_price, price=at_limit, limit_pct=limit)
    if at_limit == at_limit.quantize(Decimal("0.01")) and at_limit >= Decimal("0.01"):
        assert services.needs_approval(list_price=list_price, price=at_limit - Decimal("0.01"), limit_pct=limit)
    assert not services.needs_approval(list_price=list_price, price=list_price, limit_pct=limit)


@pytest.mark.parametrize(("price", "pending"), [("1940000.00", False), ("1939999.99", True)])
def test_subscription_above_the_limit_waits_for_approval(cast, project_a, price, pending):
    rep = cast["rep"]  # list price 2,000,000, default limit 3% → 1,940,000 is exactly at the limit
    deal = reserve(rep, project_a)
    deal = services.deal_subscribe(
        deal=deal, price=Decimal(price), payment_method="mortgage", subscribed_on=TODAY, by=rep
    )
    assert (deal.approval == "pending") is pending
    assert deal.stage == ("reservation" if pending else "subscription")
    assert status(deal.unit) == ("reserved" if pending else "subscribed")


def test_a_manager_approves_and_the_waiting_step_happens(cast, project_a):
    rep, lead = cast["rep"], cast["team_lead"]
    deal = reserve(rep, project_a)
    deal = services.deal_subscribe(
        deal=deal, price=Decimal("1800000"), payment_method="full", subscribed_on=TODAY, by=rep
    )
    with pytest.raises(PermissionDenied):
        services.deal_approve(deal=deal, approve=True, by=cast["other_rep_same_team"])
    deal = services.deal_approve(deal=deal, approve=True, by=lead, note="key account")
    assert (deal.approval, deal.approved_by, deal.stage) == ("approved", lead, "subscription")
    assert status(deal.unit) == "subscribed"
    assert Opportunity.objects.get(pk=deal.opportunity_id).stage == Stage.SUBSCRIPTION
    # The approved price carries to the contract without a new approval.
    deal = services.deal_contract(
        deal=deal, price=Decimal("1800000"), payment_method="full", signed_on=TODAY, contract_no="C-2", by=rep
    )
    assert (deal.stage, deal.approval) == ("contract", "approved")


def test_a_rejected_discount_needs_a_new_price(cast, project_a):
    rep, lead = cast["rep"], cast["team_lead"]
    deal = reserve(rep, project_a)
    services.deal_subscribe(deal=deal, price=Decimal("1700000"), payment_method="full", subscribed_on=TODAY, by=rep)
    deal = services.deal_approve(deal=deal, approve=False, by=lead)
    assert (deal.approval, deal.stage) == ("rejected", "reservation")
    with pytest.raises(ValidationError, match="rejected"):
        services.deal_subscribe(deal=deal, price=Decimal("1700000"), payment_method="full", subscribed_on=TODAY, by=rep)
    deal = services.deal_subscribe(
        deal=deal, price=Decimal("1950000"), payment_method="full", subscribed_on=TODAY, by=rep
    )
    assert (deal.approval, deal.stage) == ("not_needed", "subscription")


def test_a_pending_contract_cannot_be_delivered_and_no_one_approves_their_own(cast, project_a):
    lead = cast["team_lead"]
    deal = reserve(lead, project_a)
    deal = services.deal_subscribe(
        deal=deal, price=deal.list_price, payment_method="full", subscribed_on=TODAY, by=lead
    )
    deal = services.deal_contract(
        deal=deal, price=Decimal("1000000"), payment_method="full", signed_on=TODAY, contract_no="C-3", by=lead
    )
    assert (deal.stage, deal.approval) == ("subscription", "pending")
    with pytest.raises(ValidationError):
        services.deal_deliver(deal=deal, delivered_on=TODAY, by=lead)
    with pytest.raises(ValidationError, match="your own"):
        services.deal_approve(deal=deal, approve=True, by=lead)
    deal = services.deal_approve(deal=deal, approve=True, by=cast["director"])
    assert (deal.stage, status(deal.unit)) == ("contract", "contracted")


# --- expiry ------------------------------------------------------------------------------------------------------


def test_expired_reservations_are_cancelled_and_their_units_released(cast, project_a):
    rep = cast["rep"]
    expired = reserve(rep, project_a)
    current = reserve(rep, project_a)
    waiting = reserve(rep, project_a)
    services.deal_subscribe(deal=waiting, price=Decimal("1"), payment_method="full", subscribed_on=TODAY, by=rep)
    past = timezone.now() - datetime.timedelta(minutes=1)
    Deal.objects.filter(pk__in=[expired.pk, waiting.pk]).update(expires_at=past)

    assert services.reservations_expire(now=timezone.now()) == 1
    expired.refresh_from_db()
    assert (expired.state, expired.cancel_reason) == ("cancelled", "reservation expired")
    assert status(expired.unit) == "available"
    assert Deal.objects.get(pk=current.pk).state == "live"
    assert Deal.objects.get(pk=waiting.pk).state == "live"  # a manager is deciding on its discount
    assert services.reservations_expire(now=timezone.now()) == 0


def test_the_expiry_task_calls_the_service(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "reservations_expire", lambda **kwargs: calls.append(kwargs) or 3)
    assert reservation_expire_task() == 3 and calls == [{}]


# --- pages ---------------------------------------------------------------------------------------------------------


def test_a_rep_cannot_see_or_act_on_another_reps_deal(client, cast, project_a):
    deal = reserve(cast["other_rep"], project_a)
    client.force_login(cast["rep"])
    assert client.get(deal.get_absolute_url()).status_code == 404
    response = client.post(reverse("sales:deal-cancel", args=[deal.pk]), {"reason": "mine now"})
    assert response.status_code == 404
    assert Deal.objects.get(pk=deal.pk).state == "live"


def test_a_manager_sees_the_teams_deals_with_the_margin_and_a_rep_without(client, cast, project_a):
    deal = reserve(cast["rep"], project_a)
    client.force_login(cast["team_lead"])
    response = client.get(deal.get_absolute_url())
    assert response.status_code == 200 and 'data-testid="margin"' in response.content.decode()
    client.force_login(cast["rep"])
    response = client.get(deal.get_absolute_url())
    assert response.status_code == 200 and 'data-testid="margin"' not in response.content.decode()
    client.force_login(cast["south_lead"] if "south_lead" in cast else cast["other_rep"])
    assert client.get(deal.get_absolute_url()).status_code == 404


def test_the_deal_page_renders_registered_sections(client, cast, project_a, monkeypatch):
    from sales import sections as deal_sections

    monkeypatch.setattr(deal_sections.DEAL_SECTIONS, "sections", {})
    deal_sections.register("probe", "sales/_deal_table.html", lambda deal, user: {"deals": []}, order=1)
    deal = reserve(cast["rep"], project_a)
    client.force_login(cast["rep"])
    response = client.get(deal.get_absolute_url())
    assert [section["key"] for section in response.context["sections"]] == ["probe"]


def test_reserve_page_prefills_from_the_unit_and_reserves(client, cast, project_a):
    rep = cast["rep"]
    opportunity = opportunity_of(rep, project_a)
    unit = unit_in(project_a)
    client.force_login(rep)
    url = reverse("sales:deal-reserve")
    response = client.get(url, {"unit": unit.pk})
    assert response.status_code == 200 and response.context["form"].initial["unit"] == unit.pk
    response = client.post(
        f"{url}?unit={unit.pk}", {"opportunity": opportunity.pk, "unit": unit.pk, "deposit": "20000"}
    )
    deal = Deal.objects.get()
    assert response.status_code == 302 and response.url == deal.get_absolute_url()
    response = client.post(url, {"opportunity": opportunity_of(rep, project_a).pk, "unit": unit.pk, "deposit": "1"})
    assert response.status_code == 200 and Deal.objects.count() == 1  # the unit is no longer offered


def test_reserve_page_refuses_an_opportunity_outside_the_scope(client, cast, project_a):
    theirs = opportunity_of(cast["other_rep"], project_a)
    client.force_login(cast["rep"])
    assert client.get(reverse("sales:deal-reserve"), {"opportunity": theirs.pk}).status_code == 404


# --- the unit picker -------------------------------------------------------------------------------------------


def _picker_units(response) -> list[int]:
    html = response.content.decode()
    return [int(pk) for pk in re.findall(r'type="radio" name="unit" value="(\d+)"', html)]


@pytest.fixture
def tower(project_a):
    """A building of project A: 3-room units on floors 2-6 at 1.8m-2.6m, a 2-room one, a reserved one."""
    from tests.sales.factories import BuildingFactory

    building = BuildingFactory(project=project_a, name="2号楼")
    units = {
        floor: UnitFactory(
            building=building,
            number=f"{floor}03",
            floor=floor,
            rooms=3,
            building_area=Decimal("100") + floor,
            list_price=Decimal("1600000") + floor * Decimal("200000"),
        )
        for floor in range(2, 7)
    }
    units["small"] = UnitFactory(building=building, number="701", floor=7, rooms=2, building_area=Decimal("70"))
    units["taken"] = UnitFactory(building=building, number="801", floor=8, rooms=3, status=Unit.Status.RESERVED)
    return units


def test_reserving_from_a_customer_page_offers_a_unit_picker_not_an_id_box(client, cast, project_a, tower):
    rep = cast["rep"]
    opportunity = opportunity_of(rep, project_a)
    client.force_login(rep)
    response = client.get(reverse("sales:deal-reserve"), {"customer": opportunity.customer.pk})
    html = response.content.decode()
    assert response.context["form"].initial["opportunity"] == opportunity.pk  # the customer's only opportunity
    assert 'data-testid="unit-picker"' in html and 'name="unit_q"' in html
    assert not re.search(r'<input[^>]+name="unit"[^>]+type="text"|<select[^>]+name="unit"', html)
    available = {tower[floor].pk for floor in range(2, 7)} | {tower["small"].pk}
    assert set(_picker_units(response)) == available  # no intent recorded: every available unit, not the taken one


def test_the_picker_matches_the_customers_purchase_intent(client, cast, project_a, tower):
    from customers.services import intent_record

    rep = cast["rep"]
    opportunity = opportunity_of(rep, project_a)
    intent_record(
        customer=opportunity.customer,
        by=rep,
        rooms=3,
        area_min=103,
        area_max=110,
        floor_min=3,
        floor_max=5,
        budget_min=Decimal("200"),
        budget_max=Decimal("260"),
    )
    client.force_login(rep)
    url = reverse("sales:deal-reserve-units")
    response = client.get(url, {"opportunity": opportunity.pk}, headers={"HX-Request": "true"})
    # Floor 3 (2.2m, 103 m²) to 5 (2.6m, 105 m²); floor 2 is too low and too small, 6 above the floors asked.
    assert _picker_units(response) == [tower[3].pk, tower[4].pk, tower[5].pk]
    assert "<html" not in response.content.decode()
    off = client.get(url, {"opportunity": opportunity.pk, "match": ["0"]}, headers={"HX-Request": "true"})
    assert len(_picker_units(off)) == 6


def test_the_picker_searches_building_and_number_and_keeps_the_choice(client, cast, project_a, tower):
    rep = cast["rep"]
    opportunity = opportunity_of(rep, project_a)
    elsewhere = UnitFactory(building__project=project_a, building__name="9号楼", number="403")
    client.force_login(rep)
    url = reverse("sales:deal-reserve-units")
    hx = {"HX-Request": "true"}
    assert _picker_units(client.get(url, {"opportunity": opportunity.pk, "unit_q": "403"}, headers=hx)) == [
        tower[4].pk,
        elsewhere.pk,
    ]
    response = client.get(
        url, {"opportunity": opportunity.pk, "unit_q": "2号楼 403", "unit": str(tower[4].pk)}, headers=hx
    )
    assert _picker_units(response) == [tower[4].pk]
    assert f'value="{tower[4].pk}" checked' in response.content.decode()


def test_the_picker_lists_at_most_twenty_units_and_says_so(client, cast, project_a, django_assert_max_num_queries):
    from sales.selectors.inventory import PICKER_LIMIT

    rep = cast["rep"]
    opportunity = opportunity_of(rep, project_a)
    for _ in range(PICKER_LIMIT + 5):
        unit_in(project_a)
    client.force_login(rep)
    client.get(reverse("sales:deal-reserve-units"), {"opportunity": opportunity.pk}, headers={"HX-Request": "true"})
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("sales:deal-reserve-units"), {"opportunity": opportunity.pk}, headers={"HX-Request": "true"}
        )
    assert len(_picker_units(response)) == PICKER_LIMIT and 'data-testid="unit-more"' in response.content.decode()


def test_the_picker_refuses_an_opportunity_outside_the_scope(client, cast, project_a):
    theirs = opportunity_of(cast["other_rep"], project_a)
    client.force_login(cast["rep"])
    url = reverse("sales:deal-reserve-units")
    assert client.get(url, {"opportunity": theirs.pk}, headers={"HX-Request": "true"}).status_code == 404
    assert client.get(url, {"opportunity": "x" * 40}, headers={"HX-Request": "true"}).status_code == 404
    assert client.get(url, {"opportunity": theirs.pk}).status_code == 302  # a plain visit goes to the page


def test_reserving_with_the_picked_unit(client, cast, project_a, tower):
    rep = cast["rep"]
    opportunity = opportunity_of(rep, project_a)
    client.force_login(rep)
    url = f"{reverse('sales:deal-reserve')}?opportunity={opportunity.pk}"
    missing = client.post(url, {"opportunity": opportunity.pk, "deposit": "20000", "unit_q": "403"})
    assert missing.status_code == 200 and "Choose a unit from the list." in missing.content.decode()
    assert _picker_units(missing) == [tower[4].pk]  # the search typed is kept
    response = client.post(url, {"opportunity": opportunity.pk, "unit": tower[4].pk, "deposit": "20000"})
    deal = Deal.objects.get()
    assert response.status_code == 302 and deal.unit == tower[4]


def test_subscribe_and_cancel_through_the_pages(client, cast, project_a):
    rep = cast["rep"]
    deal = reserve(rep, project_a)
    client.force_login(rep)
    response = client.post(
        reverse("sales:deal-subscribe", args=[deal.pk]),
        {"price": "1999999.995", "payment_method": "full", "subscribed_on": "2026-03-01"},
    )
    assert response.status_code == 422
    response = client.post(
        reverse("sales:deal-subscribe", args=[deal.pk]),
        {"price": "1990000", "payment_method": "full", "subscribed_on": "2026-03-01"},
    )
    assert response.status_code == 302
    assert Deal.objects.get(pk=deal.pk).stage == "subscription"
    assert client.post(reverse("sales:deal-cancel", args=[deal.pk]), {"reason": ""}).status_code == 422
    assert client.post(reverse("sales:deal-cancel", args=[deal.pk]), {"reason": "changed mind"}).status_code == 302
    assert status(deal.unit) == "available"


def test_approval_queue_and_approve_page_need_the_permission(client, cast, project_a):
    rep = cast["rep"]
    deal = reserve(rep, project_a)
    services.deal_subscribe(deal=deal, price=Decimal("1500000"), payment_method="full", subscribed_on=TODAY, by=rep)
    south = reserve(cast["other_rep"], project_a)
    services.deal_subscribe(
        deal=south, price=Decimal("1500000"), payment_method="full", subscribed_on=TODAY, by=cast["other_rep"]
    )
    client.force_login(rep)
    assert client.get(reverse("sales:approval-list")).status_code == 403
    assert client.post(reverse("sales:deal-approve", args=[deal.pk]), {"decision": "approve"}).status_code == 403
    client.force_login(cast["team_lead"])
    response = client.get(reverse("sales:approval-list"))
    assert [row.pk for row in response.context["page"].object_list] == [deal.pk]
    assert client.post(reverse("sales:deal-approve", args=[south.pk]), {"decision": "approve"}).status_code == 404
    assert client.post(reverse("sales:deal-approve", args=[deal.pk]), {"decision": "approve"}).status_code == 302
    assert Deal.objects.get(pk=deal.pk).stage == "subscription"


def test_deal_list_filters_contracts_and_keeps_a_query_budget(client, cast, project_a, django_assert_max_num_queries):
    rep = cast["rep"]
    for _ in range(12):
        DealFactory(opportunity=opportunity_of(rep, project_a))
    signed = DealFactory(opportunity=opportunity_of(rep, project_a), stage="contract", signed_on=TODAY, price=1)
    DealFactory(opportunity=opportunity_of(cast["other_rep"], project_a), stage="contract", signed_on=TODAY, price=1)
    client.force_login(rep)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("sales:deal-list"), {"stage": "contract"})
    assert [row.pk for row in response.context["page"].object_list] == [signed.pk]
    response = client.get(reverse("sales:deal-list"), headers={"HX-Request": "true"})
    assert len(response.context["page"].object_list) == 13 and "<html" not in response.content.decode()


def test_roles_without_deal_permissions_are_refused(client, cast, project_a):
    deal = reserve(cast["rep"], project_a)
    client.force_login(cast["marketing"])
    assert client.get(reverse("sales:deal-list")).status_code == 403
    assert client.get(reverse("sales:deal-reserve")).status_code == 403
    client.force_login(cast["executive"])
    assert client.get(deal.get_absolute_url()).status_code == 200
    assert client.post(reverse("sales:deal-cancel", args=[deal.pk]), {"reason": "x"}).status_code == 403


# --- my day and the customer timeline -----------------------------------------------------------------------------


def _panel(user, key):
    return next((shown for shown in myday.panels(user) if shown["panel"].key == key), None)


def test_my_day_shows_discounts_to_approve_and_reservations_expiring(cast, project_a):
    rep = cast["rep"]
    soon = reserve(rep, project_a, expires_at=timezone.now() + datetime.timedelta(hours=20))
    reserve(rep, project_a)  # a week away
    waiting = reserve(rep, project_a)
    services.deal_subscribe(deal=waiting, price=Decimal("1"), payment_method="full", subscribed_on=TODAY, by=rep)
    expiring = _panel(rep, "reservations_expiring")
    assert [item.url for item in expiring["items"]] == [soon.get_absolute_url()]
    assert _panel(rep, "discount_approvals") is None
    approvals = _panel(cast["team_lead"], "discount_approvals")
    assert [item.url for item in approvals["items"]] == [waiting.get_absolute_url()]


def test_the_customer_timeline_shows_stage_changes_and_deal_events(cast, project_a):
    rep = cast["rep"]
    deal = reserve(rep, project_a)
    services.deal_cancel(deal=deal, reason="too far", by=rep)
    events = timeline(customer=deal.customer)
    unit = str(deal.unit)
    assert [(event.title, event.detail) for event in events if event.kind == "stage"][:2] == [
        (f"{project_a}: Intending", "too far"),
        (f"{project_a}: Reservation", unit),
    ]
    assert f"Deal on {unit} cancelled" in [event.title for event in events]


def test_after_a_reservation_the_timeline_shows_the_stage_the_opportunity_is_in(client, cast, project_a):
    rep = cast["rep"]
    deal = reserve(rep, project_a)
    services.deal_subscribe(deal=deal, price=deal.list_price, payment_method="full", subscribed_on=TODAY, by=rep)
    stages = [event for event in timeline(customer=deal.customer) if event.kind == "stage"]
    assert stages[0].title == f"{project_a}: Subscription" and stages[0].detail == str(deal.unit)
    client.force_login(rep)
    page = client.get(deal.customer.get_absolute_url()).content.decode()
    timeline_html = page[page.index('data-testid="timeline"') :]
    assert timeline_html.index("Subscription") < timeline_html.index("Reservation") < timeline_html.index("Intending")


def test_the_sales_section_lists_each_unit_once_under_its_opportunity(client, cast, project_a):
    rep = cast["rep"]
    deal = reserve(rep, project_a)
    client.force_login(rep)
    page = client.get(deal.customer.get_absolute_url()).content.decode()
    section = page[page.index('id="customer-sales"') : page.index("</section>", page.index('id="customer-sales"'))]
    assert section.count(str(deal.unit)) == 1
    opportunity = section[section.index(f'data-opportunity="{deal.opportunity_id}"') :]
    assert f'data-deal="{deal.pk}"' in opportunity[: opportunity.index("</li>")]


def test_the_picker_and_the_reserve_page_take_a_nul_in_the_search(client, cast, project_a, tower):
    rep = cast["rep"]
    opportunity = opportunity_of(rep, project_a)
    client.force_login(rep)
    hx = {"HX-Request": "true"}
    response = client.get(
        reverse("sales:deal-reserve-units"), {"opportunity": opportunity.pk, "unit_q": "40\x003"}, headers=hx
    )
    assert response.status_code == 200 and _picker_units(response) == [tower[4].pk]
    page = client.post(
        f"{reverse('sales:deal-reserve')}?opportunity={opportunity.pk}",
        {"opportunity": opportunity.pk, "unit": "\x00", "deposit": "1", "unit_q": "\x00"},
    )
    assert page.status_code == 200 and not Deal.objects.exists()
