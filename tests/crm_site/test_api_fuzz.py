"""The whole JSON API, fuzzed in-process: schemathesis against the WSGI app, as an admin and as a sales rep.

Every operation of /api/v1/openapi.json is one test per role, read from the document itself: an endpoint
added later is fuzzed without touching this file. A test fails on any 500 and on an answer that does not
match the documented schema (status, content type, body). Each example runs in a savepoint that is rolled
back, against a small organisation with customers, deals, money, promises, targets and a partner; `steer`
points generated ids at its rows and puts NUL characters into some texts, and date-times come with and
without offsets, so the input check and the rules behind each endpoint are reached, not only the 404s.

Bounded for CI (2 cores): FUZZ_EXAMPLES examples per operation and role (derandomized: the same inputs on
every run), and no new request once an operation has used FUZZ_SECONDS. A longer run, outside the suite:
    API_FUZZ_EXAMPLES=200 API_FUZZ_SECONDS=120 pytest tests/crm_site/test_api_fuzz.py -p no:xdist
"""

import datetime
import os
import time
import zlib
from decimal import Decimal

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from crm_site.models import ApiToken, CustomField
from crm_site.wsgi import application
from customers.models import Inquiry, Interaction
from customers.services import inquiries as inquiry_services
from customers.services import interactions as interaction_services
from members import services as member_services
from sales.models import Campaign, Deal, Partner, Promise, SalesTarget
from sales.services import leasing, money, partners, promises, quotas
from tests.factories import CustomerFactory
from tests.sales.factories import BuildingFactory, DealFactory, OpportunityFactory, UnitFactory

pytestmark = pytest.mark.django_db

FUZZ_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "20"))
FUZZ_SECONDS = float(os.environ.get("API_FUZZ_SECONDS", "3"))
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": FUZZ_EXAMPLES, "deterministic": True, "database": "none"},
        "cache": {"enabled": False},  # no failures replayed from an earlier run: each run is the same
        "phases": {"coverage": {"unexpected-methods": []}, "stateful": {"enabled": False}},
    }
)
# Function-scoped fixtures (the organisation) are shared by a test's examples on purpose: each example's writes
# are rolled back.
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Date-times of every kind the API must take or refuse with 422: near today and anywhere, with and without an offset.
OFFSETS = st.sampled_from([datetime.UTC, *(datetime.timezone(datetime.timedelta(hours=h)) for h in (8, -12, 14))])
NEAR = {"min_value": datetime.datetime(2020, 1, 1), "max_value": datetime.datetime(2030, 12, 31)}
schemathesis.openapi.format(
    "date-time",
    st.one_of(
        st.datetimes(**NEAR),
        st.datetimes(**NEAR, timezones=OFFSETS),
        st.datetimes(),
        st.datetimes(timezones=OFFSETS),
    ).map(datetime.datetime.isoformat),
)
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture
def world(org, project_a):
    """A small organisation: the rep's customers with opportunities, a reservation, a contract with its
    installments, a lease, contacts, a promise, a target, a campaign, a partner's registration, an inquiry."""
    rep, admin, lead = org["rep"], org["admin_user"], org["team_lead"]
    today = timezone.localdate()
    mine = [CustomerFactory(owner=rep) for _ in range(3)]
    CustomerFactory(owner=org["other_rep"])
    building = BuildingFactory(project=project_a)
    units = UnitFactory.create_batch(6, building=building)
    reserved = OpportunityFactory(customer=mine[0], project=project_a)
    DealFactory(opportunity=reserved, unit=units[0])
    signed = DealFactory(
        opportunity=OpportunityFactory(customer=mine[1], project=project_a),
        unit=units[1],
        stage=Deal.Stage.CONTRACT,
        price=Decimal("2000000.00"),
        signed_on=today,
    )
    money.schedule_create(deal=signed, plan=money.Plan.FULL, by=rep)
    units[2].for_lease = True
    units[2].save(update_fields=["for_lease"])
    leasing.lease_create(
        unit=units[2],
        tenant=mine[2],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=365),
        monthly_rent=Decimal("5000"),
        by=rep,
    )
    interaction_services.interaction_log(customer=mine[0], by=rep, channel=Interaction.Channel.PHONE, summary="Call")
    promises.promise_create(
        customer=mine[0], project=project_a, topic=Promise.Topic.OTHER, content="Parking space", by=rep
    )
    quotas.target_create(
        month=today.replace(day=1), level=SalesTarget.Level.REP, subject=rep, by=lead, amount=Decimal("1000000")
    )
    Campaign.objects.create(
        name="Spring", project=project_a, starts_on=today, ends_on=today + datetime.timedelta(days=30), owner=admin
    )
    agency = Partner.objects.create(name="Sunshine")
    partners.registration_create(partner=agency, project=project_a, customer_name="Zhao", phone="13900001234", by=admin)
    inquiry_services.inquiry_receive(name="Qian", phone="13900005678", channel=Inquiry.Channel.WEB)
    member = member_services.member_enrol(customer=mine[1], by=rep)
    member_services.points_earn(member=member, amount=500, reason="Welcome")
    member_services.referral_create(referrer=mine[1], name="Sun", phone="13900004321", by=rep)
    for entity in ("opportunity", "deal", "unit"):  # custom fields, so their validation meets the fuzz too
        CustomField.objects.create(entity=entity, key="budget", label_en="Budget", field_type="number")
        CustomField.objects.create(entity=entity, key="grade", label_en="Grade", field_type="choice", choices="a|A|甲")
    tokens = {role: ApiToken.issue(user=user, name="fuzz")[1] for role, user in (("admin", admin), ("rep", rep))}
    return {"tokens": tokens, "ids": existing_ids()}


