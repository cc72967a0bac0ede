"""Sends: a template to an audience, started now or at a set time, written once per customer, delivered in batches.

Starting is one conditional update (draft or scheduled → sending): of two clicks one starts it. Writing the
messages is a Celery task after commit; it may run twice (a redelivered task, a second start racing the first),
and the unique constraint on (send, customer) keeps each customer to one message. Delivery is a "pump" task per
send (one at a time, a cache lock) that hands batches of OUTREACH_BATCH_SIZE to the mail server at most
OUTREACH_RATE_PER_MINUTE a minute, then passes on to a fresh task; the beat job every minute restarts what stalled.
"""

import datetime
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.models import Customer
from outreach import audiences, merge
from outreach.models import Channel, ConsentChange, Kind, Message, MessageTemplate, Send
from outreach.services.messages import address_of, deliver, new_message

logger = logging.getLogger(__name__)
Status = Send.Status
CHUNK = 1000  # customers read, rendered and written per round when a send's messages are written
PUMP_SECONDS = 50  # a pump task hands over to a fresh one after this long (other tasks get their turn)
STALE_SENDING = datetime.timedelta(minutes=30)  # a message "sending" this long was lost with its worker
STALE_EXPANSION = datetime.timedelta(minutes=10)


def _check_template(template: MessageTemplate | None) -> None:
    if template is None or not template.active:
        raise ValidationError({"template": _("Choose an active template.")})
    if template.channel != Channel.EMAIL:
        raise ValidationError({"template": _("A send to an audience goes by e-mail: choose an e-mail template.")})


@transaction.atomic
def send_save(
    *,
    by,
    name: str,
    audience: str,
    audience_params: dict,
    language: str,
    template: MessageTemplate | None = None,
    campaign=None,
    send: Send | None = None,
    kind: str = Kind.MARKETING,
    text: dict | None = None,
) -> Send:
    """Create or change a draft send. A send to an audience is marketing (consent needed) unless it is an
    announcement's; `text` gives a send its own subject_en/zh and body_en/zh instead of a template."""
    if send is not None and send.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be changed."))
    if text is None:
        _check_template(template)
    else:
        for source in text.values():
            if error := merge.check(source):
                raise ValidationError(error)
    _queryset, label = audiences.resolve(audience, by, audience_params)
    send = send or Send(created_by=by)
    send.name = name.strip()[:120]
    send.template = template if text is None else None
    for field, value in (text or {}).items():
        setattr(send, field, value)
    send.kind = kind
    send.channel = Channel.EMAIL
    send.language = merge.language_of(language)
    send.audience = audience
    send.audience_params = audience_params
    send.audience_label = label
    send.campaign = campaign
    send._history_user = by
    send.save()
    return send


@dataclass(frozen=True)
class AudienceCount:
    total: int
    no_consent: int
    no_address: int

    @property
    def reachable(self) -> int:
        return self.total - self.no_consent - self.no_address


def audience_count(customers, *, kind: str, channel: str = Channel.EMAIL) -> AudienceCount:
    """How many of `customers` a send would reach: after consent (marketing only) and an address."""
    total = customers.count()
    consenting = customers.filter(marketing_consent=True) if kind == Kind.MARKETING else customers
    with_consent = consenting.count() if kind == Kind.MARKETING else total
    reachable = consenting.exclude(**{_address_field(channel): ""}).count()
    return AudienceCount(total=total, no_consent=total - with_consent, no_address=with_consent - reachable)


def send_preview_customers(send: Send, limit: int = 1):
    """The first customers a send would reach (for the preview)."""
    customers, _label = audiences.resolve(send.audience, send.created_by, send.audience_params)
    if send.kind == Kind.MARKETING:
        customers = customers.filter(marketing_consent=True).exclude(email="")
    return list(customers.order_by("pk")[:limit])


def send_schedule(*, send: Send, at: datetime.datetime, by) -> Send:
    """Start the send at `at` (the beat job starts it within a minute of that time)."""
    if at <= timezone.now():
        raise ValidationError({"scheduled_at": _("Choose a time in the future.")})
    changed = Send.objects.filter(pk=send.pk, status__in=[Status.DRAFT, Status.SCHEDULED]).update(
        status=Status.SCHEDULED, scheduled_at=at
    )
    if not changed:
        raise ValidationError(_("This send has already started."))
    send.refresh_from_db()
    return send


