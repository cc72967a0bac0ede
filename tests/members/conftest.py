import pytest

from members import services
from members.defaults import ensure_default_tiers
from members.models import Tier
from tests.factories import CustomerFactory


@pytest.fixture(autouse=True)
def _tiers(request):
    """The tiers members/0002 seeds; transactional tests flush them, so put them back."""
    if not request.node.get_closest_marker("django_db") and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    ensure_default_tiers(Tier)


@pytest.fixture
def member(rep):
    """A member whose customer file the rep owns."""
    return services.member_enrol(customer=CustomerFactory(owner=rep), by=rep)


@pytest.fixture
def member_staff(org):
    from tests.factories import UserFactory

    return UserFactory(username="desk", role="member_service")
