"""Two reps reserve the same unit at the same moment: exactly one live deal, the unit reserved, the other told.

On PostgreSQL the threads really race (a barrier releases both, each on its own connection): the row lock on the
unit and the one-live-deal-per-unit constraint must let exactly one win. On SQLite the threads take turns behind a
lock standing in for its database lock; the outcome must be the same.
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from sales.models import Deal, Opportunity, Unit
from sales.services import deals as services
from tests.concurrency import race
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, UnitFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

User = get_user_model()
ROUNDS = 10


@pytest.fixture
def cast(org):
    return {key: User.objects.get(pk=value.pk) if isinstance(value, User) else value for key, value in org.items()}


def opportunity_of(user, project):
    customer = CustomerFactory(owner=user, team=user.staff.team)
    return OpportunityFactory(customer=customer, owner=user, project=project, stage=Opportunity.Stage.INTENDING)


def reserving(opportunity, unit, user):
    return lambda: services.deal_reserve(opportunity=opportunity, unit=unit, deposit=Decimal("10000"), by=user)


def test_two_reps_reserving_the_same_unit_at_once_leave_exactly_one_live_deal(cast, project_a):
    rep, colleague = cast["rep"], cast["other_rep"]
    for round_number in range(ROUNDS):
        unit = UnitFactory(building__project=project_a)
        mine, theirs = opportunity_of(rep, project_a), opportunity_of(colleague, project_a)
        results, errors = race(reserving(mine, unit, rep), reserving(theirs, unit, colleague))

        winners = [result for result in results if result is not None]
        losers = [error for error in errors if error is not None]
        assert len(winners) == 1, f"round {round_number}: {results} {errors}"
        assert len(losers) == 1 and type(losers[0]) is ValidationError, f"round {round_number}: {errors}"
        assert "just taken by another deal" in " ".join(losers[0].messages)
        assert list(Deal.objects.filter(unit=unit, state="live").values_list("pk", flat=True)) == [winners[0].pk]
        assert Unit.objects.get(pk=unit.pk).status == Unit.Status.RESERVED
        loser = theirs if winners[0].opportunity_id == mine.pk else mine
        loser.refresh_from_db()
        assert (loser.stage, loser.unit_id) == (Opportunity.Stage.INTENDING, None)
        assert loser.stage_changes.count() == 1  # nothing of the losing attempt was kept

    assert Deal.objects.count() == ROUNDS


def test_the_constraint_alone_stops_a_second_live_deal_when_the_lock_is_bypassed(cast, project_a, monkeypatch):
    """If a status check ever let a second reservation through, the savepoint turns the IntegrityError into the
    same clear error and the first deal stands."""
    rep = cast["rep"]
    unit = UnitFactory(building__project=project_a)
    first = services.deal_reserve(opportunity=opportunity_of(rep, project_a), unit=unit, deposit=Decimal("1"), by=rep)
    Unit.objects.filter(pk=unit.pk).update(status=Unit.Status.AVAILABLE)  # a stale status, as if set by hand
    with pytest.raises(ValidationError, match="just taken"):
        services.deal_reserve(opportunity=opportunity_of(rep, project_a), unit=unit, deposit=Decimal("1"), by=rep)
    assert list(Deal.objects.filter(unit=unit, state="live")) == [first]
