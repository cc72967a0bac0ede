"""Sends to an audience: consent and addresses applied, each customer once (even started twice), batches, retries on
a failing SMTP server, the report, scheduling, the campaign page and the customer timeline."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.models import SavedFilter
from outreach.models import Kind, Message, Send
from outreach.services import (
    audience_count,
    consent_withdraw,
    outreach_tick,
    send_cancel,
    send_expand,
    send_report,
    send_save,
    send_schedule,
    send_start,
)
from outreach.services import sends as send_services
from sales.models import Campaign
from tests.factories import CustomerFactory
from tests.outreach import backends
from tests.outreach.factories import TemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(marketing, rep, project_a):
    """Six level-A files: four who consented with an address, one without consent, one without an address."""
    people = {
        f"ok{n}": CustomerFactory(owner=rep, level="A", email=f"ok{n}@example.com", marketing_consent=True)
        for n in range(4)
    }
    people["no_consent"] = CustomerFactory(owner=rep, level="A", email="nc@example.com", marketing_consent=False)
    people["no_email"] = CustomerFactory(owner=rep, level="A", email="", marketing_consent=True)
    CustomerFactory(owner=rep, level="C", email="c@example.com", marketing_consent=True)  # not in the filter
    saved = SavedFilter.objects.create(user=marketing, name="Hot leads", query="level=A&page=3", shared=True)
    return {"people": people, "filter": saved}


def make_send(marketing, audience, **extra) -> Send:
    return send_save(
        by=marketing,
        name="Open day",
        template=TemplateFactory(kind=Kind.MARKETING),
        language="en",
        audience="saved_filter",
        audience_params={"saved_filter": str(audience["filter"].pk)},
        **extra,
    )


def run(send, capture):
    with capture(execute=True):
        send_start(send=send)
    send.refresh_from_db()
    return send


def test_the_saved_filter_audience_is_counted_after_consent_and_address(marketing, audience):
    send = make_send(marketing, audience)
    customers = send_services.audiences.resolve(send.audience, marketing, send.audience_params)[0]
    count = audience_count(customers, kind=Kind.MARKETING)
    assert (count.total, count.no_consent, count.no_address, count.reachable) == (6, 1, 1, 4)
    assert send.audience_label == "Hot leads"
    assert send.audience_title == "A saved customer filter · Hot leads"


def test_a_send_reaches_each_consenting_customer_once_and_reports(
    marketing, audience, django_capture_on_commit_callbacks
):
    send = run(make_send(marketing, audience), django_capture_on_commit_callbacks)
    assert send.status == Send.Status.DONE
    assert sorted(email.to[0] for email in mail.outbox) == [f"ok{n}@example.com" for n in range(4)]
    report = send_report(send)
    assert (report.audience, report.no_consent, report.no_address, report.sent, report.failed) == (6, 1, 1, 4, 0)
    consent_withdraw(customer=audience["people"]["ok1"], how="unsubscribe")
    assert send_report(send).unsubscribed == 1


def test_starting_twice_is_refused_and_writing_twice_changes_nothing(
    marketing, audience, django_capture_on_commit_callbacks
):
    send = run(make_send(marketing, audience), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        send_start(send=send)
    send_expand(send=send)  # a redelivered task writes the messages again
    assert Message.objects.filter(send=send).count() == 4
    assert len(mail.outbox) == 4


def test_the_database_refuses_a_second_message_of_a_send_to_the_same_customer(marketing, audience):
    send = make_send(marketing, audience)
    customer = audience["people"]["ok0"]
    fields = {"send": send, "customer": customer, "kind": "marketing", "channel": "email"}
    Message.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(**fields)


def test_messages_go_out_in_batches_over_one_connection_each(
    settings, marketing, audience, django_capture_on_commit_callbacks
):
    settings.OUTREACH_BATCH_SIZE = 3
    settings.EMAIL_BACKEND = "tests.outreach.backends.CountingBackend"
    backends.reset()
    run(make_send(marketing, audience), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4
    assert len(backends.OPENED) == 2  # 3 + 1


def test_the_rate_limit_paces_the_batches(settings, marketing, audience):
    settings.OUTREACH_BATCH_SIZE = 2
    settings.OUTREACH_RATE_PER_MINUTE = 60  # 2 messages every 2 seconds
    send = make_send(marketing, audience)
    Send.objects.filter(pk=send.pk).update(status=Send.Status.SENDING, started_at=timezone.now())
    send_expand(send=send)
    pauses = []
    assert send_services.send_pump(send=send, sleep=pauses.append) is None
    assert len(mail.outbox) == 4
    assert len(pauses) == 1 and 1.5 < pauses[0] <= 2.0  # between the two batches, none after the last


def test_a_temporary_smtp_failure_is_retried_and_then_succeeds(
    settings, marketing, audience, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.outreach.backends.FlakyBackend"
    backends.reset(fail=2)
    send = run(make_send(marketing, audience), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4
    messages = list(Message.objects.filter(send=send).order_by("pk"))
    assert all(message.status == Message.Status.SENT for message in messages)
    assert [message.attempts for message in messages][:2] == [2, 2]  # the two that met the failure
    assert send.status == Send.Status.DONE


def test_a_connection_refused_is_temporary_too(settings, consenting, django_capture_on_commit_callbacks):
    from outreach.services import message_send

    settings.EMAIL_BACKEND = "tests.outreach.backends.DownBackend"
    settings.OUTREACH_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(template=TemplateFactory(), customer=consenting)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, 3)
    assert "ConnectionRefusedError" in message.error


def test_retries_wait_longer_each_time(settings, consenting):
    from outreach.services import deliver, message_send

    settings.OUTREACH_RETRY_BACKOFF = 60
    settings.EMAIL_BACKEND = "tests.outreach.backends.FlakyBackend"
    backends.reset(fail=3)
    message = message_send(template=TemplateFactory(), customer=consenting)
    waits = []
    for _attempt in range(2):
        before = timezone.now()
        assert deliver(message_ids=[message.pk]) == [message.pk]
        message.refresh_from_db()
        waits.append(round((message.next_attempt_at - before).total_seconds() / 60))
    assert waits == [1, 2]  # 60 s, then 120 s
    assert message.status == Message.Status.QUEUED


def test_a_refused_recipient_fails_without_retrying(settings, consenting):
    from outreach.services import deliver, message_send

    settings.EMAIL_BACKEND = "tests.outreach.backends.FlakyBackend"
    backends.reset(fail=1, error=lambda text: smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no such user")}))
    message = message_send(template=TemplateFactory(), customer=consenting)
    assert deliver(message_ids=[message.pk]) == []
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and "SMTPRecipientsRefused" in message.error


def test_a_scheduled_send_starts_when_due(marketing, audience, django_capture_on_commit_callbacks):
    send = make_send(marketing, audience)
    at = timezone.now() + datetime.timedelta(hours=2)
    send_schedule(send=send, at=at, by=marketing)
    with django_capture_on_commit_callbacks(execute=True):
        outreach_tick()
    send.refresh_from_db()
    assert send.status == Send.Status.SCHEDULED and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        outreach_tick(now=at + datetime.timedelta(seconds=30))
    send.refresh_from_db()
    assert send.status == Send.Status.DONE and len(mail.outbox) == 4
    with pytest.raises(ValidationError):
        send_schedule(send=send, at=at, by=marketing)


def test_a_time_in_the_past_cannot_be_scheduled(marketing, audience):
    with pytest.raises(ValidationError):
        send_schedule(send=make_send(marketing, audience), at=timezone.now(), by=marketing)


def test_cancelling_a_running_send_stops_what_is_still_queued(marketing, audience):
    send = make_send(marketing, audience)
    Send.objects.filter(pk=send.pk).update(status=Send.Status.SENDING, started_at=timezone.now())
    send_expand(send=send)
    send_cancel(send=send, by=marketing)
    assert set(Message.objects.filter(send=send).values_list("status", flat=True)) == {Message.Status.CANCELLED}
    assert send_services.send_pump(send=send) is None and mail.outbox == []


def test_a_lost_worker_leaves_no_message_sending_forever(marketing, consenting):
    message = Message.objects.create(
        customer=consenting, kind="service", channel="email", status=Message.Status.SENDING
    )
    Message.objects.filter(pk=message.pk).update(status_at=timezone.now() - datetime.timedelta(hours=1))
    assert outreach_tick()["lost"] == 1
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED


def test_an_invalid_audience_is_refused_when_saving(marketing):
    with pytest.raises(ValidationError):
        send_save(
            by=marketing,
            name="x",
            template=TemplateFactory(),
            language="en",
            audience="saved_filter",
            audience_params={"saved_filter": "999999"},
        )
    with pytest.raises(ValidationError):
        send_save(
            by=marketing, name="x", template=TemplateFactory(), language="en", audience="nope", audience_params={}
        )


def test_the_messages_land_on_the_customers_timeline(
    client, rep, marketing, audience, django_capture_on_commit_callbacks
):
    send = run(make_send(marketing, audience), django_capture_on_commit_callbacks)
    customer = audience["people"]["ok2"]
    client.force_login(rep)
    html = client.get(customer.get_absolute_url()).content.decode()
    subject = Message.objects.get(send=send, customer=customer).subject
    assert f"Email · {subject}" in html
    assert "Sent" in html


def test_a_campaign_page_lists_its_sends(client, marketing, audience, django_capture_on_commit_callbacks):
    campaign = Campaign.objects.create(
        name="Spring expo", starts_on=timezone.localdate(), ends_on=timezone.localdate(), owner=marketing
    )
    run(make_send(marketing, audience, campaign=campaign), django_capture_on_commit_callbacks)
    client.force_login(marketing)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert 'data-testid="campaign-sends"' in html and "Open day" in html
    assert "4 reached" in html
