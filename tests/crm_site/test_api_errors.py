"""The API never answers 500 for bad input, answers JSON when it fails, and documents its error answers.

Each rule is held once for every endpoint (crm_site/api/inputs.py, errors.py, common.py); these tests
probe it through a few endpoints, and tests/crm_site/test_api_fuzz.py through all of them.
"""

import datetime
import json
import logging
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from crm_site.api import inputs
from crm_site.api.common import MAX_PAGE
from crm_site.middleware import IdleTimeoutMiddleware
from crm_site.models import ApiToken
from customers.models import Customer, Interaction
from sales.models import Deal
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, UnitFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers/"


@pytest.fixture
def as_rep(client, rep):
    _token, raw = ApiToken.issue(user=rep, name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def issues(response) -> dict:
    """{location: type} of a 422 in ninja's shape."""
    assert response.status_code == 422, response.content
    return {tuple(issue["loc"]): issue["type"] for issue in response.json()["detail"]}


def yesterday_naive() -> datetime.datetime:
    return (timezone.localtime() - datetime.timedelta(days=1)).replace(tzinfo=None, microsecond=0)


# --- NUL characters -------------------------------------------------------------------------------------------


def test_a_nul_in_a_body_field_is_a_422_naming_the_field_and_creates_nothing(as_rep):
    response = post(as_rep, CUSTOMERS, {"name": "\u0000x", "phone": "17700000001"})
    assert issues(response) == {("body", "payload", "name"): "string_nul"}
    assert not Customer.objects.exists()


def test_a_nul_in_a_query_parameter_is_a_422_naming_the_parameter(as_rep):
    assert issues(as_rep.get(CUSTOMERS, {"q": "\u0000"})) == {("query", "q"): "string_nul"}


def test_a_nul_deep_in_a_json_object_or_its_keys_is_refused_where_it_is(as_rep):
    body = {"name": "Wang", "phone": "17700000001", "tags": ["ok", "b\u0000d"], "custom": {"k\u0000": "v"}}
    assert issues(post(as_rep, CUSTOMERS, body)) == {
        ("body", "payload", "tags", 1): "string_nul",
        ("body", "payload", "custom"): "string_nul",
    }


def test_a_nul_in_an_unauthenticated_request_is_still_a_401(client):
    assert client.get(CUSTOMERS, {"q": "\u0000"}).status_code == 401


# --- pagination -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [10**18, MAX_PAGE + 1, 0])
def test_a_page_beyond_its_bounds_is_a_422(as_rep, page):
    assert issues(as_rep.get(CUSTOMERS, {"page": page})) == {("query", "page"): _bound_type(page)}


def _bound_type(page):
    return "greater_than_equal" if page < 1 else "less_than_equal"


def test_the_last_allowed_page_is_an_empty_page(as_rep):
    response = as_rep.get(CUSTOMERS, {"page": MAX_PAGE})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_page_size_beyond_its_bound_is_a_422(as_rep):
    assert issues(as_rep.get(CUSTOMERS, {"page_size": 10**30})) == {("query", "page_size"): "less_than_equal"}


def test_every_paginated_operation_documents_a_bounded_page(client):
    """Holds for endpoints added later: an unbounded `page` would overflow the database's OFFSET."""
    schema = client.get("/api/v1/openapi.json").json()
    pages = [
        (path, parameter["schema"])
        for path, methods in schema["paths"].items()
        for operation in methods.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and parameter["name"] in ("page", "page_size")
    ]
    assert len(pages) > 20
    unbounded = [path for path, bounds in pages if not any("maximum" in b for b in [bounds, *bounds.get("anyOf", [])])]
    assert not unbounded


def _unbounded_texts(schema, components, path=()):
    """Paths of the strings in `schema` without maxLength (nor enum, format or pattern); decimals' text form aside."""
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    alternatives = schema.get("anyOf", [])
    numeric = any(alternative.get("type") == "number" for alternative in alternatives)
    for alternative in alternatives:
        if not (numeric and alternative.get("type") == "string"):
            yield from _unbounded_texts(alternative, components, path)
    for name, field in schema.get("properties", {}).items():
        yield from _unbounded_texts(field, components, (*path, name))
    if "items" in schema:
        yield from _unbounded_texts(schema["items"], components, (*path, "[]"))
    if schema.get("type") == "string" and not {"maxLength", "enum", "format", "pattern", "const"} & set(schema):
        yield path


def test_every_text_in_a_request_body_has_a_maximum_length(client):
    """PostgreSQL refuses text longer than its column: the schema must refuse it first (and say so)."""
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    unbounded = [
        (method, path, ".".join(field))
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if "requestBody" in operation
        for field in _unbounded_texts(operation["requestBody"]["content"]["application/json"]["schema"], components)
    ]
    assert not unbounded


def test_a_text_longer_than_its_column_is_a_422(as_rep):
    body = {"name": "Wang", "phone": "17700000001", "email": f"{'a' * 250}@example.com", "tags": ["t" * 31]}
    assert issues(post(as_rep, CUSTOMERS, body)) == {
        ("body", "payload", "email"): "string_too_long",
        ("body", "payload", "tags", 0): "string_too_long",
    }


# --- numbers ----------------------------------------------------------------------------------------------------


def test_an_id_beyond_64_bits_in_the_path_is_a_422(as_rep):
    assert issues(as_rep.get(f"{CUSTOMERS}{2**64}/")) == {("path", "customer_id"): "int_range"}


def test_an_id_beyond_64_bits_in_the_body_is_a_422(as_rep, project_a):
    body = {"customer_id": 2**63, "project_id": project_a.pk}
    assert issues(post(as_rep, "/api/v1/funnel/opportunities/", body)) == {
        ("body", "payload", "customer_id"): "int_range"
    }


def test_nan_and_infinity_in_json_are_refused(as_rep):
    raw = '{"name": "Wang", "phone": "17700000001", "custom": {"a": NaN, "b": [Infinity]}}'
    response = as_rep.post(CUSTOMERS, data=raw, content_type="application/json")
    assert issues(response) == {
        ("body", "payload", "custom", "a"): "finite_number",
        ("body", "payload", "custom", "b", 0): "finite_number",
    }


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        (Decimal("1E+1000000"), True),
        (Decimal("1E-31"), True),
        (Decimal("NaN"), True),
        (Decimal("123456789012345678901234567890.5"), False),
        (Decimal("-0.000001"), False),
        (float("inf"), True),
        (2**63, True),
        (-(2**63), False),
        (True, False),
    ],
)
def test_numbers_are_refused_beyond_what_a_database_column_can_hold(value, refused):
    errors = []
    inputs._walk({"x": value}, ("payload",), errors)
    assert bool(errors) is refused


