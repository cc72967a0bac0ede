"""Celery tasks of outreach (thin: the rules are in outreach.services). The beat job is in crm_site/celery.py."""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone


@shared_task(bind=True, max_retries=None, autoretry_for=(OperationalError,), retry_backoff=True)
def deliver_task(self, message_ids: list[int]) -> None:
    """Deliver queued messages; those that met a temporary failure come back after their backoff."""
    from outreach.models import Message
    from outreach.services import messages

    while retry := messages.deliver(message_ids=message_ids):
        if not self.request.is_eager:
            first = Message.objects.filter(pk__in=retry).order_by("next_attempt_at").first()
            wait = (first.next_attempt_at - timezone.now()).total_seconds() if first and first.next_attempt_at else 0
            raise self.retry(args=[retry], countdown=max(wait, 0))
        message_ids = retry  # in-process (no broker) a countdown cannot wait: try again now, up to the attempt limit


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_expand_task(send_id: int) -> None:
    """Write a started send's messages (once per customer), then start delivering them."""
    from outreach.models import Send
    from outreach.services import sends

    send = Send.objects.filter(pk=send_id, status=Send.Status.SENDING).first()
    if send is None:  # cancelled, or deleted, after it was queued
        return
    sends.send_expand(send=send)
    send_pump_task.delay(send_id)


def _pump_lock(send_id: int) -> str:
    return f"outreach:pump:{send_id}"


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_pump_task(send_id: int) -> None:
    """Deliver a send's messages at the rate limit; one pump per send at a time; hands over to a fresh task."""
    from outreach.models import Send
    from outreach.services import sends

    send = Send.objects.filter(pk=send_id).first()
    if send is None or not cache.add(_pump_lock(send_id), 1, timeout=sends.PUMP_SECONDS * 2):
        return
    try:
        wait = sends.send_pump(send=send)
    finally:
        cache.delete(_pump_lock(send_id))
    if wait is None:
        return
    if settings.CELERY_TASK_ALWAYS_EAGER and wait > 0:
        return  # in-process (no broker) a countdown would not wait: the beat job carries on
    send_pump_task.apply_async((send_id,), countdown=wait)


@shared_task(bind=True, max_retries=None)
def webhook_deliver_task(self, delivery_id: int) -> None:
    """One attempt at a webhook delivery; retried after the backoff the service decides."""
    from outreach.models import WebhookDelivery
    from outreach.services import webhooks

    delivery = WebhookDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return
    while (wait := webhooks.webhook_deliver(delivery=delivery)) is not None:
        if not self.request.is_eager:
            raise self.retry(countdown=wait)
        delivery.refresh_from_db()  # in-process: try again now, up to WEBHOOK_MAX_ATTEMPTS


@shared_task
def outreach_tick_task() -> dict:
    """Every minute: start scheduled sends that are due, and restart delivery that stalled."""
    from outreach.services import sends, webhooks

    result = sends.outreach_tick()
    for pk in webhooks.deliveries_due():
        webhook_deliver_task.delay(pk)
    return result
