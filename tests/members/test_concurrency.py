"""Races on the points ledger, with real threads and one database connection each (RELIABILITY.md 6.2).

Concurrent spends on one member let exactly as many succeed as the balance covers (the member row lock);
two workers granting the same referral reward grant it once (the unique ledger key).
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import services
from members.models import LedgerEntry, Member, Referral
from sales.services import deals as deal_services
from tests.concurrency import race
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, OpportunityFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
ROUNDS = 5


def test_concurrent_spends_never_overdraw(rep):
    for round_no in range(ROUNDS):
        member = services.member_enrol(customer=CustomerFactory(owner=rep), by=rep)
        services.points_earn(member=member, amount=500, reason="seed")

        def spend(member=member):
            return services.points_spend(member=Member.objects.get(pk=member.pk), amount=100, reason="race")

        results, errors = race(*[spend] * 8)
        assert all(error is None or isinstance(error, ValidationError) for error in errors), errors
        assert sum(result is not None for result in results) == 5, round_no
        member.refresh_from_db()
        assert member.balance == 0 == sum(member.entries.values_list("amount", flat=True))


def test_two_workers_grant_a_referral_reward_once(rep, project_a, django_capture_on_commit_callbacks):
    referrer = CustomerFactory(owner=rep)
    member = services.member_enrol(customer=referrer, by=rep)
    referral = services.referral_create(referrer=referrer, name="Race", phone="13988889999", by=rep)
    deal = DealFactory(opportunity=OpportunityFactory(customer=referral.referred, project=project_a))
    deal = deal_services.deal_subscribe(
        deal=deal, price=deal.list_price, payment_method="full", subscribed_on=timezone.localdate(), by=rep
    )
    # Signed without running the subscribers: the two workers below are the ones that answer the event.
    deal = deal_services.deal_contract(
        deal=deal,
        price=deal.price,
        payment_method="full",
        signed_on=timezone.localdate(),
        contract_no="HT-R",
        by=rep,
    )
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.OPEN, deal=None)
    LedgerEntry.objects.filter(member=member).delete()
    Member.objects.filter(pk=member.pk).update(balance=0)

    def worker():
        return services.referral_reward(deal=deal)

    _results, errors = race(worker, worker)
    assert errors == [None, None]
    assert member.entries.filter(rule=LedgerEntry.Rule.REFERRAL).count() == 1
    member.refresh_from_db()
    assert member.balance == 2000


def test_concurrent_awards_with_one_key_write_one_entry(rep):
    member = services.member_enrol(customer=CustomerFactory(owner=rep), by=rep)

    def award():
        return services.points_earn(member=member, amount=100, reason="event", key="event:1:member")

    results, errors = race(*[award] * 4)
    assert errors == [None] * 4
    assert len({entry.pk for entry in results}) == 1
    member.refresh_from_db()
    assert member.balance == 100


def test_concurrent_redemptions_of_the_last_item_let_one_through(rep, member_staff):
    from members.models import Benefit, Redemption

    benefit = Benefit.objects.create(name="Design", name_zh="设计", points_price=100, stock=1)
    members = []
    for _ in range(4):
        member = services.member_enrol(customer=CustomerFactory(owner=rep), by=rep)
        services.points_earn(member=member, amount=100, reason="seed")
        members.append(member)

    def redeem(member):
        return lambda: services.redemption_create(member=member, benefit=benefit, by=member_staff)

    results, errors = race(*[redeem(member) for member in members])
    assert all(error is None or isinstance(error, ValidationError) for error in errors), errors
    assert Redemption.objects.count() == 1
    benefit.refresh_from_db()
    assert benefit.stock == 0
    assert sum(Member.objects.filter(pk__in=[m.pk for m in members]).values_list("balance", flat=True)) == 300


def test_concurrent_registrations_never_overbook(rep, member_staff):
    event = services.event_create(by=member_staff, title="Forum", starts_at=timezone.now(), place="Hall", capacity=3)
    guests = [CustomerFactory(owner=rep) for _ in range(6)]
    _results, errors = race(
        *[(lambda guest=guest: services.event_register(event=event, customer=guest)) for guest in guests]
    )
    assert errors == [None] * 6
    statuses = sorted(event.registrations.values_list("status", flat=True))
    assert statuses.count("registered") == 3
    assert statuses.count("waitlisted") == 3
