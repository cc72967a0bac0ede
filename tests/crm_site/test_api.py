"""The JSON API at /api/v1/: schema, bearer tokens, scope, masking, validation, duplicates, staff."""

import io

import pytest
from django.core.management import CommandError, call_command

from crm_site.models import AccessLog, ApiToken
from customers.models import Customer
from tests.factories import CustomerFactory, CustomFieldFactory, UserFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers/"
STAFF = "/api/v1/staff/"


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def token_for(user) -> dict:
    _token, raw = ApiToken.issue(user=user, name="t")
    return bearer(raw)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def payload(**overrides) -> dict:
    data = {"name": "Wang Fang", "phone": "+86 139-0000-1111"}
    data.update(overrides)
    return data


# --- schema and docs ------------------------------------------------------------------------------


def test_openapi_schema_lists_the_customer_and_staff_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Estate CRM API"
    paths = schema["paths"]
    assert "/api/v1/customers/" in paths
    assert "/api/v1/customers/{customer_id}/" in paths
    assert "/api/v1/staff/" in paths
    assert set(paths["/api/v1/customers/"]) >= {"get", "post"}


def test_openapi_schema_declares_bearer_authentication(client):
    schema = client.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert any(scheme.get("scheme") == "bearer" for scheme in schemes.values())


