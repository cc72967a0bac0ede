"""One message to one recipient: render, record (status queued), deliver by e-mail after commit, track its status.

`message_send()` is the one way the CRM sends anything; see the package docstring (outreach/services/__init__.py).
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from crm_site.languages import staff_language
from customers.models import Customer
from outreach import defaults, merge
from outreach.models import Channel, Kind, Message, MessageTemplate

logger = logging.getLogger(__name__)
Status = Message.Status
CRM_CHANNELS = (Channel.EMAIL, Channel.IN_APP)  # what the CRM delivers itself; SMS and WeChat are recorded
TEMPORARY = (smtplib.SMTPException, OSError)  # OSError covers ConnectionError and timeouts


class MessageRefused(ValidationError):
    """The message may not go to this customer: `code` is "no_consent", "no_address" or "scope"."""


def address_of(customer: Customer, channel: str) -> str:
    """Where `channel` reaches the customer: the e-mail address, the mobile number, or "" (WeChat: unknown here)."""
    if channel == Channel.EMAIL:
        return customer.email or ""
    if channel == Channel.SMS:
        return customer.phone or ""
    return ""


def content_of(template: MessageTemplate | str) -> MessageTemplate:
    """A template row as given, or the active template (or registered default) of a key."""
    if isinstance(template, MessageTemplate):
        return template
    found = defaults.template_for(template)
    if found is None:
        raise ValidationError({"template": _("No active template has the key “%(key)s”.") % {"key": template}})
    return found


def refusal(customer: Customer, kind: str, channel: str) -> MessageRefused | None:
    """Why a message of `kind` on `channel` may not go to `customer`, or None when it may."""
    if kind == Kind.MARKETING and not customer.marketing_consent:
        return MessageRefused(_("%(name)s has not consented to marketing.") % {"name": customer.name}, "no_consent")
    if kind == Kind.MARKETING and channel != Channel.IN_APP and not address_of(customer, channel):
        return MessageRefused(
            _("%(name)s has no address for %(channel)s.")
            % {"name": customer.name, "channel": Channel(channel).label.lower()},
            "no_address",
        )
    return None


def message_send(
    *,
    template: MessageTemplate | str,
    customer: Customer | None = None,
    user=None,
    context: dict | None = None,
    kind: str | None = None,
    channel: str | None = None,
    language: str | None = None,
    send=None,
    dedupe_key: str = "",
    link: str = "",
    by=None,
    attachment: tuple[str, bytes, str] | None = None,
) -> Message:
    """Write one message to `customer` (or to staff member `user`) and queue its delivery after commit.

    Marketing needs the customer's consent and an address for the channel (MessageRefused otherwise); a service
    message is recorded even without an address (status "No address", so staff can call). With `by`, the
    customer must be in by's data scope. With `dedupe_key` (or `send`) a second call returns the first message.
    `attachment` is (file name, content, MIME type): kept with the message and sent with its e-mail.
    """
    if (customer is None) == (user is None):
        raise ValueError("message_send needs exactly one recipient: customer= or user=")
    content = content_of(template)
    kind = kind or content.kind
    channel = channel or content.channel
    if channel not in CRM_CHANNELS:
        raise ValidationError(
            {"channel": _("SMS and WeChat messages are sent by another system: it records them through the API.")}
        )
    if language is None and user is not None:
        language = staff_language(user)  # staff read what is sent to them in the language they chose
    language = merge.language_of(language)
    if customer is not None and by is not None and not Customer.objects.visible_to(by).filter(pk=customer.pk).exists():
        raise MessageRefused(_("You may only message customers in your scope."), "scope")
    existing = _existing(dedupe_key=dedupe_key, send=send, customer=customer)
    if existing is not None:
        return existing
    if customer is not None:
        refused = refusal(customer, kind, channel)
        if refused is not None:
            raise refused
        address = address_of(customer, channel)
        values = merge.contexts([customer], language, context)[customer.pk]
    else:
        address = user.email if channel == Channel.EMAIL else ""
        values = dict(context or {})
    rendered = merge.Renderer(content, language).render(values)
    message = new_message(
        content=content,
        rendered=rendered,
        customer=customer,
        user=user,
        kind=kind,
        channel=channel,
        language=language,
        address=address,
        send=send,
        link=link,
        by=by,
        dedupe_key=dedupe_key,
        context=values if user is not None else {},
    )
    if attachment is not None:
        name, content, mimetype = attachment
        message.attachment_name, message.attachment_type = name[:150], mimetype[:100]
        message.attachment.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        existing = _existing(dedupe_key=dedupe_key, send=send, customer=customer)
        if existing is None:
            raise
        return existing
    if message.status == Status.QUEUED:
        from outreach.tasks import deliver_task

        deliver_task.delay_on_commit([message.pk])
    return message


def _existing(*, dedupe_key: str, send, customer) -> Message | None:
    if dedupe_key:
        return Message.objects.filter(dedupe_key=dedupe_key).first()
    if send is not None and customer is not None:
        return Message.objects.filter(send=send, customer=customer).first()
    return None


def new_message(*, content, rendered, customer, user, kind, channel, language, address, **fields) -> Message:
    """An unsaved message in its first status: in-app is there at once, e-mail queued, no address unreachable."""
    now = timezone.now()
    if channel == Channel.IN_APP:
        status, sent_at = Status.SENT, now
    elif address:
        status, sent_at = Status.QUEUED, None
    else:
        status, sent_at = Status.UNREACHABLE, None
    return Message(
        customer=customer,
        user=user,
        template_key=content.key or "",
        kind=kind,
        channel=channel,
        language=language,
        to_address=address,
        subject=rendered.subject,
        body=rendered.body,
        status=status,
        status_at=now,
        sent_at=sent_at,
        error="" if address or channel == Channel.IN_APP else _no_address(channel),
        **fields,
    )


def _no_address(channel: str) -> str:
    """Errors of our own are stored in English (the msgid) and translated when shown: `{% translate message.error %}`."""
    if channel == Channel.EMAIL:
        return gettext_noop("No e-mail address on file.")
    return gettext_noop("No address for this channel.")


# --- delivery ---------------------------------------------------------------------------------------------------


def backoff(attempts: int, base: int | None = None) -> datetime.timedelta:
    """Wait before attempt `attempts + 1`: base, 2 × base, 4 × base … seconds (capped at a day)."""
    base = settings.OUTREACH_RETRY_BACKOFF if base is None else base
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 86_400))


def claim(message_ids) -> list[int]:
    """Take the queued messages among `message_ids` for delivery (status sending); others are left alone.

    Two workers given the same ids each take a different part (row locks, SKIP LOCKED): a message is handed
    to the mail server once, whoever queued it twice.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(message_ids), status=Status.QUEUED)
            .values_list("pk", flat=True)
        )
        if ids:
            Message.objects.filter(pk__in=ids).update(status=Status.SENDING, status_at=now, attempts=F("attempts") + 1)
    return ids


