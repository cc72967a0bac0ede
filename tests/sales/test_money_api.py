"""The money API: installments, payments and refunds, leases; auth, scope, 422 and 409."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from crm_site.models import ApiToken
from sales.models import Deal, Lease, Payment
from sales.services import money as services
from sales.services.money import Plan
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, UnitFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/money"
D = Decimal


def auth(user) -> dict:
    _token, raw = ApiToken.issue(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


def line_for(owner, days_ago=5):
    deal = DealFactory(
        opportunity__customer__owner=owner,
        stage=Deal.Stage.CONTRACT,
        price=D("1000.00"),
        signed_on=timezone.localdate(),
    )
    first_due = timezone.localdate() - datetime.timedelta(days=days_ago)
    return services.schedule_create(deal=deal, plan=Plan.FULL, by=owner, first_due=first_due)[0]


def test_installments_need_authentication(client):
    assert client.get(f"{BASE}/installments/").status_code == 401


def test_installments_are_scoped_and_filtered(client, rep, other_rep):
    mine = line_for(rep)
    later = line_for(rep, days_ago=-10)
    line_for(other_rep)
    headers = auth(rep)
    items = client.get(f"{BASE}/installments/", headers=headers).json()["items"]
    assert [item["id"] for item in items] == [mine.pk, later.pk]
    assert items[0]["outstanding"] == "1000.00"
    overdue = client.get(f"{BASE}/installments/", {"overdue": "true"}, headers=headers).json()["items"]
    assert [item["id"] for item in overdue] == [mine.pk]
    by_deal = client.get(f"{BASE}/installments/", {"deal": later.deal_id}, headers=headers).json()["items"]
    assert [item["id"] for item in by_deal] == [later.pk]


def test_payment_is_recorded_and_overpayment_is_409(client, rep):
    line = line_for(rep)
    url = f"{BASE}/installments/{line.pk}/payments/"
    headers = auth(rep)
    today = timezone.localdate().isoformat()
    response = client.post(
        url, {"amount": "600.00", "received_on": today}, content_type="application/json", headers=headers
    )
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "600.00"
    response = client.post(
        url, {"amount": "400.01", "received_on": today}, content_type="application/json", headers=headers
    )
    assert response.status_code == 409
    assert "400.00 is outstanding" in response.json()["errors"]["amount"][0]
    line.refresh_from_db()
    assert line.received == D("600.00")


def test_bad_payment_input_is_422_with_field_errors(client, rep):
    line = line_for(rep)
    url = f"{BASE}/installments/{line.pk}/payments/"
    headers = auth(rep)
    assert client.post(url, {"amount": "-5", "received_on": "2025-01-01"}, content_type="application/json",
                       headers=headers).status_code == 422  # fmt: skip
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        url, {"amount": "5", "received_on": future}, content_type="application/json", headers=headers
    )
    assert response.status_code == 422 and "received_on" in response.json()["errors"]
    assert not Payment.objects.exists()


def test_payment_on_another_reps_installment_is_404(client, rep, other_rep):
    line = line_for(other_rep)
    response = client.post(
        f"{BASE}/installments/{line.pk}/payments/",
        {"amount": "1", "received_on": "2025-01-01"},
        content_type="application/json",
        headers=auth(rep),
    )
    assert response.status_code == 404


def test_refund_needs_change_installment_and_is_409_beyond_received(client, rep, team_lead):
    line = line_for(rep)
    services.payment_record(installment=line, amount=D("100"), received_on=timezone.localdate(), by=rep)
    url = f"{BASE}/installments/{line.pk}/refunds/"
    body = {"amount": "150", "reason": "x"}
    assert client.post(url, body, content_type="application/json", headers=auth(rep)).status_code == 403
    assert client.post(url, body, content_type="application/json", headers=auth(team_lead)).status_code == 409
    body["amount"] = "40"
    response = client.post(url, body, content_type="application/json", headers=auth(team_lead))
    assert response.status_code == 201 and response.json()["amount"] == "-40.00"


def test_payments_list_is_scoped(client, rep, other_rep):
    mine, theirs = line_for(rep), line_for(other_rep)
    for line in (mine, theirs):
        services.payment_record(installment=line, amount=D("10"), received_on=timezone.localdate(), by=line.owner)
    items = client.get(f"{BASE}/payments/", headers=auth(rep)).json()["items"]
    assert [item["installment_id"] for item in items] == [mine.pk]


def test_executive_may_read_but_not_pay(client, rep, executive):
    line = line_for(rep)
    headers = auth(executive)
    assert [item["id"] for item in client.get(f"{BASE}/installments/", headers=headers).json()["items"]] == [line.pk]
    response = client.post(
        f"{BASE}/installments/{line.pk}/payments/",
        {"amount": "1", "received_on": "2025-01-01"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403


def test_lease_api_creates_lists_and_refuses_a_second_lease(client, rep, other_rep, project_a):
    shop = UnitFactory(building__project=project_a, for_lease=True)
    tenant = CustomerFactory(owner=rep)
    body = {
        "unit_id": shop.pk,
        "tenant_id": tenant.pk,
        "starts_on": "2030-01-01",
        "ends_on": "2031-01-01",
        "monthly_rent": "6000.00",
        "deposit": "12000.00",
        "rent_day": 10,
    }
    response = client.post(f"{BASE}/leases/", body, content_type="application/json", headers=auth(rep))
    assert response.status_code == 201, response.content
    lease = Lease.objects.get()
    assert lease.installments.count() == 13
    assert [item["id"] for item in client.get(f"{BASE}/leases/", headers=auth(rep)).json()["items"]] == [lease.pk]
    assert client.get(f"{BASE}/leases/", headers=auth(other_rep)).json()["items"] == []
    assert client.get(f"{BASE}/leases/{lease.pk}/", headers=auth(other_rep)).status_code == 404
    body["tenant_id"] = CustomerFactory(owner=other_rep).pk
    response = client.post(f"{BASE}/leases/", body, content_type="application/json", headers=auth(other_rep))
    assert response.status_code == 409 and "unit" in response.json()["errors"]


def test_lease_api_422_for_a_tenant_outside_scope_and_bad_terms(client, rep, other_rep, project_a):
    shop = UnitFactory(building__project=project_a, for_lease=True)
    body = {"unit_id": shop.pk, "tenant_id": CustomerFactory(owner=other_rep).pk, "starts_on": "2030-01-01",
            "ends_on": "2031-01-01", "monthly_rent": "6000.00"}  # fmt: skip
    response = client.post(f"{BASE}/leases/", body, content_type="application/json", headers=auth(rep))
    assert response.status_code == 422 and "tenant_id" in response.json()["errors"]
    body.update(tenant_id=CustomerFactory(owner=rep).pk, ends_on="2029-01-01")
    response = client.post(f"{BASE}/leases/", body, content_type="application/json", headers=auth(rep))
    assert response.status_code == 422 and "ends_on" in response.json()["errors"]
    assert not Lease.objects.exists()
