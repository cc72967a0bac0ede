"""Outbound webhooks: endpoints, the event subscriber that queues deliveries, signed delivery with retries.

Every delivery is a POST of the event's JSON (`{"id", "event", "occurred_at", "data"}`) with the header
`X-CRM-Signature: sha256=<hex HMAC-SHA256 of the raw body with the endpoint's secret>`. A non-2xx answer, a
timeout or a refused connection is retried after WEBHOOK_RETRY_BACKOFF seconds, doubling, up to
WEBHOOK_MAX_ATTEMPTS; after WEBHOOK_DISABLE_AFTER failed attempts in a row the endpoint is switched off and
admins are notified. URLs must be http(s) on a public address: the host is resolved when the endpoint is saved
and again at each delivery, and the request goes to the address that was checked (no redirects followed), so a
name cannot be re-pointed at an internal address in between (WEBHOOK_ALLOW_PRIVATE lifts this for tests).
"""

import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import events
from outreach.models import WebhookDelivery, WebhookEndpoint
from outreach.models.webhooks import new_secret

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status
CACHE_KEY = "outreach:webhook-endpoints"
USER_AGENT = "EstateCRM-Webhooks/1"
SIGNATURE_HEADER = "X-CRM-Signature"
PING = "webhook.ping"


# --- addresses -------------------------------------------------------------------------------------------------


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: str) -> tuple[str, int, str]:
    """(host, port, address to connect to) for a webhook URL; ValidationError for anything but http(s) on a
    public address (or on any address when WEBHOOK_ALLOW_PRIVATE is set)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValidationError({"url": _("Enter a valid URL.")}) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": _("The URL must start with http:// or https:// and name a host.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Put no user name or password in the URL: requests are signed instead.")})
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise ValidationError({"url": _("The host name cannot be resolved.")}) from None
    addresses = sorted({row[4][0] for row in found})
    if not settings.WEBHOOK_ALLOW_PRIVATE and any(_blocked(address) for address in addresses):
        raise ValidationError(
            {"url": _("The URL points at a private, loopback or link-local address: only public hosts are allowed.")}
        )
    return parts.hostname, port, addresses[0]


# --- endpoints -------------------------------------------------------------------------------------------------


def _forget_endpoints() -> None:
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


@transaction.atomic
def endpoint_save(
    *, by, name: str, url: str, events_wanted: list[str], active: bool = True, endpoint: WebhookEndpoint | None = None
) -> WebhookEndpoint:
    """Create or change an endpoint; switching it back on clears its run of failures."""
    check_url(url)
    unknown = sorted(set(events_wanted) - set(events.EVENTS))
    if unknown:
        raise ValidationError({"events": _("Unknown events: %(names)s.") % {"names": ", ".join(unknown)}})
    if not events_wanted:
        raise ValidationError({"events": _("Choose at least one event.")})
    endpoint = endpoint or WebhookEndpoint(created_by=by)
    reactivated = active and not endpoint.active
    endpoint.name = name.strip()[:100]
    endpoint.url = url
    endpoint.events = sorted(set(events_wanted))
    endpoint.active = active
    if reactivated:
        endpoint.consecutive_failures = 0
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
    endpoint._history_user = by
    endpoint.save()
    _forget_endpoints()
    return endpoint


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    endpoint.secret = new_secret()
    endpoint._history_user = by
    endpoint.save(update_fields=["secret"])
    return endpoint


def _active_endpoints() -> list[tuple[int, list[str]]]:
    rows = cache.get(CACHE_KEY)
    if rows is None:
        rows = list(WebhookEndpoint.objects.filter(active=True).values_list("pk", "events"))
        cache.set(CACHE_KEY, rows, 300)
    return rows


def on_event(event: events.Event) -> list[int]:
    """The events subscriber: one delivery per active endpoint that wants the event, each queued for Celery."""
    wanted = [pk for pk, names in _active_endpoints() if event.name in (names or [])]
    if not wanted:
        return []
    body = json.dumps(event.as_json(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    queued = []
    for endpoint_id in wanted:
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    endpoint_id=endpoint_id, event_id=event.id, event=event.name, body=body
                )
        except IntegrityError:
            continue  # already queued (the same event handed over twice)
        queued.append(delivery.pk)
    from outreach.tasks import webhook_deliver_task

    for pk in queued:
        webhook_deliver_task.delay_on_commit(pk)
    return queued


def endpoint_ping(*, endpoint: WebhookEndpoint, by) -> WebhookDelivery:
    """Send a test event to one endpoint (whatever events it subscribed to)."""
    event = events.Event(PING, {"endpoint_id": endpoint.pk, "by": by.get_username()})
    body = json.dumps(event.as_json(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event_id=event.id, event=PING, body=body)
    from outreach.tasks import webhook_deliver_task

    webhook_deliver_task.delay_on_commit(delivery.pk)
    return delivery


def delivery_replay(*, delivery: WebhookDelivery, by) -> WebhookDelivery:
    """Send a delivery's exact body again as a new delivery (same event id: receivers can tell it is a repeat)."""
    if not delivery.endpoint.active:
        raise ValidationError(_("Switch the endpoint on before replaying to it."))
    replay = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        event_id=delivery.event_id,
        event=delivery.event,
        body=delivery.body,
        replay_of=delivery,
    )
    from outreach.tasks import webhook_deliver_task

    webhook_deliver_task.delay_on_commit(replay.pk)
    return replay