def deliver(*, message_ids) -> list[int]:
    """Hand the queued e-mails among `message_ids` to the mail server over one connection.

    Sent ones become "sent"; a refused recipient "failed"; on a temporary failure (SMTP error, connection lost)
    a message goes back to the queue with a later next attempt, or "failed" after OUTREACH_MAX_ATTEMPTS.
    Returns the ids to try again.
    """
    ids = claim(message_ids)
    if not ids:
        return []
    messages = list(
        Message.objects.filter(pk__in=ids).annotate(consents=F("customer__marketing_consent")).order_by("pk")
    )
    outcome = {"sent": [], "cancelled": [], "failed": {}, "retry": {}}
    emails = []
    for message in messages:
        if message.kind == Kind.MARKETING and message.customer_id and not message.consents:
            outcome["cancelled"].append(message.pk)  # consent withdrawn after it was queued
        else:
            emails.append((message, email_of(message)))
    if emails:
        _send_over_one_connection(emails, outcome)
    return _record(messages, outcome)


def _send_over_one_connection(emails, outcome) -> None:
    connection = mail.get_connection(fail_silently=False)
    try:
        connection.open()
    except TEMPORARY as error:
        outcome["retry"].update({message.pk: _error_text(error) for message, _email in emails})
        return
    try:
        for message, email in emails:
            try:
                connection.send_messages([email])
            except smtplib.SMTPRecipientsRefused as error:
                outcome["failed"][message.pk] = _error_text(error)
            except smtplib.SMTPResponseException as error:
                target = outcome["failed"] if error.smtp_code >= 500 else outcome["retry"]
                target[message.pk] = _error_text(error)
            except TEMPORARY as error:
                outcome["retry"][message.pk] = _error_text(error)
            else:
                outcome["sent"].append(message.pk)
    finally:
        try:
            connection.close()
        except TEMPORARY:
            logger.warning("Closing the SMTP connection failed", exc_info=True)


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def _record(messages, outcome) -> list[int]:
    now = timezone.now()
    if outcome["sent"]:
        Message.objects.filter(pk__in=outcome["sent"]).update(status=Status.SENT, sent_at=now, status_at=now, error="")
    if outcome["cancelled"]:
        Message.objects.filter(pk__in=outcome["cancelled"]).update(
            status=Status.CANCELLED, status_at=now, error=gettext_noop("Consent withdrawn before sending.")
        )
    for pk, error in outcome["failed"].items():
        Message.objects.filter(pk=pk).update(status=Status.FAILED, status_at=now, error=error)
    retry = []
    attempts = {message.pk: message.attempts for message in messages}  # read after claim() counted this attempt
    for pk, error in outcome["retry"].items():
        if attempts[pk] >= settings.OUTREACH_MAX_ATTEMPTS:
            Message.objects.filter(pk=pk).update(status=Status.FAILED, status_at=now, error=error)
        else:
            due = now + backoff(attempts[pk])
            Message.objects.filter(pk=pk).update(status=Status.QUEUED, status_at=now, next_attempt_at=due, error=error)
            retry.append(pk)
    return retry


