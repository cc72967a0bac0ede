"""One message to one customer: consent for marketing, none needed for service, delivery after commit, scope."""

import pytest
from django.core import mail

from outreach.models import Channel, Kind, Message
from outreach.services import MessageRefused, message_send
from tests.factories import CustomerFactory
from tests.outreach.factories import TemplateFactory

pytestmark = pytest.mark.django_db


def test_marketing_is_refused_without_consent_and_nothing_is_written(refusing):
    template = TemplateFactory(kind=Kind.MARKETING)
    with pytest.raises(MessageRefused) as refused:
        message_send(template=template, customer=refusing)
    assert refused.value.code == "no_consent"
    assert Message.objects.count() == 0


def test_marketing_is_refused_without_an_address(no_email):
    with pytest.raises(MessageRefused) as refused:
        message_send(template=TemplateFactory(kind=Kind.MARKETING), customer=no_email)
    assert refused.value.code == "no_address"


def test_a_service_message_reaches_a_customer_who_did_not_consent(refusing, django_capture_on_commit_callbacks):
    template = TemplateFactory(kind=Kind.SERVICE, subject_en="Your unit", body_en="Dear {{ customer_name }}")
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(template=template, customer=refusing, language="en")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    (email,) = mail.outbox
    assert email.to == ["wang@example.com"]
    assert email.body.startswith("Dear 王芳")
    assert "unsubscribe" not in email.body.lower()  # service mail carries no unsubscribe link
    assert "List-Unsubscribe" not in email.extra_headers


def test_a_service_message_without_an_address_is_recorded_as_not_reached(no_email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = message_send(template=TemplateFactory(kind=Kind.SERVICE), customer=no_email)
    assert message.status == Message.Status.UNREACHABLE
    assert callbacks == []  # nothing to deliver
    assert mail.outbox == []


def test_the_row_is_written_queued_and_delivered_only_after_commit(consenting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = message_send(template=TemplateFactory(), customer=consenting)
        assert Message.objects.get().status == Message.Status.QUEUED
    assert len(callbacks) == 1 and mail.outbox == []
    callbacks[0]()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1


def test_a_marketing_email_has_text_html_and_one_click_unsubscribe(consenting, django_capture_on_commit_callbacks):
    consenting.name = "<b>Liu</b> & Co"
    consenting.save()
    template = TemplateFactory(
        subject_en="Hi {{ customer_name }}", body_en="Dear {{ customer_name }},\nsee https://example.com"
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(template=template, customer=consenting, language="en")
    (email,) = mail.outbox
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "&lt;b&gt;Liu&lt;/b&gt; &amp; Co" in html and "<b>Liu</b>" not in html  # escaped in HTML
    assert "Dear <b>Liu</b> & Co," in email.body  # the plain-text part keeps the text as it is
    assert '<a href="https://example.com"' in html
    url = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://crm.example.com/unsubscribe/")
    assert url in email.body and url in html
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.extra_headers["X-CRM-Message"] == str(message.pk)


def test_the_same_dedupe_key_sends_once(consenting, django_capture_on_commit_callbacks):
    template = TemplateFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = message_send(template=template, customer=consenting, dedupe_key="birthday:2026")
        second = message_send(template=template, customer=consenting, dedupe_key="birthday:2026")
    assert first.pk == second.pk
    assert Message.objects.count() == 1 and len(mail.outbox) == 1


def test_a_rep_may_message_only_customers_in_scope(rep, other_rep):
    own = CustomerFactory(owner=rep, email="own@example.com", marketing_consent=True)
    foreign = CustomerFactory(owner=other_rep, email="foreign@example.com", marketing_consent=True)
    template = TemplateFactory()
    assert message_send(template=template, customer=own, by=rep).customer == own
    with pytest.raises(MessageRefused) as refused:
        message_send(template=template, customer=foreign, by=rep)
    assert refused.value.code == "scope"
    assert not Message.objects.filter(customer=foreign).exists()


def test_consent_withdrawn_after_queueing_cancels_the_marketing_message(consenting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = message_send(template=TemplateFactory(), customer=consenting)
    type(consenting).objects.filter(pk=consenting.pk).update(marketing_consent=False)
    callbacks[0]()
    message.refresh_from_db()
    assert message.status == Message.Status.CANCELLED
    assert mail.outbox == []


def test_sms_is_not_sent_by_the_crm(consenting):
    with pytest.raises(Exception, match="another system"):
        message_send(template=TemplateFactory(channel=Channel.SMS, kind=Kind.SERVICE), customer=consenting)


def test_a_template_key_uses_the_saved_template_or_a_registered_default(consenting):
    TemplateFactory(key="welcome", kind=Kind.SERVICE, subject_en="Welcome {{ customer_name }}")
    assert message_send(template="welcome", customer=consenting, language="en").subject == "Welcome 刘伟"
    with pytest.raises(Exception, match="No active template"):
        message_send(template="no.such.key", customer=consenting)


def test_an_attachment_is_kept_with_the_message_and_sent_with_its_email(org, django_capture_on_commit_callbacks):
    from django.core import mail

    from outreach.services import message_send

    staff = org["team_lead"]
    staff.email = "lead@example.com"
    staff.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(
            template="analytics.scheduled_report",
            user=staff,
            channel="email",
            context={"report_name": "R", "period": "2026-W50", "rows": 2},
            attachment=("r.csv", b"a,b\n", "text/csv"),
        )
    assert message.attachment_name == "r.csv"
    assert mail.outbox[-1].attachments == [("r.csv", "a,b\n", "text/csv")]
