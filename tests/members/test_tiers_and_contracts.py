"""Tiers (the stated rule, hand-computed) and what a signed or cancelled contract does in the club."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from members import services
from members.models import LedgerEntry, Member, MemberSettings, Tier, TierChange
from sales.models import Deal
from sales.services import deals as sales_services
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def tier(name):
    return Tier.objects.get(name=name)


def test_the_owed_tier_is_the_highest_met_by_either_route():
    # Silver: entry; Gold: 5000 points or 1 unit; Platinum: 20000 or 2; Diamond: 50000 or 3.
    assert services.tier_owed(points=0, units=0).name == "Silver"
    assert services.tier_owed(points=4999, units=0).name == "Silver"
    assert services.tier_owed(points=5000, units=0).name == "Gold"
    assert services.tier_owed(points=100, units=2).name == "Platinum"
    assert services.tier_owed(points=50000, units=1).name == "Diamond"
    assert services.tier_owed(points=21000, units=3).name == "Diamond"


def test_promotion_is_immediate_and_recorded(member):
    assert member.tier.name == "Silver"
    services.points_earn(member=member, amount=4000, reason="a")
    member.refresh_from_db()
    assert member.tier.name == "Silver"
    services.points_earn(member=member, amount=1000, reason="b")
    member.refresh_from_db()
    assert member.tier.name == "Gold"
    change = member.tier_changes.first()
    assert (change.from_tier.name, change.to_tier.name, change.reason, change.qualifying_points) == (
        "Silver",
        "Gold",
        TierChange.Reason.PROMOTED,
        5000,
    )


def test_spending_never_lowers_the_tier_and_demotion_waits_for_the_yearly_review(member):
    services.points_earn(member=member, amount=6000, reason="a")
    services.points_spend(member=member, amount=6000, reason="b")
    member.refresh_from_db()
    assert member.tier.name == "Gold"  # spending does not lower qualifying points
    # A year and a day later the 6000 points fall out of the 12-month window: the review moves the member down.
    later = timezone.now() + datetime.timedelta(days=366)
    assert services.tiers_review(now=later) == {"promoted": 0, "demoted": 1, "kept": 0}
    member.refresh_from_db()
    assert member.tier.name == "Silver"
    assert member.tier_changes.first().reason == TierChange.Reason.REVIEW


def test_the_review_never_demotes_below_the_tier_owned_units_give(member, rep, project_a):
    for number in range(2):
        DealFactory(
            opportunity=OpportunityFactory(customer=member.customer, project=project_a),
            stage=Deal.Stage.CONTRACT,
            price=Decimal("1000000"),
            contract_no=f"HT-{number}",
        )
    services.points_earn(member=member, amount=60000, reason="big")
    member.refresh_from_db()
    assert member.tier.name == "Diamond"
    services.tiers_review(now=timezone.now() + datetime.timedelta(days=400))
    member.refresh_from_db()
    assert member.tier.name == "Platinum"  # 2 contracted units


def subscribed(customer, project, price=Decimal("2000000.00")):
    deal = DealFactory(opportunity=OpportunityFactory(customer=customer, project=project))
    return sales_services.deal_subscribe(
        deal=deal, price=price, payment_method="full", subscribed_on=timezone.localdate(), by=customer.owner
    )


def sign(deal, number="HT-0001"):
    return sales_services.deal_contract(
        deal=deal,
        price=deal.price,
        payment_method="full",
        signed_on=timezone.localdate(),
        contract_no=number,
        by=deal.owner,
    )


def test_a_signed_contract_enrols_the_buyer_and_awards_points_once(rep, project_a, django_capture_on_commit_callbacks):
    customer = CustomerFactory(owner=rep)
    deal = subscribed(customer, project_a)
    with django_capture_on_commit_callbacks(execute=True):
        sign(deal)
    member = Member.objects.get(customer=customer)
    assert member.channel == Member.Channel.CONTRACT
    # 2,000,000 CNY = 200 × 10,000 → 200 × 10 points; one contracted unit → Gold.
    assert member.balance == 2000
    assert member.tier.name == "Gold"
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_signed(deal=deal)  # a retried task
        deal.save()
    member.refresh_from_db()
    assert member.balance == 2000
    assert member.entries.filter(rule=LedgerEntry.Rule.CONTRACT).count() == 1


def test_auto_join_can_be_switched_off(rep, project_a, django_capture_on_commit_callbacks):
    MemberSettings.objects.create(auto_join_on_contract=False)
    customer = CustomerFactory(owner=rep)
    deal = subscribed(customer, project_a)
    with django_capture_on_commit_callbacks(execute=True):
        sign(deal)
    assert not Member.objects.filter(customer=customer).exists()


def test_a_cancelled_contract_reverses_its_points(rep, project_a, django_capture_on_commit_callbacks):
    customer = CustomerFactory(owner=rep)
    deal = subscribed(customer, project_a)
    with django_capture_on_commit_callbacks(execute=True):
        sign(deal)
    with django_capture_on_commit_callbacks(execute=True):
        sales_services.deal_cancel(deal=deal, reason="退房", by=rep)
    member = Member.objects.get(customer=customer)
    assert member.balance == 0
    assert member.entries.filter(kind="reverse").get().amount == -2000
    services.contract_cancelled(deal=deal)  # run twice: nothing more
    member.refresh_from_db()
    assert member.entries.filter(kind="reverse").count() == 1


def test_the_contracts_points_reason_reads_in_the_viewers_language_whoever_signed(
    rep, project_a, settings, django_capture_on_commit_callbacks
):
    """The ledger keeps the reason's code and the contract number: an English request signs, a Chinese viewer reads
    Chinese and an English one English; the stored text is English whatever the site's language."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    customer = CustomerFactory(owner=rep)
    deal = subscribed(customer, project_a)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        sign(deal)
    entry = Member.objects.get(customer=customer).entries.get(rule=LedgerEntry.Rule.CONTRACT)
    deal.refresh_from_db()
    assert (entry.reason_code, entry.reason_params) == ("contract_signed", {"no": deal.contract_no})
    assert entry.reason == f"Contract {deal.contract_no} signed"
    with translation.override("zh-hans"):
        assert entry.reason_text == f"合同 {deal.contract_no} 签约"
    with translation.override("en"):
        assert entry.reason_text == f"Contract {deal.contract_no} signed"
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        sales_services.deal_cancel(deal=deal, reason="退房", by=rep)
    reverse = entry.member.entries.get(kind="reverse")
    assert (reverse.reason_code, reverse.reason) == ("contract_cancelled", f"Contract {deal.contract_no} cancelled")
    with translation.override("en"):
        assert reverse.reason_text == f"Contract {deal.contract_no} cancelled"
    with translation.override("zh-hans"):
        assert reverse.reason_text == f"合同 {deal.contract_no} 已退房"
