"""A send started twice, or its messages written or delivered by two workers at once, reaches each customer once.

On PostgreSQL the threads really race (tests/concurrency.py): the conditional start, the unique constraint on
(send, customer) and the SKIP LOCKED claim before delivery must each hold. On SQLite the threads take turns.
"""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.models import SavedFilter
from outreach.models import Message, Send
from outreach.services import deliver, send_expand, send_save, send_start
from tests.concurrency import race
from tests.factories import CustomerFactory
from tests.outreach.factories import TemplateFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
ROUNDS = 5
RECIPIENTS = 30


@pytest.fixture
def audience(org):
    for n in range(RECIPIENTS):
        CustomerFactory(owner=org["rep"], tags=["race"], email=f"r{n}@example.com", marketing_consent=True)
    return SavedFilter.objects.create(user=org["marketing"], name="Race", query="tag=race", shared=True)


def new_send(org, audience) -> Send:
    return send_save(
        by=org["marketing"],
        name="Race",
        template=TemplateFactory(),
        language="en",
        audience="saved_filter",
        audience_params={"saved_filter": str(audience.pk)},
    )


def test_a_send_started_twice_at_once_reaches_each_customer_once(org, audience):
    for _round in range(ROUNDS):
        mail.outbox = []
        send = new_send(org, audience)
        start = lambda pk=send.pk: send_start(send=Send.objects.get(pk=pk))  # noqa: E731
        results, errors = race(start, start)
        assert sum(result is not None for result in results) == 1
        assert [type(error) for error in errors if error is not None] == [ValidationError]
        assert Message.objects.filter(send=send).count() == RECIPIENTS
        assert sorted(email.to[0] for email in mail.outbox) == sorted(f"r{n}@example.com" for n in range(RECIPIENTS))


def test_two_workers_writing_the_same_send_write_each_message_once(org, audience):
    for _round in range(ROUNDS):
        send = new_send(org, audience)
        Send.objects.filter(pk=send.pk).update(status=Send.Status.SENDING, started_at=timezone.now())
        write = lambda send=send: send_expand(send=send)  # noqa: E731
        results, errors = race(write, write)
        assert errors == [None, None]
        assert Message.objects.filter(send=send).count() == RECIPIENTS
        assert Message.objects.filter(send=send).values("customer").distinct().count() == RECIPIENTS


def test_two_workers_delivering_the_same_messages_send_each_once(org, audience):
    for _round in range(ROUNDS):
        mail.outbox = []
        send = new_send(org, audience)
        Send.objects.filter(pk=send.pk).update(status=Send.Status.SENDING, started_at=timezone.now())
        send_expand(send=send)
        ids = list(Message.objects.filter(send=send).values_list("pk", flat=True))
        hand_over = lambda ids=ids: deliver(message_ids=ids)  # noqa: E731
        results, errors = race(hand_over, hand_over)
        assert errors == [None, None]
        assert len(mail.outbox) == RECIPIENTS
        assert set(Message.objects.filter(send=send).values_list("attempts", flat=True)) == {1}
