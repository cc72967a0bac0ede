"""The funnel API at /api/v1/funnel/: scope (404), permissions (403), validation (422), a taken unit (409)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from crm_site.models import ApiToken
from sales.models import Deal, Opportunity, Unit
from sales.services import deals as deal_services
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory, UnitFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
BASE = "/api/v1/funnel"


@pytest.fixture
def cast(org):
    return {key: User.objects.get(pk=value.pk) if isinstance(value, User) else value for key, value in org.items()}


def token_for(user) -> dict:
    _token, raw = ApiToken.issue(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


def opportunity_of(user, project, **kwargs):
    customer = CustomerFactory(owner=user, team=user.staff.team)
    return OpportunityFactory(customer=customer, owner=user, project=project, **kwargs)


def test_the_api_needs_authentication(client):
    assert client.get(f"{BASE}/opportunities/").status_code == 401


def test_opportunities_are_scoped(client, cast, project_a):
    mine = opportunity_of(cast["rep"], project_a)
    theirs = opportunity_of(cast["other_rep"], project_a)
    auth = token_for(cast["rep"])
    response = client.get(f"{BASE}/opportunities/", headers=auth)
    assert [item["id"] for item in response.json()["items"]] == [mine.pk]
    assert client.get(f"{BASE}/opportunities/{theirs.pk}/", headers=auth).status_code == 404
    assert client.get(f"{BASE}/opportunities/{theirs.pk}/stages/", headers=auth).status_code == 404
    move = client.post(
        f"{BASE}/opportunities/{theirs.pk}/move/", {"stage": "visited"}, "application/json", headers=auth
    )
    assert move.status_code == 404
    lead = token_for(cast["team_lead"])
    assert client.get(f"{BASE}/opportunities/{mine.pk}/", headers=lead).status_code == 200


def test_create_move_and_stage_history(client, cast, project_a):
    rep = cast["rep"]
    customer = CustomerFactory(owner=rep, team=rep.staff.team)
    auth = token_for(rep)
    body = {"customer_id": customer.pk, "project_id": project_a.pk, "expected_amount": "1800000.00"}
    response = client.post(f"{BASE}/opportunities/", body, "application/json", headers=auth)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    again = client.post(f"{BASE}/opportunities/", body, "application/json", headers=auth)
    assert again.status_code == 409 and again.json()["existing_id"] == pk
    moved = client.post(f"{BASE}/opportunities/{pk}/move/", {"stage": "visited"}, "application/json", headers=auth)
    assert moved.status_code == 200 and moved.json()["stage"] == "visited"
    bad = client.post(f"{BASE}/opportunities/{pk}/move/", {"stage": "contract"}, "application/json", headers=auth)
    assert bad.status_code == 422 and bad.json()["errors"]
    stages = client.get(f"{BASE}/opportunities/{pk}/stages/", headers=auth).json()
    assert [row["to_stage"] for row in stages] == ["lead", "visited"]


def test_create_with_invalid_fields_is_422_and_changes_nothing(client, cast, project_a):
    theirs = CustomerFactory(owner=cast["other_rep"])
    auth = token_for(cast["rep"])
    response = client.post(
        f"{BASE}/opportunities/", {"customer_id": theirs.pk, "project_id": 999999}, "application/json", headers=auth
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"customer_id", "project_id"}
    negative = client.post(
        f"{BASE}/opportunities/",
        {"customer_id": theirs.pk, "project_id": project_a.pk, "expected_amount": "-1"},
        "application/json",
        headers=auth,
    )
    assert negative.status_code == 422
    assert not Opportunity.objects.exists()


def test_roles_without_the_permission_get_403(client, cast):
    auth = token_for(cast["marketing"])
    assert client.get(f"{BASE}/opportunities/", headers=auth).status_code == 403
    assert client.get(f"{BASE}/deals/", headers=auth).status_code == 403
    assert client.post(f"{BASE}/deals/", {}, "application/json", headers=token_for(cast["executive"])).status_code in (
        403,
        422,
    )


def test_reserve_subscribe_contract_and_cancel(client, cast, project_a):
    rep = cast["rep"]
    opportunity = opportunity_of(rep, project_a, stage=Opportunity.Stage.INTENDING)
    unit = UnitFactory(building__project=project_a)
    auth = token_for(rep)
    response = client.post(
        f"{BASE}/deals/",
        {"opportunity_id": opportunity.pk, "unit_id": unit.pk, "deposit": "30000"},
        "application/json",
        headers=auth,
    )
    assert response.status_code == 201, response.content
    deal_id = response.json()["id"]
    sub = {"price": "1950000.00", "payment_method": "mortgage", "subscribed_on": "2026-03-01"}
    assert client.post(f"{BASE}/deals/{deal_id}/subscribe/", sub, "application/json", headers=auth).json()["stage"] == (
        "subscription"
    )
    contract = {"price": "1950000", "payment_method": "mortgage", "signed_on": "2026-03-05", "contract_no": "HT-1"}
    response = client.post(f"{BASE}/deals/{deal_id}/contract/", contract, "application/json", headers=auth)
    assert response.json()["stage"] == "contract" and Unit.objects.get(pk=unit.pk).status == "contracted"
    response = client.post(f"{BASE}/deals/{deal_id}/cancel/", {"reason": "refund"}, "application/json", headers=auth)
    assert response.json()["state"] == "cancelled" and Unit.objects.get(pk=unit.pk).status == "available"
    listed = client.get(f"{BASE}/deals/", {"state": "cancelled"}, headers=auth).json()["items"]
    assert [item["id"] for item in listed] == [deal_id]


def test_reserving_a_taken_unit_is_409_and_bad_input_422(client, cast, project_a):
    unit = UnitFactory(building__project=project_a)
    rep, colleague = cast["rep"], cast["other_rep_same_team"]
    deal_services.deal_reserve(
        opportunity=opportunity_of(colleague, project_a), unit=unit, deposit=Decimal("1"), by=colleague
    )
    auth = token_for(rep)
    mine = opportunity_of(rep, project_a)
    body = {"opportunity_id": mine.pk, "unit_id": unit.pk, "deposit": "1"}
    response = client.post(f"{BASE}/deals/", body, "application/json", headers=auth)
    assert response.status_code == 409 and "just taken" in response.json()["detail"]
    body = {"opportunity_id": mine.pk, "unit_id": UnitFactory(building__project=project_a).pk, "deposit": "-5"}
    assert client.post(f"{BASE}/deals/", body, "application/json", headers=auth).status_code == 422
    past = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).isoformat()
    body = {**body, "deposit": "5", "expires_at": past}
    response = client.post(f"{BASE}/deals/", body, "application/json", headers=auth)
    assert response.status_code == 422 and "expires_at" in response.json()["errors"]
    assert Deal.objects.count() == 1


def test_deals_of_another_rep_are_404(client, cast, project_a):
    other = cast["other_rep"]
    deal = deal_services.deal_reserve(
        opportunity=opportunity_of(other, project_a),
        unit=UnitFactory(building__project=project_a),
        deposit=Decimal("1"),
        by=other,
    )
    auth = token_for(cast["rep"])
    assert client.get(f"{BASE}/deals/{deal.pk}/", headers=auth).status_code == 404
    response = client.post(f"{BASE}/deals/{deal.pk}/cancel/", {"reason": "x"}, "application/json", headers=auth)
    assert response.status_code == 404
