"""Factories of outreach rows, and the rows the URL walk (tests/crm_site/test_urlwalk.py) renders for real."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from outreach.models import Channel, Kind, Message, MessageTemplate, Send, WebhookDelivery, WebhookEndpoint
from outreach.services.consent import unsubscribe_token
from tests.factories import UserFactory


class TemplateFactory(DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    key = factory.Sequence(lambda n: f"template-{n}")
    name = factory.Sequence(lambda n: f"Template {n}")
    kind = Kind.MARKETING
    channel = Channel.EMAIL
    subject_en = "Hello {{ customer_name }}"
    subject_zh = "{{ customer_name }}，您好"
    body_en = "Dear {{ customer_name }}, news about {{ project }}."
    body_zh = "尊敬的{{ customer_name }}：{{ project }}有新消息。"


class EndpointFactory(DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    name = factory.Sequence(lambda n: f"Receiver {n}")
    url = "https://hooks.example.com/crm"
    events = factory.LazyFunction(lambda: ["customer.created"])
    created_by = factory.SubFactory(UserFactory)


def walk_rows(*, customer, rep, admin) -> dict:
    """One row of each outreach record around the walk's customer; returns the walk's `by_route` additions."""
    template = TemplateFactory(key="walk-welcome")
    send = Send.objects.create(
        name="Walk send",
        template=template,
        audience="saved_filter",
        status=Send.Status.DONE,
        created_by=admin,
        started_at=timezone.now(),
        expanded_at=timezone.now(),
    )
    message = Message.objects.create(
        customer=customer,
        send=send,
        kind=Kind.MARKETING,
        channel=Channel.EMAIL,
        to_address="walk@example.com",
        subject="Hello",
        body="Hello",
        status=Message.Status.SENT,
    )
    notification = Message.objects.create(
        user=rep, kind=Kind.SERVICE, channel=Channel.IN_APP, subject="Ticket assigned", status=Message.Status.SENT
    )
    endpoint = EndpointFactory(created_by=admin)
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="customer.created", body="{}")
    token = unsubscribe_token(customer_id=customer.pk, message_id=message.pk)
    return {
        "outreach-unsubscribe": {"token": token},
        "outreach:send-detail": {"pk": send.pk},
        "outreach:template-edit": {"pk": template.pk},
        "outreach:notification-read": {"pk": notification.pk},
        "outreach:notification-open": {"pk": notification.pk},
        "outreach:webhook-detail": {"pk": endpoint.pk},
        "outreach:webhook-edit": {"pk": endpoint.pk},
        "outreach:webhook-replay": {"pk": endpoint.pk, "delivery_pk": delivery.pk},
    }
