"""Outbound webhooks against a real receiver (http.server on 127.0.0.1 in a thread): signed JSON after commit,
retries with backoff on 500, switched off after a run of failures (admins told), private targets refused."""

import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from crm_site import events
from customers import services as customer_services
from outreach.models import Message, WebhookDelivery, WebhookEndpoint
from outreach.services import webhooks
from tests.outreach.factories import EndpointFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP server answering each POST with the next status in `answers` (then 200), keeping what it got."""

    def __init__(self, answers=()):
        self.answers = list(answers)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/crm?source=estate"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1
    started = []

    def start(answers=()):
        started.append(Receiver(answers))
        return started[-1]

    yield start
    for server in started:
        server.close()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does (the README's example)."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def endpoint_for(url, admin_user, events_wanted=("customer.created",)) -> WebhookEndpoint:
    return webhooks.endpoint_save(by=admin_user, name="Receiver", url=url, events_wanted=list(events_wanted))


def test_an_event_is_delivered_signed_after_commit(receiver, admin_user, rep, django_capture_on_commit_callbacks):
    server = receiver()
    endpoint = endpoint_for(server.url, admin_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        customer = customer_services.customer_create(by=rep, name="Webhook Customer", phone="13900001111")
        assert WebhookDelivery.objects.count() == 0 and server.requests == []  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):  # the commit: the event, then its delivery task
        for callback in callbacks:
            callback()
    (request,) = server.requests
    assert request["path"] == "/hooks/crm?source=estate"
    assert verify(endpoint.secret, request["body"], request["headers"]["X-CRM-Signature"])
    assert not verify("another secret", request["body"], request["headers"]["X-CRM-Signature"])
    body = json.loads(request["body"])
    assert body["event"] == "customer.created" and body["data"]["customer_id"] == customer.pk
    assert body["id"] == request["headers"]["X-CRM-Event-Id"] and body["occurred_at"].endswith("+00:00")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 1, 200)
    assert delivery.duration_ms is not None


def test_a_rolled_back_write_emits_nothing(receiver, admin_user, rep, django_capture_on_commit_callbacks):
    from django.db import transaction

    server = receiver()
    endpoint_for(server.url, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                customer_services.customer_create(by=rep, name="Rolled back", phone="13900002222")
                raise RuntimeError
        except RuntimeError:
            pass
    assert server.requests == [] and WebhookDelivery.objects.count() == 0


def test_endpoints_get_only_the_events_they_chose(receiver, admin_user, django_capture_on_commit_callbacks):
    server = receiver()
    endpoint_for(server.url, admin_user, ["contract.signed"])
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("customer.created", {"customer_id": 1})
        events.emit("contract.signed", {"deal_id": 2})
    assert [json.loads(request["body"])["event"] for request in server.requests] == ["contract.signed"]


def test_a_500_is_retried_with_backoff_until_it_succeeds(receiver, admin_user, settings):
    settings.WEBHOOK_RETRY_BACKOFF = 10
    server = receiver([500, 503])
    endpoint = endpoint_for(server.url, admin_user)
    webhooks.on_event(events.Event("customer.created", {"customer_id": 5}))
    delivery = WebhookDelivery.objects.get()
    waits = []
    while (wait := webhooks.webhook_deliver(delivery=delivery)) is not None:
        waits.append(wait)
        delivery.refresh_from_db()
        assert delivery.status == "retrying" and delivery.response_code in (500, 503)
    assert waits == [10.0, 20.0]  # doubling
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 3)
    assert len({request["headers"]["X-CRM-Event-Id"] for request in server.requests}) == 1  # the same event
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_the_task_retries_by_itself(receiver, admin_user, django_capture_on_commit_callbacks):
    server = receiver([500, 500])
    endpoint_for(server.url, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("customer.created", {"customer_id": 5})
    assert len(server.requests) == 3
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_a_delivery_gives_up_after_the_last_attempt(receiver, admin_user, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    server = receiver([500] * 10)
    endpoint_for(server.url, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("customer.created", {"customer_id": 5})
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, len(server.requests)) == ("failed", 3, 3)


def test_an_endpoint_is_switched_off_after_repeated_failures_and_admins_are_told(
    receiver, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.WEBHOOK_DISABLE_AFTER = 4
    server = receiver([500] * 10)
    endpoint = endpoint_for(server.url, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            events.emit("customer.created", {"customer_id": n})
    endpoint.refresh_from_db()
    assert endpoint.active is False and endpoint.disabled_at is not None
    assert len(server.requests) == 4  # 2 events × 2 attempts; the third event's turn found it switched off
    assert WebhookDelivery.objects.filter(status="failed", error__icontains="switched off", attempts=1).count() == 1
    notice = Message.objects.get(user=admin_user)
    assert "Receiver" in notice.subject
    assert webhooks.on_event(events.Event("customer.created", {})) == []


def test_switching_it_on_again_clears_the_failures(receiver, admin_user):
    server = receiver()
    endpoint = endpoint_for(server.url, admin_user)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False, consecutive_failures=20)
    endpoint.refresh_from_db()
    webhooks.endpoint_save(
        by=admin_user, endpoint=endpoint, name="R", url=server.url, events_wanted=["customer.created"]
    )
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.consecutive_failures == 0


def test_replay_sends_the_same_body_again(receiver, admin_user, client, django_capture_on_commit_callbacks):
    server = receiver()
    endpoint = endpoint_for(server.url, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("customer.created", {"customer_id": 9})
    delivery = WebhookDelivery.objects.get()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/outreach/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/replay/").status_code == 302
    assert len(server.requests) == 2 and server.requests[0]["body"] == server.requests[1]["body"]
    assert WebhookDelivery.objects.filter(replay_of=delivery, status="succeeded").exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.10/hook",
        "http://172.16.0.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "https://user:pass@example.com/hook",
        "https://no-such-host.invalid/hook",
    ],
)
def test_private_and_odd_targets_are_refused(admin_user, url):
    with pytest.raises(ValidationError):
        webhooks.endpoint_save(by=admin_user, name="Bad", url=url, events_wanted=["customer.created"])
    assert not WebhookEndpoint.objects.exists()


def test_a_public_host_is_accepted(admin_user, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("93.184.216.34", 443))])
    endpoint = webhooks.endpoint_save(
        by=admin_user, name="Good", url="https://hooks.example.com/crm", events_wanted=["customer.created"]
    )
    assert endpoint.active


def test_a_name_that_now_points_inside_is_refused_at_send_time(admin_user, monkeypatch):
    endpoint = EndpointFactory(created_by=admin_user, url="https://hooks.example.com/crm")
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("10.0.0.7", 443))])
    webhooks.on_event(events.Event("customer.created", {}))
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert webhooks.webhook_deliver(delivery=delivery) is not None
    delivery.refresh_from_db()
    assert "private" in delivery.error and delivery.response_code is None


def test_webhook_pages_are_for_admins(client, org, admin_user):
    endpoint = EndpointFactory(created_by=admin_user)
    for role in ("rep", "marketing", "executive"):
        client.force_login(org[role])
        assert client.get("/outreach/webhooks/").status_code == 403
        assert client.get(f"/outreach/webhooks/{endpoint.pk}/").status_code == 403
    client.force_login(admin_user)
    page = client.get(f"/outreach/webhooks/{endpoint.pk}/")
    assert page.status_code == 200 and endpoint.secret in page.content.decode()


def test_the_endpoint_form_lists_the_registered_events_and_refuses_a_private_url(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/outreach/webhooks/new/").content.decode()
    for name in ("customer.created", "opportunity.stage_changed", "contract.signed", "payment.received"):
        assert f'value="{name}"' in html
    response = client.post(
        "/outreach/webhooks/new/",
        {"name": "x", "url": "http://127.0.0.1/x", "events": ["customer.created"], "active": "on"},
    )
    assert response.status_code == 200 and "private" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
