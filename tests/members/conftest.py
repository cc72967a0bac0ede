import pytest

from members import services
from tests.factories import CustomerFactory


@pytest.fixture
def member(rep):
    """A member whose customer file the rep owns."""
    return services.member_enrol(customer=CustomerFactory(owner=rep), by=rep)


@pytest.fixture
def member_staff(org):
    from tests.factories import UserFactory

    return UserFactory(username="desk", role="member_service")