def email_of(message: Message) -> mail.EmailMultiAlternatives:
    """The e-mail of a message: its text, an HTML version (escaped, with line breaks and links) and, for
    marketing, the unsubscribe link in the footer and in the List-Unsubscribe headers (one click, RFC 8058)."""
    from outreach.services.consent import unsubscribe_url

    unsubscribe = unsubscribe_url(message) if message.kind == Kind.MARKETING and message.customer_id else ""
    link = f"{settings.SITE_URL}{message.link}" if message.link.startswith("/") else message.link
    context = {"message": message, "unsubscribe_url": unsubscribe, "link": link}
    with override(message.language):
        text = render_to_string("outreach/email/message.txt", context)
        html = render_to_string("outreach/email/message.html", context)
    headers = {"X-CRM-Message": str(message.pk)}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = mail.EmailMultiAlternatives(subject=message.subject, body=text, to=[message.to_address], headers=headers)
    email.attach_alternative(html, "text/html")
    if message.attachment:
        with message.attachment.open("rb") as file:
            email.attach(message.attachment_name or "attachment", file.read(), message.attachment_type or None)
    return email


# --- statuses reported from outside -----------------------------------------------------------------------------

REPORTABLE = (Status.SENT, Status.DELIVERED, Status.FAILED, Status.BOUNCED)
# A later report never moves a message back: delivered after bounced is a late, out-of-order report.
RANK = {Status.QUEUED: 0, Status.SENDING: 1, Status.SENT: 2, Status.DELIVERED: 3, Status.FAILED: 4, Status.BOUNCED: 4}


@transaction.atomic
def message_status_report(*, message: Message, status: str, error: str = "", at=None, by=None) -> Message:
    """Record what a mail server or another system reports (delivered, bounced, failed); reporting the same
    status twice changes nothing, and a report never moves a message back to an earlier status."""
    if status not in REPORTABLE:
        raise ValidationError({"status": _("Report one of: sent, delivered, failed, bounced.")})
    message = Message.objects.select_for_update().get(pk=message.pk)
    if RANK.get(status, 0) <= RANK.get(message.status, 0):
        return message
    message.status = status
    message.status_at = at or timezone.now()
    if status in (Status.SENT, Status.DELIVERED) and message.sent_at is None:
        message.sent_at = message.status_at
    if error or status in (Status.FAILED, Status.BOUNCED):
        message.error = (error or message.error)[:300]
    message.save(update_fields=["status", "status_at", "sent_at", "error"])
    return message


def message_record_external(
    *,
    channel: str,
    external_id: str,
    customer: Customer,
    body: str,
    kind: str = Kind.SERVICE,
    status: str = Status.SENT,
    to_address: str = "",
    sent_at=None,
    error: str = "",
    by=None,
) -> tuple[Message, bool]:
    """Record an SMS or WeChat message another system sent; (message, created). Posting the same external id
    again returns the first record unchanged (the other system may retry)."""
    if channel not in (Channel.SMS, Channel.WECHAT):
        raise ValidationError({"channel": _("Only SMS and WeChat messages are recorded from outside.")})
    if status not in REPORTABLE:
        raise ValidationError({"status": _("Report one of: sent, delivered, failed, bounced.")})
    external_id = external_id.strip()
    if not external_id:
        raise ValidationError({"external_id": _("Give the id the other system knows the message by.")})
    existing = Message.objects.filter(channel=channel, external_id=external_id).first()
    if existing is not None:
        return existing, False
    when = sent_at or timezone.now()
    message = Message(
        customer=customer,
        kind=kind,
        channel=channel,
        to_address=(to_address or address_of(customer, channel))[:254],
        body=body,
        status=status,
        status_at=when,
        sent_at=when if status in (Status.SENT, Status.DELIVERED) else None,
        error=error[:300],
        external_id=external_id,
        by=by,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return Message.objects.get(channel=channel, external_id=external_id), False
    return message, True
