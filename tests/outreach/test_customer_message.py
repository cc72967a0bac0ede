"""A message to one customer from their page: reps only for their own customers, marketing only with consent."""

import uuid

import pytest
from django.core import mail

from outreach.models import Kind, Message
from tests.factories import CustomerFactory
from tests.outreach.factories import TemplateFactory

pytestmark = pytest.mark.django_db


def test_the_customer_page_offers_send_a_message(client, rep, consenting):
    client.force_login(rep)
    html = client.get(consenting.get_absolute_url()).content.decode()
    assert f'href="/outreach/customers/{consenting.pk}/message/"' in html


def test_a_rep_sends_a_template_to_their_own_customer(client, rep, consenting, django_capture_on_commit_callbacks):
    template = TemplateFactory(subject_en="Hello {{ customer_name }}")
    client.force_login(rep)
    assert client.get(f"/outreach/customers/{consenting.pk}/message/").status_code == 200
    nonce = str(uuid.uuid4())
    data = {"template": template.pk, "language": "en", "nonce": nonce}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/outreach/customers/{consenting.pk}/message/", data)
        client.post(f"/outreach/customers/{consenting.pk}/message/", data)  # a double click
    assert response["Location"] == consenting.get_absolute_url()
    message = Message.objects.get(customer=consenting)
    assert (message.by, message.subject) == (rep, "Hello 刘伟")
    assert len(mail.outbox) == 1


def test_a_rep_cannot_message_another_reps_customer(client, rep, other_rep):
    foreign = CustomerFactory(owner=other_rep, email="x@example.com", marketing_consent=True)
    client.force_login(rep)
    assert client.get(f"/outreach/customers/{foreign.pk}/message/").status_code == 404
    response = client.post(
        f"/outreach/customers/{foreign.pk}/message/",
        {"template": TemplateFactory().pk, "language": "en", "nonce": str(uuid.uuid4())},
    )
    assert response.status_code == 404 and not Message.objects.exists()


def test_marketing_to_a_customer_without_consent_is_refused_with_a_message(client, rep, refusing):
    client.force_login(rep)
    response = client.post(
        f"/outreach/customers/{refusing.pk}/message/",
        {"template": TemplateFactory(kind=Kind.MARKETING).pk, "language": "en", "nonce": str(uuid.uuid4())},
    )
    assert response.status_code == 200
    assert "has not consented to marketing" in response.content.decode()
    assert not Message.objects.exists()


def test_roles_without_the_permission_cannot_send(client, org, consenting):
    client.force_login(org["executive"])
    assert client.get(f"/outreach/customers/{consenting.pk}/message/").status_code == 403
