"""The cast of every test: an organisation with a department, two teams and staff of every role.

Sales Department (manager: director)
  ├── Team North (manager: team_lead) — rep, other_rep_same_team
  └── Team South (manager: south_lead) — other_rep
Customer Service (manager: service_manager) — service_agent (project: project_a)
executive, marketing, admin_user: no team, scope ALL
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests.factories import ProjectFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached lookups (custom-field definitions, throttling counters) must not outlive a test's rolled-back rows."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language: a page requested in Chinese leaves Chinese active in the thread
    (LocaleMiddleware activates it and nothing resets it), which made later tests' messages Chinese depending on
    the order xdist gave them."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _tiers(request):
    """The member tiers that migration members/0002 writes: a transactional test's flush removes them, and any test
    that runs after it on the same worker (the API fuzz's world enrols a member) would find none. Put them back."""
    if not request.node.get_closest_marker("django_db") and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    from members.defaults import ensure_default_tiers
    from members.models import Tier

    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    ensure_default_tiers(Tier)


@pytest.fixture
def project_a(db):
    return ProjectFactory(code="project-a", name="Project A")


@pytest.fixture
def project_b(db):
    return ProjectFactory(code="project-b", name="Project B")


@pytest.fixture
def org(db, project_a):
    director = UserFactory(username="director", role="sales_manager")
    team_lead = UserFactory(username="team_lead", role="sales_manager")
    south_lead = UserFactory(username="south_lead", role="sales_manager")
    service_manager = UserFactory(username="service_manager", role="service_manager")
    department = TeamFactory(name="Sales Department", kind="department", manager=director)
    north = TeamFactory(name="Team North", parent=department, manager=team_lead)
    south = TeamFactory(name="Team South", parent=department, manager=south_lead)
    service = TeamFactory(name="Customer Service", kind="department", manager=service_manager)
    people = {
        "director": UserFactory(username="director", team=department),
        "team_lead": UserFactory(username="team_lead", team=north),
        "south_lead": UserFactory(username="south_lead", team=south),
        "service_manager": UserFactory(username="service_manager", team=service),
        "rep": UserFactory(username="rep", role="sales_rep", team=north),
        "other_rep_same_team": UserFactory(username="rep2", role="sales_rep", team=north),
        "other_rep": UserFactory(username="other_rep", role="sales_rep", team=south),
        "service_agent": UserFactory(username="service_agent", role="service_agent", team=service),
        "executive": UserFactory(username="executive", role="executive"),
        "marketing": UserFactory(username="marketing", role="marketing"),
        "admin_user": UserFactory(username="admin_user", role="admin"),
    }
    people["service_agent"].staff.projects.add(project_a)
    # Teams were set with update(): reload so each user's cached staff profile is current.
    User = type(people["rep"])
    fresh = {
        user.pk: user for user in User.objects.select_related("staff").filter(pk__in=[u.pk for u in people.values()])
    }
    people = {key: fresh[user.pk] for key, user in people.items()}
    people.update({"department": department, "north": north, "south": south, "service": service})
    return people


@pytest.fixture
def rep(org):
    return org["rep"]


@pytest.fixture
def other_rep(org):
    return org["other_rep"]


@pytest.fixture
def team_lead(org):
    return org["team_lead"]


@pytest.fixture
def executive(org):
    return org["executive"]


@pytest.fixture
def admin_user(org):
    return org["admin_user"]


@pytest.fixture
def service_agent(org):
    return org["service_agent"]