def send_start(*, send: Send, by=None) -> Send:
    """Start now: one conditional update decides (a second start is refused); messages are written after commit."""
    now = timezone.now()
    changed = Send.objects.filter(pk=send.pk, status__in=[Status.DRAFT, Status.SCHEDULED]).update(
        status=Status.SENDING, started_at=now
    )
    if not changed:
        raise ValidationError(_("This send has already started."))
    from outreach.tasks import send_expand_task

    send_expand_task.delay_on_commit(send.pk)
    send.refresh_from_db()
    return send


def send_cancel(*, send: Send, by) -> Send:
    """Stop a draft, scheduled or running send; messages not yet handed to the mail server are cancelled."""
    with transaction.atomic():
        changed = Send.objects.filter(pk=send.pk, status__in=[Status.DRAFT, Status.SCHEDULED, Status.SENDING]).update(
            status=Status.CANCELLED, finished_at=timezone.now()
        )
        if not changed:
            raise ValidationError(_("This send has finished: there is nothing to cancel."))
        send.messages.filter(status=Message.Status.QUEUED).update(
            status=Message.Status.CANCELLED, status_at=timezone.now(), error=gettext_noop("The send was cancelled.")
        )
    send.refresh_from_db()
    return send


def send_delete(*, send: Send, by) -> None:
    """Delete a draft (a send that started stays, with its report)."""
    if send.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be deleted."))
    send._history_user = by
    send.delete()


def send_expand(*, send: Send) -> Send:
    """Write one message per customer of the audience: queued when reachable; for a service send, "No address"
    rows for customers without one (so staff can call them). Safe to run twice: (send, customer) is unique."""
    try:
        customers, label = audiences.resolve(send.audience, send.created_by, send.audience_params)
    except ValidationError as error:
        Send.objects.filter(pk=send.pk).update(status=Status.FAILED, error=" ".join(error.messages)[:300])
        return send
    renderer = merge.Renderer(send.content(), send.language)
    count = audience_count(customers, kind=send.kind, channel=send.channel)
    if send.kind == Kind.MARKETING:  # the excluded are only counted: no row, nothing to render
        customers = customers.filter(marketing_consent=True).exclude(**{_address_field(send.channel): ""})
    ids = customers.order_by("pk").values_list("pk", flat=True)
    last = 0
    while chunk := list(ids.filter(pk__gt=last)[:CHUNK]):
        last = chunk[-1]
        _write_messages(send, renderer, chunk)
    Send.objects.filter(pk=send.pk).update(
        audience_size=count.total,
        excluded_consent=count.no_consent,
        excluded_address=count.no_address,
        audience_label=label,
        expanded_at=timezone.now(),
    )
    send.refresh_from_db()
    return send


def _address_field(channel: str) -> str:
    return "email" if channel == Channel.EMAIL else "phone"


def _write_messages(send: Send, renderer: merge.Renderer, customer_ids: list[int]) -> None:
    """Messages to these customers (already reachable for marketing; a service send also writes "No address")."""
    reachable = list(
        Customer.objects.filter(pk__in=customer_ids).select_related("owner__staff", "project").order_by("pk")
    )
    values = merge.contexts(reachable, renderer.language)
    content = send.content()
    rows = [
        new_message(
            content=content,
            rendered=renderer.render(values[customer.pk]),
            customer=customer,
            user=None,
            kind=send.kind,
            channel=send.channel,
            language=renderer.language,
            address=address_of(customer, send.channel),
            send=send,
            by=send.created_by,
        )
        for customer in reachable
    ]
    Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=CHUNK)


def _due(send: Send, after: int = 0) -> list[int]:
    now = timezone.now()
    return list(
        Message.objects.filter(send=send, status=Message.Status.QUEUED, pk__gt=after)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.OUTREACH_BATCH_SIZE]
    )


def send_pump(*, send: Send, sleep=time.sleep) -> float | None:
    """Deliver the send's due messages in batches at the rate limit for up to PUMP_SECONDS.

    Returns None when there is nothing more to do now (finished, cancelled, or only messages another worker
    holds), else the seconds after which a fresh pump should carry on.
    """
    rate = settings.OUTREACH_RATE_PER_MINUTE
    interval = settings.OUTREACH_BATCH_SIZE * 60 / rate if rate > 0 else 0.0
    deadline = time.monotonic() + PUMP_SECONDS
    last, next_at = 0, None
    while True:
        if not Send.objects.filter(pk=send.pk, status=Status.SENDING).exists():
            return None  # cancelled meanwhile
        batch = _due(send, after=last) or (_due(send) if last else [])
        if not batch:
            return _wait_or_finish(send)
        if next_at is not None and (pause := next_at - time.monotonic()) > 0:
            if time.monotonic() + pause >= deadline:
                return pause  # a fresh pump carries on after the pause
            sleep(pause)
        last, next_at = batch[-1], time.monotonic() + interval
        deliver(message_ids=batch)
        if time.monotonic() >= deadline:
            return max(next_at - time.monotonic(), 0.0)