def test_invalid_json_is_a_400_and_an_empty_body_a_422(as_rep):
    response = as_rep.post(CUSTOMERS, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert issues(as_rep.post(CUSTOMERS, data="", content_type="application/json"))


def test_a_wrong_type_is_a_422(as_rep):
    assert issues(post(as_rep, CUSTOMERS, {"name": ["x"], "phone": {"a": 1}})) == {
        ("body", "payload", "name"): "string_type",
        ("body", "payload", "phone"): "string_type",
    }


# --- date-times -------------------------------------------------------------------------------------------------


def test_a_naive_occurred_at_is_read_in_the_configured_time_zone(as_rep, rep):
    customer = CustomerFactory(owner=rep)
    naive = yesterday_naive()
    response = post(
        as_rep, f"{CUSTOMERS}{customer.pk}/interactions/", {"summary": "Called", "occurred_at": naive.isoformat()}
    )
    assert response.status_code == 201, response.content
    expected = naive.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    assert Interaction.objects.get().occurred_at == expected
    assert datetime.datetime.fromisoformat(response.json()["occurred_at"]) == expected


def test_a_naive_expires_at_on_a_reservation_is_read_in_the_configured_time_zone(as_rep, rep, project_a):
    opportunity = OpportunityFactory(customer__owner=rep, project=project_a)
    unit = UnitFactory(building__project=project_a)
    naive = (timezone.localtime() + datetime.timedelta(days=3)).replace(tzinfo=None, microsecond=0)
    body = {"opportunity_id": opportunity.pk, "unit_id": unit.pk, "deposit": "50000", "expires_at": naive.isoformat()}
    response = post(as_rep, "/api/v1/funnel/deals/", body)
    assert response.status_code == 201, response.content
    assert Deal.objects.get().expires_at == naive.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


def test_the_time_zone_rule_is_in_the_api_description(client):
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]
    assert f"read in the server's time zone, {settings.TIME_ZONE}" in description


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00", "0001-01-01T05:00:00+08:00", "9999-12-31T23:00:00-12:00", "1899-12-31T23:59:59"],
)
def test_a_date_time_out_of_range_after_conversion_is_a_422(as_rep, rep, value):
    customer = CustomerFactory(owner=rep)
    response = post(as_rep, f"{CUSTOMERS}{customer.pk}/interactions/", {"summary": "x", "occurred_at": value})
    assert issues(response) == {("body", "payload", "occurred_at"): "date_range"}
    assert not Interaction.objects.exists()


