"""The member API: lookup, enrol, ledger, earn and spend with an idempotency key, referrals; scoped."""

import pytest

from crm_site.models import ApiToken
from members import services
from members.models import LedgerEntry
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def api(client, user):
    _token, raw = ApiToken.issue(user=user, name="test")

    def call(method, path, payload=None, **params):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if payload is not None:
            kwargs.update(data=payload, content_type="application/json")
        elif params:
            kwargs["data"] = params
        return getattr(client, method)(f"/api/v1/members{path}", **kwargs)

    return call


def test_lookup_by_card_or_phone_and_scope(client, member, member_staff, other_rep):
    call = api(client, member_staff)
    assert call("get", "/lookup/", q=member.card_no).json()["id"] == member.pk
    assert call("get", "/lookup/", q=member.customer.phone).json()["number"] == member.number
    assert call("get", "/lookup/", q="000000000000").status_code == 404
    assert api(client, other_rep)("get", "/lookup/", q=member.card_no).status_code == 404
    assert api(client, other_rep)("get", f"/{member.pk}/").status_code == 404


def test_enrol_through_the_api_once(client, rep):
    customer = CustomerFactory(owner=rep)
    call = api(client, rep)
    response = call("post", "/", {"customer_id": customer.pk})
    assert response.status_code == 201
    assert response.json()["tier"] == "Silver"
    assert call("post", "/", {"customer_id": customer.pk}).status_code == 409
    other = CustomerFactory()
    assert call("post", "/", {"customer_id": other.pk}).status_code == 404


def test_spend_with_an_idempotency_key_never_doubles(client, member, member_staff):
    services.points_earn(member=member, amount=500, reason="x")
    call = api(client, member_staff)
    body = {"amount": 200, "reason": "Parking voucher", "idempotency_key": "pos-77"}
    first = call("post", f"/{member.pk}/spend/", body)
    again = call("post", f"/{member.pk}/spend/", body)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    member.refresh_from_db()
    assert member.balance == 300
    assert member.entries.filter(kind=LedgerEntry.Kind.SPEND).count() == 1
    reused = call("post", f"/{member.pk}/spend/", {**body, "amount": 201})
    assert reused.status_code == 409
    too_much = call("post", f"/{member.pk}/spend/", {**body, "amount": 1000, "idempotency_key": "pos-78"})
    assert too_much.status_code == 422
    ledger = call("get", f"/{member.pk}/ledger/").json()
    assert [item["amount"] for item in ledger["items"]] == [-200, 500]


def test_earn_needs_the_adjust_permission(client, member, rep, member_staff):
    body = {"amount": 50, "reason": "Survey", "idempotency_key": "s-1"}
    assert api(client, rep)("post", f"/{member.pk}/earn/", body).status_code == 403
    assert api(client, member_staff)("post", f"/{member.pk}/earn/", body).status_code == 201
    assert api(client, member_staff)("post", f"/{member.pk}/earn/", body).status_code == 201
    member.refresh_from_db()
    assert member.balance == 50


def test_referrals_through_the_api(client, member, member_staff):
    call = api(client, member_staff)
    response = call("post", f"/{member.pk}/referrals/", {"name": "Qian", "phone": "13966667777"})
    assert response.status_code == 201
    refused = call("post", f"/{member.pk}/referrals/", {"name": "Qian", "phone": "13966667777"})
    assert refused.status_code == 422
    assert "already a customer" in refused.content.decode()
    assert call("get", f"/{member.pk}/referrals/").json()["count"] == 1


def test_redeem_register_and_check_in_through_the_api(client, member, member_staff):
    import datetime

    from django.utils import timezone

    from members.models import Benefit

    services.points_earn(member=member, amount=500, reason="x")
    benefit = Benefit.objects.create(name="Voucher", name_zh="券", points_price=200, stock=1)
    event = services.event_create(
        by=member_staff, title="Forum", starts_at=timezone.now() + datetime.timedelta(days=1), place="Hall", capacity=5
    )
    call = api(client, member_staff)
    assert [item["id"] for item in call("get", "/benefits/").json()["items"]] == [benefit.pk]
    assert call("post", f"/{member.pk}/redemptions/", {"benefit_id": benefit.pk}).status_code == 201
    assert call("post", f"/{member.pk}/redemptions/", {"benefit_id": benefit.pk}).status_code == 422  # out of stock
    assert call("get", "/events/").json()["items"][0]["capacity"] == 5
    registered = call("post", f"/events/{event.pk}/registrations/", {"number": member.card_no})
    assert registered.json()["status"] == "registered"
    checked = call("post", f"/events/{event.pk}/check-in/", {"number": member.customer.phone})
    assert checked.status_code == 200
    assert checked.json()["checked_in_at"] is not None
    assert call("post", f"/events/{event.pk}/check-in/", {"number": "000000000000"}).status_code == 404
    member.refresh_from_db()
    assert member.balance == 500 - 200 + 100
