"""`manage.py seed_demo` loads consistent sales demo data and changes nothing when run again."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from sales.models import (
    Building,
    Campaign,
    CampaignLead,
    CommissionRule,
    CompetitorMove,
    Deal,
    Installment,
    Lease,
    Opportunity,
    Partner,
    PartnerRegistration,
    Payment,
    Promise,
    SalesTarget,
    StageChange,
    Unit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

DEAL_OF_STATUS = {
    Unit.Status.RESERVED: (Deal.Stage.RESERVATION, Deal.State.LIVE, Opportunity.Stage.RESERVATION),
    Unit.Status.SUBSCRIBED: (Deal.Stage.SUBSCRIPTION, Deal.State.LIVE, Opportunity.Stage.SUBSCRIPTION),
    Unit.Status.CONTRACTED: (Deal.Stage.CONTRACT, Deal.State.LIVE, Opportunity.Stage.CONTRACT),
    Unit.Status.DELIVERED: (Deal.Stage.CONTRACT, Deal.State.DELIVERED, Opportunity.Stage.WON),
}
MODELS = [Building, Unit, Opportunity, StageChange, Deal, Installment, Payment, Promise, SalesTarget, Lease]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """seed_demo twice (the second run must change nothing); the rows are shared by the tests of this module."""
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=StringIO())
        first = {model.__name__: model.objects.count() for model in MODELS}
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield first, {model.__name__: model.objects.count() for model in MODELS}, out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


def test_running_twice_changes_nothing(seeded):
    first, second, output = seeded
    assert first == second
    assert first["Unit"] > 300 and first["Opportunity"] >= 40 and first["Deal"] >= 16
    assert "already present" in output


def test_every_project_has_two_or_three_buildings_of_8_to_20_floors(seeded):
    for project_id, buildings in Building.objects.values_list("project").annotate(n=Count("id")):
        assert 2 <= buildings <= 3, project_id
    for building in Building.objects.annotate(n=Count("units")):
        assert 8 <= building.floors <= 20
        per_floor = building.n / building.floors
        assert 4 <= per_floor <= 6
    assert Unit.objects.filter(use__in=[Unit.Use.SHOP, Unit.Use.OFFICE], for_lease=True).exists()


def test_unit_status_matches_the_live_deal_or_lease(seeded):
    for unit in Unit.objects.all():
        deals = list(unit.deals.exclude(state=Deal.State.CANCELLED).select_related("opportunity"))
        if unit.status in DEAL_OF_STATUS:
            [deal] = deals
            assert (deal.stage, deal.state, deal.opportunity.stage) == DEAL_OF_STATUS[unit.status]
        else:
            assert deals == [], unit
        assert (unit.status == Unit.Status.LEASED) == unit.leases.filter(state=Lease.State.LIVE).exists()
        assert (unit.status == Unit.Status.HELD) == (unit.held_by_id is not None)


def test_deals_match_their_opportunity(seeded):
    for deal in Deal.objects.select_related("opportunity", "unit"):
        opportunity = deal.opportunity
        assert (deal.project_id, deal.customer_id, deal.owner_id) == (
            opportunity.project_id,
            opportunity.customer_id,
            opportunity.owner_id,
        )
        assert deal.unit.project_id == deal.project_id and deal.list_price == deal.unit.list_price
        if deal.stage == Deal.Stage.CONTRACT:
            assert deal.installments.aggregate(total=Sum("amount"))["total"] == deal.price
    assert Deal.objects.filter(state=Deal.State.CANCELLED, opportunity__stage=Opportunity.Stage.LOST).exists()


def test_opportunity_stage_is_its_last_stage_change(seeded):
    for opportunity in Opportunity.objects.all():
        history = list(opportunity.stage_changes.order_by("at", "id"))
        assert history[0].to_stage == Opportunity.Stage.LEAD and history[0].from_stage == ""
        assert history[-1].to_stage == opportunity.stage and history[-1].at == opportunity.stage_changed_at
        assert all(a.at <= b.at and a.to_stage == b.from_stage for a, b in zip(history, history[1:], strict=False))
        assert opportunity.team_id == opportunity.owner.staff.team_id
        assert opportunity.owner_id == opportunity.customer.owner_id
    owners = set(Opportunity.objects.values_list("owner__username", flat=True))
    assert owners == {"rep.liu", "rep.zhang", "rep.emma", "rep.sun"}
    assert set(Opportunity.objects.values_list("stage", flat=True)) == set(Opportunity.Stage.values)


def test_installment_received_is_the_sum_of_its_payments(seeded):
    today = timezone.localdate()
    for line in Installment.objects.annotate(paid=Sum("payments__amount")):
        assert line.received == (line.paid or 0)
    overdue = Installment.objects.filter(deal__isnull=False, due_on__lt=today, received=0)
    assert overdue.count() == 1 and overdue.get().owner.username == "rep.liu"
    refund = Payment.objects.get(is_refund=True)
    assert refund.amount < 0 and refund.installment.received == refund.installment.amount
    assert Installment.objects.filter(lease__isnull=False, received__gt=0).exists()


def test_the_demo_stories(seeded):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    reservation = Deal.objects.live().get(stage=Deal.Stage.RESERVATION, owner__username="rep.liu")
    assert timezone.localdate(reservation.expires_at) == tomorrow and reservation.expires_at > timezone.now()
    pending = Deal.objects.get(approval=Deal.Approval.PENDING)
    assert pending.discount_pct > 3 and pending.stage == Deal.Stage.SUBSCRIPTION
    assert Promise.objects.get(
        promised_by__username="rep.liu", status=Promise.Status.OPEN, due_on=today + datetime.timedelta(days=3)
    )
    assert Promise.objects.filter(status=Promise.Status.BROKEN).count() == 1
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    for month in (this_month, last_month):
        assert SalesTarget.objects.filter(month=month, level=SalesTarget.Level.REP).count() == 4
        assert SalesTarget.objects.filter(month=month, level=SalesTarget.Level.TEAM).count() == 2
    assert CompetitorMove.objects.filter(direction=CompetitorMove.Direction.OUT).exists()
    assert CompetitorMove.objects.filter(direction=CompetitorMove.Direction.IN).exists()
    assert Campaign.objects.count() == 2 and CampaignLead.objects.values("campaign").distinct().count() == 2
    lease = Lease.objects.get()
    assert lease.unit.use == Unit.Use.SHOP and lease.unit.status == Unit.Status.LEASED


def test_the_channel_partner_and_its_user(seeded):
    partner = Partner.objects.get(name="Sunshine Realty")
    user = get_user_model().objects.get(username="partner.sun")
    assert list(partner.users.all()) == [user]
    assert list(user.groups.values_list("name", flat=True)) == ["partner"]
    assert user.check_password("estate-demo-2026") and user.is_active
    assert partner.registrations.count() >= 2
    assert partner.registrations.filter(status=PartnerRegistration.Status.PROTECTED).exists()
    converted = partner.registrations.get(status=PartnerRegistration.Status.CONVERTED)
    assert converted.commissions.get().deal.customer == converted.customer
    assert CommissionRule.objects.filter(partner=partner, active=True).exists()


def test_handing_over_rep_liu_moves_his_open_opportunities_and_deals(seeded):
    """The issue's case on the demo data: after the hand-over rep.liu owns no customer, no open opportunity and
    no live deal; rep.zhang sees them all; the won deal rep.liu delivered stays his."""
    from customers.models import Customer
    from customers.services import customers_hand_over

    users = get_user_model().objects
    liu, zhang, director = (users.get(username=name) for name in ("rep.liu", "rep.zhang", "director"))
    open_ids = set(Opportunity.objects.open().filter(owner=liu).values_list("pk", flat=True))
    live_ids = set(Deal.objects.live().filter(owner=liu).values_list("pk", flat=True))
    history = set(Deal.objects.filter(owner=liu).exclude(state=Deal.State.LIVE).values_list("pk", flat=True))
    assert len(open_ids) >= 5 and len(live_ids) >= 3 and history

    customers_hand_over(from_user=liu, to_user=zhang, by=director, reason="rep.liu leaves")

    assert not Customer.objects.filter(owner=liu).exists()
    assert not Opportunity.objects.open().filter(owner=liu).exists()
    assert not Deal.objects.live().filter(owner=liu).exists()
    assert not Promise.objects.open().filter(owner=liu).exists()
    assert set(Opportunity.objects.visible_to(zhang).filter(pk__in=open_ids).values_list("pk", flat=True)) == open_ids
    assert set(Deal.objects.visible_to(zhang).filter(pk__in=live_ids).values_list("pk", flat=True)) == live_ids
    assert set(Deal.objects.filter(owner=liu).values_list("pk", flat=True)) == history