def test_an_offset_of_a_day_or_more_is_a_422(as_rep, rep):
    customer = CustomerFactory(owner=rep)
    response = post(
        as_rep, f"{CUSTOMERS}{customer.pk}/interactions/", {"summary": "x", "occurred_at": "2026-01-01T00:00:00+24:00"}
    )
    assert set(issues(response)) == {("body", "payload", "occurred_at")}


def test_a_date_out_of_range_is_a_422(as_rep):
    body = {"name": "Wang", "phone": "17700000001", "birth_date": "0001-01-01"}
    assert issues(post(as_rep, CUSTOMERS, body)) == {("body", "payload", "birth_date"): "date_range"}


# --- unexpected errors ------------------------------------------------------------------------------------------


def test_an_unexpected_error_in_an_endpoint_is_a_json_500_with_an_id_in_the_log(as_rep, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("selector exploded")

    monkeypatch.setattr("customers.selectors.customer_list", broken)
    with caplog.at_level(logging.ERROR, logger="crm_site.api"):
        response = as_rep.get(CUSTOMERS)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    error_id = response.json()["error_id"]
    assert error_id in response.json()["detail"]
    [record] = [record for record in caplog.records if error_id in record.getMessage()]
    assert "RuntimeError: selector exploded" in caplog.text
    assert record.exc_info is not None


def test_an_unexpected_error_outside_the_endpoint_is_still_a_json_500(rep, client, monkeypatch, caplog):
    original = IdleTimeoutMiddleware.__call__

    def broken(self, request):
        if request.path.startswith("/api/"):
            raise RuntimeError("middleware exploded")
        return original(self, request)

    monkeypatch.setattr(IdleTimeoutMiddleware, "__call__", broken)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="crm_site.api"):
        response = client.get(CUSTOMERS)
        page = client.get("/accounts/login/")
    assert response.status_code == 500
    error_id = response.json()["error_id"]
    assert any(error_id in record.getMessage() and record.exc_info for record in caplog.records)
    assert page.status_code == 200  # pages are not affected


@pytest.mark.parametrize(
    ("raised", "status", "body"),
    [
        (PermissionDenied("Not your deal."), 403, {"detail": "Not your deal."}),
        (
            ValidationError({"level": ["Unknown level."]}),
            422,
            {"detail": "Unknown level.", "errors": {"level": ["Unknown level."]}},
        ),
    ],
)
def test_a_rule_an_endpoint_did_not_translate_is_still_its_json_answer(as_rep, monkeypatch, raised, status, body):
    def refuses(**kwargs):
        raise raised

    monkeypatch.setattr("customers.selectors.customer_list", refuses)
    response = as_rep.get(CUSTOMERS)
    assert response.status_code == status
    assert response.json() == body


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100, DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_a_body_too_large_or_too_many_parameters_is_a_json_400(as_rep):
    large = post(as_rep, CUSTOMERS, {"name": "x" * 200, "phone": "17700000001"})
    many = as_rep.get(CUSTOMERS, {f"p{n}": n for n in range(6)})
    for response in (large, many):
        assert response.status_code == 400
        assert response.json()["detail"]


def test_a_path_under_the_api_that_names_no_endpoint_is_a_json_404(as_rep):
    response = as_rep.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    response = post(as_rep, CUSTOMERS.rstrip("/"), {"name": "Wang", "phone": "17700000001"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found. Did you mean /api/v1/customers/ ?"}


# --- documentation ----------------------------------------------------------------------------------------------


def test_the_openapi_document_lists_the_error_answers_of_every_operation(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    assert {"ErrorDetail", "FieldErrors", "ValidationErrors", "ValidationIssue", "ServerError"} <= set(components)
    operations = [(path, method, op) for path, methods in schema["paths"].items() for method, op in methods.items()]
    assert len(operations) > 40
    for path, method, operation in operations:
        statuses = set(operation["responses"])
        assert {"400", "401", "403", "500"} <= statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)
        if method != "get":
            assert {"409", "422"} <= statuses, (method, path)
        for status in statuses - {"200", "201"}:
            content = operation["responses"][status]["content"]["application/json"]["schema"]
            assert "$ref" in content or "anyOf" in content


@pytest.mark.parametrize("body", [{"name": "\u0000x", "phone": "17700000001"}, {"name": "x"}])
def test_a_422_has_the_documented_shape(as_rep, body):
    assert issues(post(as_rep, CUSTOMERS, body))
    for issue in post(as_rep, CUSTOMERS, body).json()["detail"]:
        assert {"type", "loc", "msg"} <= set(issue) <= {"type", "loc", "msg", "ctx"}