def test_api_docs_page_renders(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "openapi.json" in response.text


# --- authentication ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [CUSTOMERS, STAFF, "/api/v1/staff/teams/"])
def test_api_without_credentials_answers_401_json(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Bearer" in response.json()["detail"]


def test_api_with_an_unknown_token_answers_401(client):
    response = client.get(CUSTOMERS, headers=bearer("crm_not-a-real-token"))
    assert response.status_code == 401


def test_api_with_a_valid_token_answers_200(client, rep):
    response = client.get(CUSTOMERS, headers=token_for(rep))
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_a_token_is_stored_only_as_a_hash(rep):
    token, raw = ApiToken.issue(user=rep, name="t")
    assert raw.startswith("crm_")
    assert token.key_hash != raw
    assert raw not in token.key_hash
    assert token.prefix == raw[:12]


def test_using_a_token_records_when_it_was_last_used(client, rep):
    token, raw = ApiToken.issue(user=rep, name="t")
    assert token.last_used_at is None
    client.get(CUSTOMERS, headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_answers_401(client, rep):
    token, raw = ApiToken.issue(user=rep, name="t")
    token.revoked = True
    token.save()
    assert client.get(CUSTOMERS, headers=bearer(raw)).status_code == 401


def test_a_token_of_a_deactivated_user_answers_401(client, rep):
    headers = token_for(rep)
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert client.get(CUSTOMERS, headers=headers).status_code == 401


def test_create_api_token_command_prints_a_working_token(client, rep):
    out = io.StringIO()
    call_command("create_api_token", "rep", "--name", "import script", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("crm_")
    assert ApiToken.objects.get(user=rep).name == "import script"
    assert client.get(CUSTOMERS, headers=bearer(raw)).status_code == 200


def test_create_api_token_command_refuses_unknown_or_inactive_users(rep):
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody-here", stdout=io.StringIO())
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    with pytest.raises(CommandError):
        call_command("create_api_token", "rep", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


# --- scope ----------------------------------------------------------------------------------------------


def test_a_rep_lists_only_their_own_customers(client, rep, other_rep):
    mine = CustomerFactory(owner=rep)
    CustomerFactory(owner=other_rep)
    assert ids(client.get(CUSTOMERS, headers=token_for(rep))) == {mine.pk}


def test_a_customer_of_another_rep_is_not_found(client, rep, other_rep):
    theirs = CustomerFactory(owner=other_rep)
    response = client.get(f"{CUSTOMERS}{theirs.pk}/", headers=token_for(rep))
    assert response.status_code == 404
    assert theirs.name not in response.text


def test_a_rep_gets_their_own_customer_by_id(client, rep):
    mine = CustomerFactory(owner=rep)
    response = client.get(f"{CUSTOMERS}{mine.pk}/", headers=token_for(rep))
    assert response.status_code == 200
    assert response.json()["id"] == mine.pk
    assert response.json()["phone"] == mine.phone  # owners see their own customers' phones


def test_an_executive_sees_every_customer(client, rep, other_rep, executive):
    mine = CustomerFactory(owner=rep)
    theirs = CustomerFactory(owner=other_rep)
    assert ids(client.get(CUSTOMERS, headers=token_for(executive))) == {mine.pk, theirs.pk}


def test_a_team_lead_sees_the_team_but_not_other_teams(client, org, team_lead):
    mine = CustomerFactory(owner=org["rep"])
    teammate = CustomerFactory(owner=org["other_rep_same_team"])
    CustomerFactory(owner=org["other_rep"])
    assert ids(client.get(CUSTOMERS, headers=token_for(team_lead))) == {mine.pk, teammate.pk}


def test_the_customer_list_keeps_a_query_budget(client, rep, executive, django_assert_max_num_queries):
    for _ in range(30):
        CustomerFactory(owner=rep)
    headers = token_for(executive)
    with django_assert_max_num_queries(10):
        response = client.get(CUSTOMERS, headers=headers)
    assert response.json()["count"] == 30


# --- masking ------------------------------------------------------------------------------------------------

PROJECT_PHONE = "13712341234"


@pytest.fixture
def project_customer(org, project_a):
    return CustomerFactory(owner=org["other_rep"], project=project_a, phone=PROJECT_PHONE)


def test_a_service_agent_sees_the_phone_of_project_customers(client, service_agent, project_customer):
    # Service staff call the buyers they serve: the phone is open to them (service.call_customer), nothing else.
    response = client.get(CUSTOMERS, headers=token_for(service_agent))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [project_customer.pk]
    assert items[0]["phone"] == PROJECT_PHONE


def test_a_service_agent_sees_the_phone_on_the_detail_too(client, service_agent, project_customer):
    response = client.get(f"{CUSTOMERS}{project_customer.pk}/", headers=token_for(service_agent))
    assert response.status_code == 200
    assert response.json()["phone"] == PROJECT_PHONE


def test_the_service_agents_phone_views_are_logged(client, service_agent, project_customer):
    headers = token_for(service_agent)
    client.get(CUSTOMERS, headers=headers)
    client.get(f"{CUSTOMERS}{project_customer.pk}/", headers=headers)
    logs = list(AccessLog.objects.all())
    assert len(logs) == 2
    assert {log.fields for log in logs} == {"phone"}
    assert {log.user for log in logs} == {service_agent}


def test_an_executive_sees_the_phone_and_the_view_is_logged_as_api(client, executive, project_customer):
    response = client.get(CUSTOMERS, headers=token_for(executive))
    assert response.json()["items"][0]["phone"] == PROJECT_PHONE
    log = AccessLog.objects.get()
    assert log.user == executive
    assert log.purpose == AccessLog.Purpose.API
    assert log.model == "customers.customer"
    assert log.object_id == str(project_customer.pk)
    assert "phone" in log.fields.split(",")


def test_an_executive_detail_view_is_logged_as_api(client, executive, project_customer):
    response = client.get(f"{CUSTOMERS}{project_customer.pk}/", headers=token_for(executive))
    assert response.json()["phone"] == PROJECT_PHONE
    assert AccessLog.objects.filter(user=executive, purpose="api", object_id=str(project_customer.pk)).count() == 1


# --- create and update ------------------------------------------------------------------------------------


def test_a_rep_creates_a_customer_with_a_normalised_phone(client, org, rep):
    response = client.post(CUSTOMERS, payload(), content_type="application/json", headers=token_for(rep))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phone"] == "13900001111"
    customer = Customer.objects.get(pk=body["id"])
    assert customer.phone == "13900001111"
    assert customer.owner == rep
    assert customer.team == org["north"]


def test_creating_ignores_an_owner_in_the_payload(client, rep, other_rep):
    response = client.post(
        CUSTOMERS, payload(owner_id=other_rep.pk), content_type="application/json", headers=token_for(rep)
    )
    assert response.status_code == 201
    assert Customer.objects.get(pk=response.json()["id"]).owner == rep


def test_an_invalid_phone_answers_422_with_the_phone_error(client, rep):
    response = client.post(
        CUSTOMERS, payload(phone="not a phone"), content_type="application/json", headers=token_for(rep)
    )
    assert response.status_code == 422
    assert response.json()["errors"]["phone"]
    assert not Customer.objects.exists()


def test_a_missing_name_answers_422_naming_the_field(client, rep):
    data = payload()
    del data["name"]
    response = client.post(CUSTOMERS, data, content_type="application/json", headers=token_for(rep))
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert any(error["loc"][-1] == "name" for error in errors)
    assert not Customer.objects.exists()


def test_a_duplicate_of_a_visible_customer_answers_409_with_its_id(client, rep):
    existing = CustomerFactory(owner=rep, phone="13900001111")
    response = client.post(CUSTOMERS, payload(), content_type="application/json", headers=token_for(rep))
    assert response.status_code == 409
    assert response.json()["existing_id"] == existing.pk
    assert Customer.objects.count() == 1


def test_a_duplicate_of_a_hidden_customer_answers_409_without_revealing_it(client, rep, other_rep):
    existing = CustomerFactory(owner=other_rep, phone="13900001111")
    response = client.post(CUSTOMERS, payload(), content_type="application/json", headers=token_for(rep))
    assert response.status_code == 409
    body = response.json()
    assert "existing_id" not in body
    assert existing.name not in response.text
    assert Customer.objects.count() == 1


def test_a_custom_number_field_rejects_text(client, rep):
    CustomFieldFactory(key="parking", field_type="number")
    response = client.post(
        CUSTOMERS, payload(custom={"parking": "abc"}), content_type="application/json", headers=token_for(rep)
    )
    assert response.status_code == 422
    assert response.json()["errors"]["custom"]["parking"]
    assert not Customer.objects.exists()


def test_a_custom_number_field_stores_the_number(client, rep):
    CustomFieldFactory(key="parking", field_type="number")
    response = client.post(
        CUSTOMERS, payload(custom={"parking": "2"}), content_type="application/json", headers=token_for(rep)
    )
    assert response.status_code == 201
    assert response.json()["custom"] == {"parking": "2"}


def test_an_unknown_custom_key_answers_422(client, rep):
    response = client.post(
        CUSTOMERS, payload(custom={"no_such_field": "1"}), content_type="application/json", headers=token_for(rep)
    )
    assert response.status_code == 422
    assert "no_such_field" in response.json()["errors"]["custom"]
    assert not Customer.objects.exists()


def test_a_role_without_add_permission_cannot_create(client, executive):
    response = client.post(CUSTOMERS, payload(), content_type="application/json", headers=token_for(executive))
    assert response.status_code == 403
    assert not Customer.objects.exists()


def test_a_rep_updates_their_own_customer(client, rep):
    mine = CustomerFactory(owner=rep, phone="13900001111")
    response = client.put(
        f"{CUSTOMERS}{mine.pk}/",
        payload(name="Wang Fang (updated)", phone="139 0000 1111", level="A"),
        content_type="application/json",
        headers=token_for(rep),
    )
    assert response.status_code == 200, response.content
    mine.refresh_from_db()
    assert mine.name == "Wang Fang (updated)"
    assert mine.level == "A"
    assert mine.phone == "13900001111"


def test_a_rep_cannot_update_another_reps_customer(client, rep, other_rep):
    theirs = CustomerFactory(owner=other_rep)
    response = client.put(
        f"{CUSTOMERS}{theirs.pk}/", payload(name="Hijacked"), content_type="application/json", headers=token_for(rep)
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name != "Hijacked"


def test_an_update_to_the_phone_of_another_customer_answers_409(client, rep, other_rep):
    CustomerFactory(owner=other_rep, phone="13900001111")
    mine = CustomerFactory(owner=rep, phone="13900002222")
    response = client.put(f"{CUSTOMERS}{mine.pk}/", payload(), content_type="application/json", headers=token_for(rep))
    assert response.status_code == 409
    mine.refresh_from_db()
    assert mine.phone == "13900002222"


# --- staff ----------------------------------------------------------------------------------------------------


def usernames(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["username"] for item in response.json()["items"]}


def test_a_rep_lists_only_themselves_in_the_staff_api(client, rep):
    assert usernames(client.get(STAFF, headers=token_for(rep))) == {"rep"}


def test_a_team_lead_lists_their_team_but_not_other_teams(client, team_lead):
    seen = usernames(client.get(STAFF, headers=token_for(team_lead)))
    assert {"team_lead", "rep", "rep2"} <= seen
    assert "other_rep" not in seen
    assert "south_lead" not in seen


def test_a_staff_member_outside_scope_is_not_found(client, rep, other_rep):
    response = client.get(f"{STAFF}{other_rep.pk}/", headers=token_for(rep))
    assert response.status_code == 404


def test_a_staff_entry_shows_roles_and_team(client, team_lead, rep):
    response = client.get(f"{STAFF}{rep.pk}/", headers=token_for(team_lead))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "rep"
    assert body["roles"] == ["sales_rep"]
    assert body["team"]["name"] == "Team North"


@pytest.mark.parametrize("path", [STAFF, "/api/v1/staff/teams/", CUSTOMERS])
def test_a_user_without_any_role_is_forbidden(client, org, path):
    nobody = UserFactory(username="nobody")
    response = client.get(path, headers=token_for(nobody))
    assert response.status_code == 403
