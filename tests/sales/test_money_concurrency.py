"""Races on money, with real threads and one connection each: concurrent payments must not lose updates.

On PostgreSQL the threads really race (the row lock of payment_record orders them); on SQLite one writer at a
time is all the engine allows, so they take turns behind a lock standing in for the database's. Either way the
outcome must be the same: no overpayment and `received` equal to the sum of the payments.
"""

import datetime
from decimal import Decimal

import pytest

from sales.models import Deal, Installment, Lease, Payment, Unit
from sales.services import leasing as lease_services
from sales.services import money as services
from sales.services.money import Plan
from tests.concurrency import race
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, UnitFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

D = Decimal
DAY = datetime.date(2025, 1, 10)


def test_two_payments_at_once_never_overpay_and_never_lose_an_update(rep):
    deal = DealFactory(opportunity__customer__owner=rep, stage=Deal.Stage.CONTRACT, price=D("1000.00"))
    (line,) = services.schedule_create(deal=deal, plan=Plan.FULL, by=rep, first_due=DAY)

    def pay(amount):
        return lambda: services.payment_record(
            installment=Installment.objects.get(pk=line.pk), amount=D(amount), received_on=DAY, by=rep
        )

    _results, errors = race(pay("600"), pay("600"))
    assert sorted(type(error).__name__ for error in errors if error) == ["PaymentRefused"]
    _results, errors = race(pay("150"), pay("150"))
    assert not any(errors)
    line.refresh_from_db()
    assert line.received == D("900.00")
    assert sum(Payment.objects.filter(installment=line).values_list("amount", flat=True)) == line.received


def test_two_leases_of_one_unit_at_once_one_wins(rep, other_rep, project_a):
    shop = UnitFactory(building__project=project_a, for_lease=True)

    def lease(user):
        return lambda: lease_services.lease_create(
            unit=shop,
            tenant=CustomerFactory(owner=user),
            starts_on=DAY,
            ends_on=DAY + datetime.timedelta(days=90),
            monthly_rent=D("5000"),
            by=user,
        )

    results, errors = race(lease(rep), lease(other_rep))
    assert len([result for result in results if result]) == 1
    assert len([error for error in errors if error]) == 1
    assert Lease.objects.filter(state=Lease.State.LIVE).count() == 1
    assert Unit.objects.get(pk=shop.pk).status == Unit.Status.LEASED
