"""Referrals (老带新): identity rules, a reward granted exactly once, reversal on 退房, never paid twice with a partner."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.models import Customer
from members import services
from members.models import LedgerEntry, Member, MemberSettings, Referral
from sales.models import Commission, CommissionRule, Partner
from sales.services import deals as deal_services
from sales.services import partners as partner_services
from tests.factories import CustomerFactory, UserFactory
from tests.sales.factories import DealFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def refer(member, phone="13912345678", name="Li Na", by=None):
    return services.referral_create(referrer=member.customer, name=name, phone=phone, by=by or member.customer.owner)


def contract(customer, project, number="HT-1"):
    deal = DealFactory(opportunity=OpportunityFactory(customer=customer, project=project))
    deal = deal_services.deal_subscribe(
        deal=deal, price=deal.list_price, payment_method="full", subscribed_on=timezone.localdate(), by=customer.owner
    )
    return deal_services.deal_contract(
        deal=deal,
        price=deal.price,
        payment_method="full",
        signed_on=timezone.localdate(),
        contract_no=number,
        by=customer.owner,
    )


def referrer_points(member) -> int:
    return member.entries.filter(rule=LedgerEntry.Rule.REFERRAL).count()


def test_a_referral_registers_a_new_customer_owned_by_the_referrers_rep(member, rep):
    referral = refer(member, phone="+86 139-1234-5678")
    referred = referral.referred
    assert referred.referrer == member.customer
    assert referred.source == Customer.Source.REFERRAL
    assert referred.owner == rep
    assert referred.phone == "13912345678"
    assert list(member.customer.referrals_made.all()) == [referral]


def test_a_referral_of_someone_on_file_self_or_partner_protected_is_refused_with_a_reason(member, project_a):
    CustomerFactory(phone="13911112222")
    with pytest.raises(services.ReferralRefused, match="already a customer"):
        refer(member, phone="13911112222")
    with pytest.raises(services.ReferralRefused, match="themselves"):
        refer(member, phone=member.customer.phone)
    agent = UserFactory(username="agent", role="partner")
    partner = Partner.objects.create(name="Agency")
    partner.users.add(agent)
    partner_services.registration_create(
        partner=partner, project=project_a, customer_name="Zhao", phone="13933334444", by=agent
    )
    with pytest.raises(services.ReferralRefused, match="partner"):
        refer(member, phone="13933334444")
    with pytest.raises(ValidationError):
        refer(member, phone="not a phone")
    assert Referral.objects.count() == 0


def test_the_reward_is_granted_once_under_resave_resign_and_retry(
    member, project_a, django_capture_on_commit_callbacks
):
    referral = refer(member)
    with django_capture_on_commit_callbacks(execute=True):
        deal = contract(referral.referred, project_a)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REWARDED
    assert referral.deal == deal
    member.refresh_from_db()
    assert member.balance == MemberSettings.current().referral_points
    with django_capture_on_commit_callbacks(execute=True):
        deal.save()
        services.referral_reward(deal=deal)  # a retried task
        contract(referral.referred, project_a, number="HT-2")  # the referred buys a second unit
    assert referrer_points(member) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(member=member, kind="earn", amount=1, reason="x", key=f"referral:{referral.pk}")


def test_a_cancelled_contract_within_the_period_reverses_the_reward(
    member, project_a, django_capture_on_commit_callbacks
):
    referral = refer(member)
    with django_capture_on_commit_callbacks(execute=True):
        deal = contract(referral.referred, project_a)
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.deal_cancel(deal=deal, reason="退房", by=deal.owner)
    referral.refresh_from_db()
    member.refresh_from_db()
    assert referral.status == Referral.Status.REVERSED
    assert member.balance == 0
    assert member.entries.filter(kind="reverse", key=f"reverse:referral:{referral.pk}").get().amount == -2000


def test_a_cancellation_after_the_period_keeps_the_reward(member, project_a, django_capture_on_commit_callbacks):
    referral = refer(member)
    with django_capture_on_commit_callbacks(execute=True):
        deal = contract(referral.referred, project_a)
    later = timezone.localdate() + datetime.timedelta(days=MemberSettings.current().referral_reversal_days + 1)
    services.referral_reverse(deal=deal, on=later)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REWARDED


def partner_deal(member, project_a):
    """A partner registered the person (protected) and the file was made from that registration; the referrer's
    claim was recorded as well (a referral entered from the customer file, not through the refusing form)."""
    from customers import services as customer_services

    agent = UserFactory(username="agent", role="partner")
    partner = Partner.objects.create(name="Agency")
    partner.users.add(agent)
    CommissionRule.objects.create(rate_pct=Decimal("1.00"), fixed_amount=Decimal("0"))
    partner_services.registration_create(
        partner=partner, project=project_a, customer_name="Li Na", phone="13912345678", by=agent
    )
    owner = member.customer.owner
    referred = customer_services.customer_create(by=owner, name="Li Na", phone="13912345678", source="agent")
    return Referral.objects.create(referrer=member.customer, referred=referred, by=owner)


def test_a_partner_registration_takes_precedence_and_the_decision_is_recorded(
    member, project_a, django_capture_on_commit_callbacks
):
    referral = partner_deal(member, project_a)
    with django_capture_on_commit_callbacks(execute=True):
        deal = contract(referral.referred, project_a)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PARTNER
    assert "Agency" in referral.decision
    assert Commission.objects.get(deal=deal).status == Commission.Status.PENDING
    assert referrer_points(member) == 0


def test_with_the_setting_reversed_the_referral_wins_and_the_commission_is_voided(
    member, project_a, django_capture_on_commit_callbacks
):
    MemberSettings.objects.create(partner_precedence=False)
    referral = partner_deal(member, project_a)
    with django_capture_on_commit_callbacks(execute=True):
        deal = contract(referral.referred, project_a)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REWARDED
    assert Commission.objects.get(deal=deal).status == Commission.Status.VOID
    assert referrer_points(member) == 1


def test_a_referrer_who_is_not_a_member_joins_to_receive_the_reward(rep, project_a, django_capture_on_commit_callbacks):
    referrer = CustomerFactory(owner=rep)
    referral = services.referral_create(referrer=referrer, name="Xu", phone="13955556666", by=rep)
    with django_capture_on_commit_callbacks(execute=True):
        contract(referral.referred, project_a)
    assert Member.objects.get(customer=referrer).balance == 2000
