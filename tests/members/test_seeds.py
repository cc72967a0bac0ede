"""The club's demo seed (idempotent) and bench generator (balances equal to the ledger, expiry has work)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.db import connection

from members import benchdata, demo, services
from members.models import Benefit, ClubEvent, LedgerEntry, Member, Referral
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def test_the_demo_seed_twice_changes_nothing(rep, admin_user, project_a):
    for number in range(3):
        customer = CustomerFactory(owner=rep)
        DealFactory(
            opportunity=OpportunityFactory(customer=customer, project=project_a),
            stage="contract",
            price=Decimal("3000000"),
            contract_no=f"HT-D{number}",
        )
    for _ in range(5):
        CustomerFactory(owner=rep)
    demo.seed(StringIO())
    counts = [
        Member.objects.count(),
        LedgerEntry.objects.count(),
        Benefit.objects.count(),
        ClubEvent.objects.count(),
        Referral.objects.count(),
    ]
    demo.seed(StringIO())
    assert counts == [
        Member.objects.count(),
        LedgerEntry.objects.count(),
        Benefit.objects.count(),
        ClubEvent.objects.count(),
        Referral.objects.count(),
    ]
    assert counts[0] >= 8 and counts[3] == 1 and counts[4] == 1
    assert services.balances_reconcile() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL (set DATABASE_URL)")
def test_bench_members_balance_with_their_ledger_and_some_points_expire(rep):
    for _ in range(40):
        CustomerFactory(owner=rep)
    with connection.cursor() as cursor:  # the factories' deferred checks run now: the load re-adds foreign keys
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    benchdata.generate(members=30, entries=300, log=lambda text: None)
    assert Member.objects.count() == 30
    assert LedgerEntry.objects.count() == 300
    assert services.balances_reconcile() == []
    assert services.points_expire_all() > 0
    assert services.points_expire_all() == 0
    assert services.balances_reconcile() == []
    member = Member.objects.order_by("pk").first()
    assert Member.objects.filter(card_no=member.card_no).count() == 1
