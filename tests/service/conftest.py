"""Fixtures of the service tests: a contracted buyer in project_a (served by the cast's service agent)."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from sales.models import Deal
from tests.factories import CustomerFactory
from tests.sales.factories import BuildingFactory, DealFactory, OpportunityFactory, UnitFactory

User = get_user_model()


@pytest.fixture(autouse=True)
def _service_defaults(request):
    """The configuration service/0002 writes; a transactional test earlier on the worker flushes it: put it back."""
    if not request.node.get_closest_marker("django_db") and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from django.apps import apps

    from service.defaults import ensure_defaults

    ensure_defaults(apps.get_model)


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def agent(org):
    return fresh(org["service_agent"])


@pytest.fixture
def manager(org):
    return fresh(org["service_manager"])


@pytest.fixture
def building_a(project_a):
    return BuildingFactory(project=project_a, name="Building 1")


def make_contract(*, owner, project, building, contract_no, id_number="", payment="full", delivered_on=None):
    customer = CustomerFactory(owner=owner, team=owner.staff.team, id_number=id_number, email="buyer@example.com")
    unit = UnitFactory(building=building, project=project)
    opportunity = OpportunityFactory(customer=customer, project=project)
    return DealFactory(
        opportunity=opportunity,
        unit=unit,
        stage=Deal.Stage.CONTRACT,
        contract_no=contract_no,
        signed_on=datetime.date(2026, 1, 15),
        payment_method=payment,
        delivered_on=delivered_on,
        price=unit.list_price,
    )


@pytest.fixture
def contract(org, project_a, building_a):
    """A buyer owned by a sales rep of another team, with a contract in project_a."""
    return make_contract(
        owner=fresh(org["other_rep"]),
        project=project_a,
        building=building_a,
        contract_no="HT-2026-0001",
        id_number="11010119900307123X",
        delivered_on=datetime.date(2025, 6, 1),
    )


@pytest.fixture
def buyer(contract):
    return contract.customer


def run_pending_recount() -> int:
    """Run the open tickets' recount that calendar edits queued for after the commit, and drop it from the queue;
    returns how many were queued (one, however many edits). Tests never commit, and the queue may already hold
    one from earlier in the test's transaction (then an edit rightly queues no second one), so the tests count the
    whole pending queue rather than what a capture block saw added."""
    from django.db import connection

    from service.services.sla import _recount_after_commit

    pending = [entry for entry in connection.run_on_commit if entry[1] is _recount_after_commit]
    connection.run_on_commit = [entry for entry in connection.run_on_commit if entry[1] is not _recount_after_commit]
    for _sids, function, _robust in pending:
        function()
    return len(pending)
