"""The sales bench generator on a small scale: COPY on PostgreSQL, rows consistent with each other."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum

from sales import benchdata
from sales.models import Building, Deal, Installment, Opportunity, Payment, Project, Promise, StageChange, Unit
from tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL (set DATABASE_URL)"),
]

DEAL_STAGE_OF_STATUS = {
    Unit.Status.RESERVED: (Deal.Stage.RESERVATION, Deal.State.LIVE, Opportunity.Stage.RESERVATION),
    Unit.Status.SUBSCRIBED: (Deal.Stage.SUBSCRIPTION, Deal.State.LIVE, Opportunity.Stage.SUBSCRIPTION),
    Unit.Status.CONTRACTED: (Deal.Stage.CONTRACT, Deal.State.LIVE, Opportunity.Stage.CONTRACT),
    Unit.Status.DELIVERED: (Deal.Stage.CONTRACT, Deal.State.DELIVERED, Opportunity.Stage.WON),
}


@pytest.fixture
def loaded(org):
    owners = [org["rep"], org["other_rep_same_team"], org["other_rep"]]
    for n in range(90):
        CustomerFactory(owner=owners[n % 3])
    return benchdata.generate(projects=2, units=200, opportunities=500, grid_units=40)


def test_sizes_and_the_grid_building(loaded):
    counts = {item.table: item.rows for item in loaded}
    assert counts["sales_unit"] == Unit.objects.count() == 200
    assert counts["sales_opportunity"] == Opportunity.objects.count() == 500
    assert Project.objects.filter(code__startswith="bench-").count() == 2
    grid = Building.objects.get(name=benchdata.GRID_BUILDING)
    assert grid.units.count() == 40 and grid.units.values("floor").distinct().count() == 1
    assert StageChange.objects.count() == counts["sales_stagechange"] > 500
    assert Deal.objects.count() == counts["sales_deal"]
    assert Installment.objects.count() == counts["sales_installment"] > 0
    assert Payment.objects.count() == counts["sales_payment"] > 0
    assert Promise.objects.count() == counts["sales_promise"] > 0
    # Sequences follow the explicit ids: the next ORM insert does not collide.
    assert Building.objects.create(project=grid.project, name="After the load").pk > grid.pk


def test_units_have_realistic_prices_and_statuses(loaded):
    statuses = Counter(Unit.objects.values_list("status", flat=True))
    assert 60 <= statuses[Unit.Status.AVAILABLE] <= 140
    assert statuses[Unit.Status.CONTRACTED] >= 30
    for unit in Unit.objects.all():
        assert Decimal("60") <= unit.building_area <= Decimal("180")
        assert 15_000 <= unit.price_per_m2 <= 80_000
        assert unit.list_price * Decimal("0.55") - 1 <= unit.cost_basis <= unit.list_price * Decimal("0.75")
        assert unit.project_id == unit.building.project_id
        assert (unit.held_by_id is not None) == (unit.status == Unit.Status.HELD)


def test_opportunities_follow_their_customers_and_stage_history(loaded, org):
    team_of = {org[key].pk: org[key].staff.team_id for key in ("rep", "other_rep_same_team", "other_rep")}
    for opportunity in Opportunity.objects.select_related("customer"):
        assert opportunity.owner_id == opportunity.customer.owner_id
        assert opportunity.team_id == team_of[opportunity.owner_id]
        history = list(opportunity.stage_changes.order_by("at", "id"))
        assert history[0].to_stage == Opportunity.Stage.LEAD and history[0].from_stage == ""
        assert history[-1].to_stage == opportunity.stage
        assert history[-1].at == opportunity.stage_changed_at
        assert all(a.to_stage == b.from_stage and a.at <= b.at for a, b in zip(history, history[1:], strict=False))
        assert (opportunity.closed_at is not None) == (not opportunity.is_open)
    lost = Opportunity.objects.filter(stage=Opportunity.Stage.LOST).count()
    assert 60 <= lost <= 140  # about a fifth


def test_one_deal_per_sold_unit_matching_its_opportunity(loaded):
    for unit in Unit.objects.all():
        deals = list(unit.deals.exclude(state=Deal.State.CANCELLED).select_related("opportunity"))
        if unit.status not in DEAL_STAGE_OF_STATUS:
            assert deals == []
            continue
        [deal] = deals
        stage, state, opportunity_stage = DEAL_STAGE_OF_STATUS[unit.status]
        assert (deal.stage, deal.state, deal.opportunity.stage) == (stage, state, opportunity_stage)
        assert deal.project_id == unit.project_id == deal.opportunity.project_id
        assert deal.customer_id == deal.opportunity.customer_id and deal.owner_id == deal.opportunity.owner_id
        assert deal.opportunity.unit_id == unit.pk and deal.list_price == unit.list_price
        if deal.stage != Deal.Stage.RESERVATION:
            assert 0 <= deal.discount_pct <= 5
            assert deal.approval != Deal.Approval.NOT_NEEDED or deal.discount_pct <= 3
        if deal.stage == Deal.Stage.CONTRACT:
            assert deal.signed_on and deal.contract_no
            assert deal.installments.aggregate(total=Sum("amount"))["total"] == deal.price
    cancelled = Deal.objects.filter(state=Deal.State.CANCELLED).select_related("unit", "opportunity")
    for deal in cancelled:
        assert deal.unit.status == Unit.Status.AVAILABLE and deal.opportunity.stage == Opportunity.Stage.LOST


def test_installments_received_is_the_sum_of_payments(loaded):
    installments = Installment.objects.annotate(paid=Sum("payments__amount"), payments_count=Count("payments"))
    overdue = 0
    for installment in installments:
        assert installment.received == (installment.paid or 0)
        assert 0 <= installment.received <= installment.amount
        assert (
            installment.owner_id == installment.deal.owner_id and installment.project_id == installment.deal.project_id
        )
        overdue += installment.due_on < loaded_today() and installment.received < installment.amount
    lines_per_contract = set(Installment.objects.values("deal").annotate(n=Count("id")).values_list("n", flat=True))
    assert lines_per_contract == {3, 4}
    assert overdue > 0


def loaded_today():
    from django.utils import timezone

    return timezone.localdate()


def test_promises_belong_to_their_deals(loaded):
    for promise in Promise.objects.select_related("deal"):
        deal = promise.deal
        assert (promise.customer_id, promise.project_id, promise.promised_by_id) == (
            deal.customer_id,
            deal.project_id,
            deal.owner_id,
        )
        assert (promise.status == Promise.Status.OPEN) == (promise.closed_at is None)
    assert Promise.objects.filter(status=Promise.Status.OPEN).exists()
