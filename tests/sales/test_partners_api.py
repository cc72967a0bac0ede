"""The partners API: partner tokens register customers and read only their own rows; staff read scoped rows."""

import pytest
from django.urls import reverse

from crm_site.models import ApiToken
from sales.models import Commission, Deal, Partner, PartnerRegistration
from sales.services import partners as services
from tests.factories import CustomerFactory, UserFactory
from tests.sales.factories import DealFactory, OpportunityFactory

URL = "/api/v1/partners/registrations/"


def bearer(user):
    _token, raw = ApiToken.issue(user=user, name="partner")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def agent(db):
    user = UserFactory(username="api_agent", role="partner")
    partner = Partner.objects.create(name="API Agency")
    partner.users.add(user)
    return user, partner


@pytest.fixture
def other_agent(db):
    user = UserFactory(username="api_agent_b", role="partner")
    partner = Partner.objects.create(name="API Agency B")
    partner.users.add(user)
    return user, partner


def post(client, user, **payload):
    return client.post(URL, payload, content_type="application/json", headers=bearer(user))


def test_a_partner_token_registers_a_customer(client, agent, project_a):
    response = post(client, agent[0], project_id=project_a.pk, customer_name="Zhao Lei", phone="13800007777")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "protected" and body["phone"] == "13800007777"
    assert PartnerRegistration.objects.get().partner == agent[1]


def test_a_duplicate_answers_409_with_the_reason(client, agent, other_agent, project_a, rep):
    CustomerFactory(owner=rep, phone="13800008888")
    response = post(client, agent[0], project_id=project_a.pk, customer_name="X", phone="13800008888")
    assert response.status_code == 409
    assert response.json()["reason"] == "already a customer"
    assert "rep" not in response.content.decode()
    post(client, agent[0], project_id=project_a.pk, customer_name="Y", phone="13800006666")
    response = post(client, other_agent[0], project_id=project_a.pk, customer_name="Y", phone="13800006666")
    assert response.status_code == 409
    assert response.json()["reason"] == "already registered by another partner"


def test_bad_input_answers_422_and_saves_nothing(client, agent, project_a):
    assert post(client, agent[0], project_id=project_a.pk, customer_name="X", phone="12").status_code == 422
    assert post(client, agent[0], project_id=999999, customer_name="X", phone="13800007777").status_code == 422
    assert post(client, agent[0], project_id=project_a.pk, customer_name="", phone="13800007777").status_code == 422
    assert not PartnerRegistration.objects.exists()


def test_only_partner_users_of_exactly_one_partner_may_register(client, agent, project_a, rep):
    assert post(client, rep, project_id=project_a.pk, customer_name="X", phone="13800007777").status_code == 403
    second = Partner.objects.create(name="Second")
    second.users.add(agent[0])
    assert post(client, agent[0], project_id=project_a.pk, customer_name="X", phone="13800007777").status_code == 403
    assert client.post(URL, {}, content_type="application/json").status_code == 401


def test_partners_list_only_their_own_registrations_and_commissions(client, agent, other_agent, project_a, rep):
    services.registration_create(
        partner=agent[1], project=project_a, customer_name="Mine", phone="13800001111", by=agent[0]
    )
    services.registration_create(
        partner=other_agent[1], project=project_a, customer_name="Theirs", phone="13800002222", by=other_agent[0]
    )
    customer = CustomerFactory(owner=rep, phone="13800001111")
    deal = DealFactory(opportunity=OpportunityFactory(customer=customer, project=project_a))
    deal.stage = Deal.Stage.CONTRACT
    deal.save()
    assert Commission.objects.count() == 1
    mine = client.get(URL, headers=bearer(agent[0])).json()["items"]
    assert [row["customer_name"] for row in mine] == ["Mine"]
    theirs = client.get(URL, {"partner_id": agent[1].pk}, headers=bearer(other_agent[0])).json()["items"]
    assert [row["customer_name"] for row in theirs] == ["Theirs"]
    assert len(client.get("/api/v1/partners/commissions/", headers=bearer(agent[0])).json()["items"]) == 1
    assert client.get("/api/v1/partners/commissions/", headers=bearer(other_agent[0])).json()["items"] == []


def test_staff_list_every_partners_registrations_and_reps_may_not(
    client, agent, other_agent, project_a, team_lead, rep
):
    for index, (user, partner) in enumerate((agent, other_agent)):
        services.registration_create(
            partner=partner, project=project_a, customer_name=f"C{index}", phone=f"1380000{index}000", by=user
        )
    rows = client.get(URL, headers=bearer(team_lead)).json()["items"]
    assert len(rows) == 2
    rows = client.get(URL, {"partner_id": agent[1].pk}, headers=bearer(team_lead)).json()["items"]
    assert [row["customer_name"] for row in rows] == ["C0"]
    assert client.get(URL, headers=bearer(rep)).status_code == 403
    assert client.get("/api/v1/partners/commissions/", headers=bearer(rep)).status_code == 403


def test_the_portal_url_is_the_partner_page():
    assert reverse("sales:partner-portal") == "/sales/partner/"
