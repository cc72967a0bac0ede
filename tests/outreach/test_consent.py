"""Unsubscribing by the signed link: no login, at once, audited; a tampered token is refused, a reused one harmless."""

import pytest
from django.core import mail
from django.test import Client

from crm_site.models import AuditEntry
from outreach.models import ConsentChange, Message
from outreach.services import consent_give, message_send, unsubscribe_token
from tests.outreach.factories import TemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(consenting, django_capture_on_commit_callbacks):
    """The unsubscribe URL from a real marketing e-mail to `consenting`."""
    with django_capture_on_commit_callbacks(execute=True):
        message_send(template=TemplateFactory(), customer=consenting, language="zh-hans")
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    return url.removeprefix("https://crm.example.com")


def test_the_page_asks_before_withdrawing_and_a_get_changes_nothing(link, consenting):
    response = Client().get(link)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html and "退订营销邮件" in html  # in the message's language
    consenting.refresh_from_db()
    assert consenting.marketing_consent is True


def test_a_valid_token_withdraws_consent_at_once_and_is_audited(link, consenting):
    response = Client(enforce_csrf_checks=True).post(link)  # a mail client's one-click POST has no CSRF token
    assert response.status_code == 200
    assert response.context["withdrawn"] is True
    consenting.refresh_from_db()
    assert consenting.marketing_consent is False
    change = ConsentChange.objects.get(customer=consenting, granted=False)
    assert (change.how, change.by) == (ConsentChange.How.UNSUBSCRIBE, None)
    assert change.message == Message.objects.get()
    entry = AuditEntry.objects.get(model="customers.customer", object_id=str(consenting.pk), action="~")
    assert entry.changes["marketing_consent"] == [True, False]


def test_the_withdrawal_shows_on_the_customer_timeline(link, consenting, client, rep):
    Client().post(link)
    client.force_login(rep)
    html = client.get(consenting.get_absolute_url()).content.decode()
    assert "Withdrew marketing consent" in html


def test_a_reused_token_is_harmless(link, consenting):
    Client().post(link)
    again = Client().post(link)
    assert again.status_code == 200
    assert again.context["withdrawn"] is False
    assert ConsentChange.objects.filter(customer=consenting, granted=False).count() == 1


@pytest.mark.parametrize(
    "tamper", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "x" + t, lambda t: "nonsense"]
)
def test_a_tampered_token_is_refused_and_changes_nothing(link, consenting, tamper):
    token = link.removeprefix("/unsubscribe/").rstrip("/")
    for method in (Client().get, Client().post):
        response = method(f"/unsubscribe/{tamper(token)}/")
        assert response.status_code == 400
    consenting.refresh_from_db()
    assert consenting.marketing_consent is True
    assert not ConsentChange.objects.filter(granted=False).exists()


def test_a_token_for_another_customer_cannot_be_forged_from_one_we_signed(consenting, refusing):
    signature = unsubscribe_token(customer_id=consenting.pk).rsplit(":", 1)[1]
    other_payload = unsubscribe_token(customer_id=refusing.pk).rsplit(":", 1)[0]
    forged = f"{other_payload}:{signature}"  # another customer's id under a signature we gave out
    assert Client().post(f"/unsubscribe/{forged}/").status_code == 400
    refusing.marketing_consent = True
    refusing.save()
    assert Client().post(f"/unsubscribe/{forged}/").status_code == 400
    refusing.refresh_from_db()
    assert refusing.marketing_consent is True


def test_consent_given_again_is_recorded(consenting, marketing):
    type(consenting).objects.filter(pk=consenting.pk).update(marketing_consent=False)
    assert consent_give(customer=consenting, how=ConsentChange.How.STAFF, by=marketing, note="signed at the open day")
    assert not consent_give(customer=consenting, how=ConsentChange.How.STAFF, by=marketing)
    change = ConsentChange.objects.get(how=ConsentChange.How.STAFF)
    assert (change.granted, change.by, change.note) == (True, marketing, "signed at the open day")


def test_consent_changed_on_the_customer_file_is_recorded_with_who(rep):
    from customers import services as customer_services

    customer = customer_services.customer_create(
        by=rep, name="Form Consent", phone="13900005555", marketing_consent=True
    )
    customer_services.customer_update(customer=customer, by=rep, marketing_consent=False)
    customer_services.customer_update(customer=customer, by=rep, notes="no consent change")
    changes = list(ConsentChange.objects.filter(customer=customer).order_by("pk").values_list("granted", "how", "by"))
    assert changes == [(True, "file", rep.pk), (False, "file", rep.pk)]
