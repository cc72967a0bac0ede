"""The outreach API: templates (read), a message to one customer (scoped), SMS / WeChat recorded from another system
with its delivery status (idempotent), bounces, announcements, webhook endpoints (admins)."""

import pytest
from django.core import mail

from crm_site.models import ApiToken
from outreach.models import Announcement, Kind, Message, WebhookEndpoint
from tests.factories import CustomerFactory, UserFactory
from tests.outreach.factories import EndpointFactory, TemplateFactory

pytestmark = pytest.mark.django_db


def api(client, user):
    _token, raw = ApiToken.issue(user=user, name="test")

    def call(method, path, payload=None):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if payload is not None:
            kwargs.update(data=payload, content_type="application/json")
        return getattr(client, method)(f"/api/v1/outreach{path}", **kwargs)

    return call


def test_templates_are_readable_by_senders(client, rep, org):
    TemplateFactory(key="welcome", name="Welcome")
    call = api(client, rep)
    body = call("get", "/templates/").json()
    assert [item["key"] for item in body["items"]] == ["welcome"]
    assert call("get", "/templates/welcome/").json()["name"] == "Welcome"
    assert call("get", "/templates/outreach.send_done/").json()["builtin"] is True
    assert call("get", "/templates/nope/").status_code == 404
    partner = UserFactory(username="partner.api", role="partner")
    assert api(client, partner)("get", "/templates/").status_code == 403


def test_sending_to_a_customer_in_scope(
    client, rep, other_rep, consenting, refusing, django_capture_on_commit_callbacks
):
    TemplateFactory(key="offer", kind=Kind.MARKETING)
    call = api(client, rep)
    with django_capture_on_commit_callbacks(execute=True):
        created = call("post", "/messages/", {"customer_id": consenting.pk, "template_key": "offer", "dedupe_key": "a"})
    assert created.status_code == 201 and created.json()["status"] == "queued"
    assert len(mail.outbox) == 1
    assert call("get", f"/messages/{created.json()['id']}/").json()["status"] == "sent"
    again = call("post", "/messages/", {"customer_id": consenting.pk, "template_key": "offer", "dedupe_key": "a"})
    assert again.json()["id"] == created.json()["id"]
    refused = call("post", "/messages/", {"customer_id": refusing.pk, "template_key": "offer"})
    assert refused.status_code == 422 and refused.json()["code"] == "no_consent"
    foreign = CustomerFactory(owner=other_rep, email="f@example.com", marketing_consent=True)
    assert call("post", "/messages/", {"customer_id": foreign.pk, "template_key": "offer"}).status_code == 404
    foreign_message = Message.objects.create(customer=foreign, kind="service", channel="email")
    assert call("get", f"/messages/{foreign_message.pk}/").status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        {"customer_id": 1, "template_key": "offer\u0000"},
        {"customer_id": 1, "template_key": ""},
        {"customer_id": 10**20, "template_key": "x"},
        {"customer_id": 1, "template_key": "x", "language": "fr"},
        {"customer_id": 1, "template_key": "x", "context": {"a": {"nested": "dict"}}},
    ],
)
def test_invalid_input_is_a_422(client, rep, payload):
    assert api(client, rep)("post", "/messages/", payload).status_code == 422


def test_sms_sent_elsewhere_is_recorded_once_and_its_status_updated(client, org, consenting):
    integration = UserFactory(username="sms.gateway", role="integration")
    call = api(client, integration)
    payload = {
        "channel": "sms",
        "external_id": "SMS-42",
        "phone": consenting.phone,
        "body": "您的房屋已可交付",
        "status": "sent",
    }
    first = call("post", "/messages/external/", payload)
    assert first.status_code == 201 and first.json()["customer_id"] == consenting.pk
    retry = call("post", "/messages/external/", payload)
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]
    delivered = call("post", "/messages/external/sms/SMS-42/status", {"status": "delivered"})
    assert delivered.status_code == 200 and delivered.json()["status"] == "delivered"
    assert call("post", "/messages/external/sms/SMS-42/status", {"status": "delivered"}).json()["status"] == "delivered"
    assert call("post", "/messages/external/sms/NOPE/status", {"status": "failed"}).status_code == 404
    assert call("post", "/messages/external/", {**payload, "external_id": "x", "phone": "123"}).status_code == 422
    assert call("post", "/messages/external/", {**payload, "channel": "email", "external_id": "y"}).status_code == 422
    message = Message.objects.get(external_id="SMS-42")
    assert (message.channel, message.status, message.customer) == ("sms", "delivered", consenting)


def test_the_sms_shows_on_the_customer_timeline(client, rep, consenting):
    integration = UserFactory(username="sms.gateway", role="integration")
    api(client, integration)("post", "/messages/external/", {"channel": "wechat", "external_id": "WX-1",
                                                            "customer_id": consenting.pk, "body": "开放日邀请"})  # fmt: skip
    client.force_login(rep)
    assert "WeChat · 开放日邀请" in client.get(consenting.get_absolute_url()).content.decode()


def test_a_bounce_is_recorded_for_a_sent_email(client, org, consenting):
    message = Message.objects.create(customer=consenting, kind="marketing", channel="email", status=Message.Status.SENT)
    call = api(client, org["admin_user"])
    bounced = call("post", f"/messages/{message.pk}/status", {"status": "bounced", "error": "550 mailbox unavailable"})
    assert bounced.status_code == 200 and bounced.json()["status"] == "bounced"
    assert api(client, org["rep"])("post", f"/messages/{message.pk}/status", {"status": "bounced"}).status_code == 403


def test_announcements_are_listed_and_created(client, org, project_a):
    call = api(client, org["marketing"])
    created = call("post", "/announcements/", {"project_id": project_a.pk, "category": "delivery", "subject_zh": "交付通知",
                                              "body_zh": "尊敬的{{ customer_name }}", "send": False})  # fmt: skip
    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert call("get", "/announcements/").json()["count"] == 1
    assert call("get", f"/announcements/?project_id={project_a.pk}").json()["count"] == 1
    assert call("post", "/announcements/", {"project_id": 999999, "subject_en": "x", "body_en": "y"}).status_code == 422
    assert call("post", "/announcements/", {"project_id": project_a.pk}).status_code == 422
    assert api(client, org["rep"])("post", "/announcements/", {"project_id": project_a.pk}).status_code == 403
    assert Announcement.objects.count() == 1


def test_webhook_endpoints_are_for_admins(client, org):
    EndpointFactory(created_by=org["admin_user"])
    assert api(client, org["marketing"])("get", "/webhooks/").status_code == 403
    call = api(client, org["admin_user"])
    assert call("get", "/webhooks/").json()["count"] == 1
    names = [event["name"] for event in call("get", "/webhooks/events/").json()]
    assert "contract.signed" in names
    refused = call("post", "/webhooks/", {"name": "x", "url": "http://10.0.0.1/x", "events": ["contract.signed"]})
    assert refused.status_code == 422 and "url" in refused.json()["errors"]
    assert (
        call("post", "/webhooks/", {"name": "x", "url": "https://h.example.com/x", "events": ["nope"]}).status_code
        == 422
    )
    assert WebhookEndpoint.objects.count() == 1


def test_a_huge_page_number_is_a_422(client, org):
    assert api(client, org["admin_user"])("get", "/templates/?page=1000000000000000000").status_code == 422


def test_anonymous_calls_are_refused(client):
    assert client.get("/api/v1/outreach/templates/").status_code == 401
    assert client.post("/api/v1/outreach/messages/", data={}, content_type="application/json").status_code == 401
