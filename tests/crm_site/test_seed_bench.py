"""The whole `seed_bench` command on a small scale (PostgreSQL: the generators write with COPY).

Each app's generator has its own test of its rows; this one runs them all together, in the registry's order, so a
migration that adds a NOT NULL column to a table some generator COPYs into fails here rather than on the next
1,000,000-customer seed (a certificate-case column once did)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from customers.models import Customer, Interaction
from members.models import LedgerEntry, Member, Tier
from sales.models import Deal, Opportunity, Unit
from service.models import Category, CertificateCase, CertificateStage, Ticket

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL (set DATABASE_URL)"),
]


def test_every_generator_runs_together_and_fills_its_tables():
    # What the migrations seeded (service categories and stages, member tiers) is gone after an earlier
    # transactional test's flush, as on CI: the generators put their defaults back.
    Category.objects.exclude(parent=None).delete()
    Category.objects.all().delete()
    CertificateStage.objects.all().delete()
    Tier.objects.all().delete()
    out = StringIO()
    call_command(
        "seed_bench",
        reps=6,
        projects=2,
        customers=300,
        interactions=600,
        units=120,
        opportunities=150,
        grid_units=20,
        tickets=200,
        members=60,
        ledger_entries=400,
        stdout=out,
    )
    assert "seed_bench done" in out.getvalue()
    assert Customer.objects.count() >= 300
    assert Interaction.objects.count() >= 600
    assert Unit.objects.count() == 120
    assert Opportunity.objects.count() == 150
    contracts = Deal.objects.filter(stage=Deal.Stage.CONTRACT).exclude(state=Deal.State.CANCELLED)
    assert contracts.exists()
    assert Ticket.objects.count() == 200
    # One certificate case per live contract, with the columns a later migration added filled in.
    assert CertificateCase.objects.count() == contracts.count()
    assert set(CertificateCase.objects.values_list("language", flat=True)) <= {"zh-hans", "en"}
    assert Member.objects.count() == 60
    assert LedgerEntry.objects.count() > Member.objects.count()  # about --ledger-entries, spread over members
