import importlib

import pytest

from members import services
from members.models import Tier
from tests.factories import CustomerFactory


@pytest.fixture(autouse=True)
def _tiers(request):
    """The tiers members/0002 seeds; transactional tests flush them, so put them back."""
    if not request.node.get_closest_marker("django_db") and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    if Tier.objects.exists():
        return
    migration = importlib.import_module("members.migrations.0002_default_tiers")
    for rank, name, name_zh, points, units, benefits, benefits_zh in migration.TIERS:
        Tier.objects.create(
            rank=rank,
            name=name,
            name_zh=name_zh,
            points_threshold=points,
            units_threshold=units,
            benefits=benefits,
            benefits_zh=benefits_zh,
        )


@pytest.fixture
def member(rep):
    """A member whose customer file the rep owns."""
    return services.member_enrol(customer=CustomerFactory(owner=rep), by=rep)


@pytest.fixture
def member_staff(org):
    from tests.factories import UserFactory

    return UserFactory(username="desk", role="member_service")