# --- delivery --------------------------------------------------------------------------------------------------


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: "sha256=" + hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: base, 2 × base, 4 × base … (capped at six hours)."""
    return float(min(settings.WEBHOOK_RETRY_BACKOFF * 2 ** max(attempts - 1, 0), 6 * 3600))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to by now."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict) -> int:
    """POST `body` to `url` at its checked address; the response status (redirects are not followed)."""
    host, port, address = check_url(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, settings.WEBHOOK_TIMEOUT)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(2048)
        return response.status
    finally:
        connection.close()


def _claim(delivery: WebhookDelivery) -> WebhookDelivery | None:
    """Take the delivery for one attempt (two workers holding the same task: one of them sends)."""
    changed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status__in=[Status.PENDING, Status.RETRYING], attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1, last_attempt_at=timezone.now())
    if not changed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery.pk)


def webhook_deliver(*, delivery: WebhookDelivery) -> float | None:
    """One attempt at `delivery`. Returns the seconds after which to try again, or None (done or given up)."""
    delivery = _claim(delivery)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    now = timezone.now()
    if not endpoint.active:
        _finish(delivery, Status.FAILED, error=_("The endpoint is switched off."))
        return None
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-CRM-Event": delivery.event,
        "X-CRM-Event-Id": str(delivery.event_id),
        "X-CRM-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(endpoint.secret, body),
    }
    started = time.monotonic()
    code, error = None, ""
    try:
        code = post(endpoint.url, body, headers)
    except ValidationError as refused:
        error = " ".join(refused.messages)
    except (OSError, http.client.HTTPException) as failure:
        error = f"{type(failure).__name__}: {failure}"
    duration = int((time.monotonic() - started) * 1000)
    if code is not None and 200 <= code < 300:
        _finish(delivery, Status.SUCCEEDED, code=code, duration=duration, delivered_at=now)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return None
    error = error or _("The endpoint answered %(code)s.") % {"code": code}
    _endpoint_failed(endpoint)
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        _finish(delivery, Status.FAILED, code=code, duration=duration, error=error)
        return None
    wait = backoff(delivery.attempts)
    _finish(
        delivery,
        Status.RETRYING,
        code=code,
        duration=duration,
        error=error,
        next_attempt_at=now + datetime.timedelta(seconds=wait),
    )
    return wait


def _finish(delivery, status, *, code=None, duration=None, error="", delivered_at=None, next_attempt_at=None):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        response_code=code,
        duration_ms=duration,
        error=str(error)[:300],
        delivered_at=delivered_at,
        next_attempt_at=next_attempt_at,
    )


def _endpoint_failed(endpoint: WebhookEndpoint) -> None:
    """Count a failed attempt; at WEBHOOK_DISABLE_AFTER in a row, switch the endpoint off and tell the admins."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    switched_off = WebhookEndpoint.objects.filter(
        pk=endpoint.pk, active=True, consecutive_failures__gte=settings.WEBHOOK_DISABLE_AFTER
    ).update(
        active=False,
        disabled_at=timezone.now(),
        disabled_reason=_("%(count)s failed attempts in a row.") % {"count": settings.WEBHOOK_DISABLE_AFTER},
    )
    if switched_off:
        cache.delete(CACHE_KEY)
        from outreach.services.notifications import notify_permission

        notify_permission(
            permission="outreach.manage_webhooks",
            template="outreach.webhook_disabled",
            context={"endpoint_name": endpoint.name, "endpoint_url": endpoint.url},
            link=endpoint.get_absolute_url(),
            dedupe_key=f"outreach.webhook_disabled:{endpoint.pk}:{int(time.time())}",
        )


def deliveries_due(*, now=None) -> list[int]:
    """Deliveries whose retry time passed long ago (their task was lost): the beat job queues them again."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status__in=[Status.PENDING, Status.RETRYING],
            created_at__lt=now - datetime.timedelta(minutes=5),
        )
        .exclude(next_attempt_at__gt=now - datetime.timedelta(minutes=5))
        .values_list("pk", flat=True)[:500]
    )
