"""The public pool (公海) is for prospects: buyers, owners, customers with a live deal or lease and customers under
a channel partner's live protection never lapse; a stage move, a reservation, a contract or a payment renews the
owner's protection like a logged contact does (without pretending to be one)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from customers import pool, services
from customers.models import Customer
from customers.panels.files import lapsing
from sales.models import Deal, Installment, Opportunity, Partner, PartnerRegistration
from sales.services import deals as deal_services
from sales.services import funnel as funnel_services
from sales.services import money as money_services
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, LeaseFactory, OpportunityFactory, UnitFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
Stage = Opportunity.Stage
LONG_AGO = 400  # days: far past every level's protection period


@pytest.fixture
def cast(org):
    return {key: User.objects.get(pk=value.pk) if isinstance(value, User) else value for key, value in org.items()}


@pytest.fixture
def rep(cast):
    return cast["rep"]


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def quiet_customer(owner, **fields):
    """A file of `owner` untouched for LONG_AGO days: it lapses unless something keeps it."""
    customer = CustomerFactory(owner=owner, team=owner.staff.team, level="C", **fields)
    Customer.objects.filter(pk=customer.pk).update(
        last_contact_at=days_ago(LONG_AGO), owned_since=days_ago(LONG_AGO), created_at=days_ago(LONG_AGO)
    )
    return Customer.objects.get(pk=customer.pk)


def released(customer) -> bool:
    return Customer.objects.get(pk=customer.pk).owner_id is None


def opportunity_of(customer, project, stage=Stage.INTENDING):
    opportunity = OpportunityFactory(customer=customer, owner=customer.owner, project=project, stage=stage)
    # Its history is as old as the customer's quiet: only what the test does now may count as a touch.
    Opportunity.objects.filter(pk=opportunity.pk).update(stage_changed_at=days_ago(LONG_AGO))
    opportunity.stage_changed_at = days_ago(LONG_AGO)
    return opportunity


def test_a_quiet_prospect_still_lapses(rep):
    prospect = quiet_customer(rep)
    assert services.pool_release_lapsed() == 1
    assert released(prospect)


@pytest.mark.parametrize("status", [Customer.Status.BUYER, Customer.Status.OWNER])
def test_buyers_and_owners_never_lapse(rep, status):
    customer = quiet_customer(rep, status=status)
    assert services.pool_release_lapsed() == 0
    assert not released(customer)


@pytest.mark.parametrize("stage", [Deal.Stage.RESERVATION, Deal.Stage.SUBSCRIPTION, Deal.Stage.CONTRACT])
def test_a_customer_with_a_live_deal_never_lapses(rep, project_a, stage):
    customer = quiet_customer(rep)
    DealFactory(opportunity=opportunity_of(customer, project_a), stage=stage)
    assert services.pool_release_lapsed() == 0
    assert not released(customer)


def test_the_issues_case_a_buyer_with_a_live_contract_and_no_contact_for_400_days_stays(rep, project_a):
    buyer = quiet_customer(rep, status=Customer.Status.BUYER)
    deal = DealFactory(opportunity=opportunity_of(buyer, project_a, Stage.CONTRACT), stage=Deal.Stage.CONTRACT)
    assert services.pool_release_lapsed() == 0
    assert Customer.objects.get(pk=buyer.pk).owner == rep
    assert Deal.objects.get(pk=deal.pk).owner == rep


@pytest.mark.parametrize("state", [Deal.State.CANCELLED, Deal.State.DELIVERED])
def test_a_deal_that_is_over_does_not_keep_a_prospect(rep, project_a, state):
    customer = quiet_customer(rep)
    DealFactory(opportunity=opportunity_of(customer, project_a), state=state)
    assert services.pool_release_lapsed() == 1


def test_a_tenant_with_a_live_lease_never_lapses(rep, project_a):
    LeaseFactory(tenant=quiet_customer(rep), unit__building__project=project_a)
    assert services.pool_release_lapsed() == 0


def _registration(customer, project, *, until):
    partner = Partner.objects.create(name="Sunshine Realty")
    return PartnerRegistration.objects.create(
        partner=partner,
        project=project,
        customer_name=customer.name,
        phone=customer.phone,
        customer=customer,
        registered_at=days_ago(10),
        protected_until=until,
        by=customer.owner,
    )


def test_a_customer_under_a_partners_live_protection_never_lapses(rep, project_a):
    customer = quiet_customer(rep)
    _registration(customer, project_a, until=timezone.now() + datetime.timedelta(days=5))
    assert services.pool_release_lapsed() == 0


def test_an_expired_partner_protection_does_not_keep_the_file(rep, project_a):
    customer = quiet_customer(rep)
    _registration(customer, project_a, until=days_ago(1))
    assert services.pool_release_lapsed() == 1


def test_a_stage_move_renews_protection_without_counting_as_a_contact(rep, project_a):
    customer = quiet_customer(rep)
    opportunity = opportunity_of(customer, project_a, Stage.VISITED)
    funnel_services.opportunity_move(opportunity=opportunity, to_stage=Stage.INTENDING, by=rep)
    customer.refresh_from_db()
    assert customer.touched_at is not None and customer.touched_at > days_ago(1)
    assert customer.last_contact_at < days_ago(LONG_AGO - 1)  # the page's "last contact" is still the contact
    assert services.pool_release_lapsed() == 0


def test_a_reservation_renews_protection_beyond_the_deal_itself(rep, project_a):
    customer = quiet_customer(rep)
    opportunity = opportunity_of(customer, project_a)
    deal = deal_services.deal_reserve(
        opportunity=opportunity, unit=UnitFactory(building__project=project_a), deposit=Decimal("1000"), by=rep
    )
    deal_services.deal_cancel(deal=deal, reason="changed their mind", by=rep)
    # No live deal any more, but the reservation was activity: the protection runs from it.
    assert services.pool_release_lapsed() == 0
    assert services.pool_release_lapsed(now=timezone.now() + datetime.timedelta(days=61)) == 1


def test_a_contract_renews_protection(rep, project_a):
    customer = quiet_customer(rep)
    deal = DealFactory(opportunity=opportunity_of(customer, project_a, Stage.SUBSCRIPTION), stage="subscription")
    deal_services.deal_contract(
        deal=deal,
        price=deal.list_price,
        payment_method=Deal.PaymentMethod.FULL,
        signed_on=timezone.localdate(),
        contract_no="HT-2026-0001",
        by=rep,
    )
    assert Customer.objects.get(pk=customer.pk).touched_at > days_ago(1)


def test_a_payment_renews_protection(rep, project_a):
    customer = quiet_customer(rep)
    deal = DealFactory(opportunity=opportunity_of(customer, project_a, Stage.WON), state=Deal.State.DELIVERED)
    line = Installment.objects.create(
        deal=deal,
        project=project_a,
        owner=rep,
        kind=Installment.Kind.MORTGAGE,
        due_on=timezone.localdate(),
        amount=Decimal("100000.00"),
    )
    money_services.payment_record(
        installment=line, amount=Decimal("100000.00"), received_on=timezone.localdate(), by=rep
    )
    assert Customer.objects.get(pk=customer.pk).touched_at > days_ago(1)
    assert services.pool_release_lapsed() == 0


def test_a_touch_never_moves_protection_backwards(rep):
    customer = quiet_customer(rep)
    services.customers_touch(customer_ids=[customer.pk], at=days_ago(1))
    assert services.customers_touch(customer_ids=[customer.pk], at=days_ago(30)) == 0
    assert Customer.objects.get(pk=customer.pk).touched_at.date() == days_ago(1).date()


def test_the_about_to_lapse_panel_leaves_out_the_files_the_pool_keeps(rep, project_a):
    prospect = quiet_customer(rep, name="Prospect")
    buyer = quiet_customer(rep, name="Buyer", status=Customer.Status.BUYER)
    with_deal = quiet_customer(rep, name="Reserved")
    DealFactory(opportunity=opportunity_of(with_deal, project_a))
    titles = [item.title for item in lapsing(rep)]
    assert titles == [prospect.name]
    assert buyer.name not in titles


def test_other_apps_register_what_keeps_a_file_out_of_the_pool(rep):
    customer = quiet_customer(rep, district="Keep-me")

    def keep_district(now):
        return Q(district="Keep-me")

    pool.pool_keep_register(keep_district)
    try:
        assert services.pool_release_lapsed() == 0
    finally:
        pool._KEEPERS.remove(keep_district)
    assert services.pool_release_lapsed() == 1
    assert released(customer)
