"""Races on customer ownership, run with real threads and one database connection each (RELIABILITY.md 6.2).

Two reps register the same new phone at the same moment, and two reps claim the same pool file at once.
On PostgreSQL the threads really race (a barrier releases both together, each on its own connection): the
unique index on CustomerPhone.number and the conditional UPDATE of pool_claim must each let exactly one win.
On SQLite (the local `make test` without DATABASE_URL) one writer at a time is all the engine allows, so the
threads take turns behind a lock standing in for its database lock; the outcome must be the same.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from customers import services
from customers.models import Customer, CustomerConflict, CustomerPhone
from customers.services import files as file_services
from tests.concurrency import on_postgres, race
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

User = get_user_model()
ROUNDS = 10


@pytest.fixture
def cast(org):
    """The conftest cast, with each user read again so their staff profile carries the team they were put in."""
    return {key: User.objects.get(pk=value.pk) if isinstance(value, User) else value for key, value in org.items()}


def register(user, name, phone):
    """What the create view does: create the file, or on a duplicate the claimant cannot see, record a conflict."""

    def call():
        try:
            return services.customer_create(by=user, name=name, phone=phone, source="walk_in")
        except services.DuplicateCustomer as duplicate:
            existing = duplicate.existing
            if not Customer.objects.visible_to(user).filter(pk=existing.pk).exists():
                services.conflict_record(customer=existing, claimant=user, evidence={"name": name, "phone": phone})
            raise

    return call


@pytest.fixture
def identity_checks(monkeypatch):
    """Spy on the duplicate check (it still runs): how many registrations found the phone free in each round."""
    found_free = []
    real = file_services.customer_by_identity

    def spy(**kwargs):
        existing = real(**kwargs)
        if existing is None and kwargs.get("phone"):
            found_free.append(kwargs["phone"])
        return existing

    monkeypatch.setattr(file_services, "customer_by_identity", spy)
    return found_free


def test_two_reps_registering_the_same_new_phone_at_once_create_one_file_and_one_conflict(cast, identity_checks):
    rep, other_rep = cast["rep"], cast["other_rep"]
    for round_number in range(ROUNDS):
        phone = f"1385555{round_number:04d}"
        results, errors = race(register(rep, "Walk-in North", phone), register(other_rep, "Walk-in South", phone))

        winners = [result for result in results if result is not None]
        losers = [error for error in errors if error is not None]
        assert len(winners) == 1, f"round {round_number}: {results} {errors}"
        assert len(losers) == 1 and isinstance(losers[0], services.DuplicateCustomer), f"round {round_number}: {errors}"
        winner = winners[0]
        assert losers[0].existing.pk == winner.pk  # the loser is told which file won

        assert Customer.objects.filter(phone=phone).count() == 1
        assert list(CustomerPhone.objects.filter(number=phone).values_list("customer_id", flat=True)) == [winner.pk]
        loser_user = other_rep if winner.owner_id == rep.pk else rep
        conflicts = CustomerConflict.objects.filter(customer=winner)
        assert conflicts.count() == 1
        conflict = conflicts.get()
        assert conflict.status == CustomerConflict.Status.OPEN
        assert (conflict.claimant_id, conflict.owner_at_claim_id) == (loser_user.pk, winner.owner_id)

    assert Customer.objects.count() == ROUNDS
    assert CustomerConflict.objects.count() == ROUNDS
    if on_postgres():
        # Proof the test saw the race: in some round both threads found the phone free, and the unique
        # index (not the duplicate check) decided.
        raced = {phone for phone in identity_checks if identity_checks.count(phone) >= 2}
        assert raced, "no round had both registrations pass the duplicate check; the race was not exercised"


def test_two_reps_claiming_the_same_pool_file_at_once_leave_exactly_one_owner(cast):
    rep, colleague = cast["rep"], cast["other_rep_same_team"]
    for round_number in range(ROUNDS):
        customer = CustomerFactory(owner=None, team=cast["north"], name=f"Pool {round_number}")
        results, errors = race(
            lambda customer=customer: services.pool_claim(customer_id=customer.pk, by=rep),
            lambda customer=customer: services.pool_claim(customer_id=customer.pk, by=colleague),
        )

        winners = [result for result in results if result is not None]
        losers = [error for error in errors if error is not None]
        assert len(winners) == 1, f"round {round_number}: {results} {errors}"
        assert len(losers) == 1 and type(losers[0]) is ValidationError, f"round {round_number}: {errors}"
        assert "claimed this customer first" in " ".join(losers[0].messages)
        customer.refresh_from_db()
        assert customer.owner_id == winners[0].owner_id
        assert customer.owner_id in (rep.pk, colleague.pk)
        assert customer.team == cast["north"]

    assert not Customer.objects.filter(owner__isnull=True).exists()