def _wait_or_finish(send: Send) -> float | None:
    pending = Message.objects.filter(send=send, status__in=[Message.Status.QUEUED, Message.Status.SENDING])
    waiting = pending.filter(status=Message.Status.QUEUED).aggregate(at=Min("next_attempt_at"))["at"]
    if waiting is not None:
        return max((waiting - timezone.now()).total_seconds(), 0.0)
    if pending.exists():
        return None  # another worker holds the rest; the beat job looks again
    send_finish(send=send)
    return None


def send_finish(*, send: Send) -> bool:
    """Mark a running send done once its messages were written and none waits; tell its creator."""
    done = Send.objects.filter(pk=send.pk, status=Status.SENDING, expanded_at__isnull=False).update(
        status=Status.DONE, finished_at=timezone.now()
    )
    if done:
        from outreach.services.notifications import notify

        send.refresh_from_db()
        report = send_report(send)
        notify(
            user=send.created_by,
            template="outreach.send_done",
            context={"send_name": send.name, "sent": report.sent, "failed": report.failed + report.bounced},
            link=send.get_absolute_url(),
            dedupe_key=f"outreach.send_done:{send.pk}",
        )
    return bool(done)


# --- the report ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendReport:
    audience: int
    no_consent: int
    no_address: int
    queued: int
    sent: int
    failed: int
    bounced: int
    cancelled: int
    unsubscribed: int

    @property
    def written(self) -> int:
        return self.queued + self.sent + self.failed + self.bounced + self.cancelled


def send_report(send: Send) -> SendReport:
    """Audience, excluded (no consent, no address), queued, sent, failed, bounced, and unsubscribed after it."""
    rows = Message.objects.filter(send=send).order_by().values("status").annotate(n=Count("id"))
    by_status = {row["status"]: row["n"] for row in rows}
    unsubscribed = 0
    if send.started_at:
        unsubscribed = (
            ConsentChange.objects.filter(granted=False, at__gte=send.started_at, customer__outreach_messages__send=send)
            .values("customer")
            .distinct()
            .count()
        )
    S = Message.Status
    return SendReport(
        audience=send.audience_size,
        no_consent=send.excluded_consent,
        no_address=send.excluded_address,
        queued=by_status.get(S.QUEUED, 0) + by_status.get(S.SENDING, 0),
        sent=by_status.get(S.SENT, 0) + by_status.get(S.DELIVERED, 0),
        failed=by_status.get(S.FAILED, 0),
        bounced=by_status.get(S.BOUNCED, 0),
        cancelled=by_status.get(S.CANCELLED, 0),
        unsubscribed=unsubscribed,
    )


# --- the beat job ----------------------------------------------------------------------------------------------


def outreach_tick(*, now=None) -> dict:
    """Every minute: start due scheduled sends, fail messages lost with a worker, restart stalled work."""
    from outreach.tasks import deliver_task, send_expand_task, send_pump_task

    now = now or timezone.now()
    started = 0
    for send in Send.objects.filter(status=Status.SCHEDULED, scheduled_at__lte=now):
        try:
            with transaction.atomic():
                send_start(send=send)
            started += 1
        except ValidationError:
            continue  # started by someone else meanwhile
    lost = Message.objects.filter(status=Message.Status.SENDING, status_at__lt=now - STALE_SENDING).update(
        status=Message.Status.FAILED,
        status_at=now,
        error=gettext_noop("Interrupted while sending: check whether it arrived before sending again."),
    )
    running = list(Send.objects.filter(status=Status.SENDING))
    for send in running:
        if send.expanded_at is None:
            if send.started_at and send.started_at < now - STALE_EXPANSION:
                send_expand_task.delay(send.pk)
        else:
            send_pump_task.delay(send.pk)
    due_singles = list(
        Message.objects.filter(
            send__isnull=True, status=Message.Status.QUEUED, created_at__lt=now - datetime.timedelta(minutes=5)
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .values_list("pk", flat=True)[:1000]
    )
    for start in range(0, len(due_singles), settings.OUTREACH_BATCH_SIZE):
        deliver_task.delay(due_singles[start : start + settings.OUTREACH_BATCH_SIZE])
    return {"started": started, "lost": lost, "running": len(running), "requeued": len(due_singles)}
