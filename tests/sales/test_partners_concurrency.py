"""Two partners registering the same number at the same moment: exactly one is protected, the other rejected.

On PostgreSQL the threads really race, each on its own connection, released together by a barrier; the partial
unique index registration_one_live must decide when both pass the duplicate check. On SQLite the threads take
turns behind a lock (one writer at a time is all it allows); the outcome must be the same.
"""

import threading

import pytest

from sales.models import Partner, PartnerRegistration
from sales.services import partners as services
from tests.concurrency import on_postgres, race
from tests.factories import ProjectFactory, UserFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

ROUNDS = 10


@pytest.fixture
def both_pass_the_check(monkeypatch):
    """On PostgreSQL, hold each registration after its duplicate check until the other has passed it too, so
    every round both find the number free and only the unique index can decide. Returns how many waited."""
    passed = []
    if not on_postgres():
        return passed
    barrier = threading.Barrier(2, timeout=5)
    real = services.SalesSettings.current

    def current():  # read right after the duplicate check, right before the insert
        passed.append(threading.get_ident())
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            barrier.reset()
        return real()

    monkeypatch.setattr(services.SalesSettings, "current", current)
    return passed


def test_two_partners_registering_one_number_at_once_leave_exactly_one_protected(db, both_pass_the_check):
    project = ProjectFactory(code="race", name="Race")
    partners = []
    for name in ("Race A", "Race B"):
        user = UserFactory(username=name.replace(" ", "_").lower(), role="partner")
        partner = Partner.objects.create(name=name)
        partner.users.add(user)
        partners.append((partner, user))

    def call(partner, user, phone):
        return lambda: services.registration_create(
            partner=partner, project=project, customer_name="Race", phone=phone, by=user
        )

    for round_number in range(ROUNDS):
        phone = f"1385556{round_number:04d}"
        results, errors = race(*(call(partner, user, phone) for partner, user in partners))
        assert errors == [None, None], f"round {round_number}: {errors}"
        statuses = sorted(result.status for result in results)
        assert statuses == ["protected", "rejected"], f"round {round_number}: {statuses}"
        rejected = next(result for result in results if result.status == "rejected")
        assert rejected.reject_reason == "already registered by another partner"
        assert PartnerRegistration.objects.filter(phone=phone, status="protected").count() == 1

    assert PartnerRegistration.objects.count() == 2 * ROUNDS
    if on_postgres():
        assert len(both_pass_the_check) == 2 * ROUNDS  # every round, both passed the check: the index decided