@pytest.fixture
def wsgi_requests():
    """Requests through the WSGI app inside the test's transaction: Django's test client does the same."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


FUZZED_APPS = ("auth", "crm_site", "customers", "sales", "members", "service", "analytics")


def existing_ids() -> dict[str, list[int]]:
    """The primary keys on file per model name ("customer": [...]), and all of them under ""."""
    ids = {
        model._meta.model_name: list(model.objects.values_list("pk", flat=True)[:50])
        for model in apps.get_models()
        if model._meta.app_label in FUZZED_APPS and model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
    }
    ids[""] = sorted({pk for values in ids.values() for pk in values})
    return ids


def steer(case, ids) -> None:
    """Point most generated integer ids at rows that exist (`customer_id` at a customer, other ids at some row),
    and put a NUL character into one text in eight of the query and the body: every endpoint must refuse it."""

    def pointed(name, value):
        if not isinstance(value, int) or isinstance(value, bool) or value % 4 == 3:
            return value
        pool = ids.get(name.removesuffix("_id")) or ids[""]
        return pool[value % len(pool)] if pool else value

    for part in (case.path_parameters, case.query, case.body):
        if not isinstance(part, dict):
            continue
        for name, value in part.items():
            if isinstance(value, str) and part is not case.path_parameters:
                if zlib.crc32(value.encode(errors="surrogatepass")) % 8 == 0:
                    part[name] = f"{value}\x00"
            elif name.endswith("_id") or part is case.path_parameters or name in ids:
                part[name] = pointed(name, value)


@pytest.fixture
def fuzz_deadline():
    """No request after FUZZ_SECONDS in one test: the examples are bounded, this bounds slow machines too."""
    return time.monotonic() + FUZZ_SECONDS


@pytest.mark.parametrize("role", ["admin", "rep"])
@SCHEMA.parametrize()
@FUZZ
def test_the_api_answers_every_input_as_documented(case, role, world, wsgi_requests, fuzz_deadline):
    if time.monotonic() > fuzz_deadline:
        return
    headers = {"Authorization": f"Bearer {world['tokens'][role]}"}
    steer(case, world["ids"])
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS, headers=headers)
