"""Outreach: the one way the CRM sends anything to a customer or a staff member.

Every sender uses these few calls; nothing else in the project sends mail or writes messages.

    from outreach import services as outreach

    # One message to one customer: a marketing offer, a payment reminder, a birthday greeting.
    outreach.message_send(
        template="payment.reminder",        # a key (outreach.defaults) or a MessageTemplate row
        customer=customer,
        context={"due_date": installment.due_on, "amount_due": "¥120,000.00"},  # plain values, merged in
        kind="service",                     # default: the template's kind; "marketing" needs consent
        channel="email",                    # default: the template's channel ("email" or "in_app")
        language="zh-hans",                 # default: LANGUAGE_CODE (to staff, user=: their own language)
        dedupe_key=f"reminder:{installment.pk}:{installment.due_on}",   # a second call returns the first message
        by=request.user,                    # optional: then the customer must be in by's scope
    )

    # A staff notification: in-app (the bell), plus e-mail when the user has an address and wants it; in the
    # user's own language (crm_site.languages.staff_language: their profile's, else the site's).
    outreach.notify(user=agent, template="ticket.assigned", context={"ticket_no": "T-1042"},
                    link=ticket.get_absolute_url(), dedupe_key=f"ticket.assigned:{ticket.pk}:{agent.pk}")

Rules every call obeys:
- Marketing goes only to customers who consented (Customer.marketing_consent) and have an address for the
  channel: otherwise MessageRefused (a ValidationError with code "no_consent" / "no_address" / "scope").
  Service messages go regardless of consent; without an address they are recorded as "No address".
- The message row (status queued) is written in the caller's transaction; delivery is a Celery task queued
  after commit (`delay_on_commit`), in batches, retried with backoff on a temporary SMTP failure; each message
  ends sent, failed or bounced (bounces are reported through the API or the admin) and shows on the customer's
  timeline.
- Marketing e-mails carry an unsubscribe link (signed token, no login) that withdraws consent at once.
- A send to an audience (services.sends) writes each customer's message once: a unique constraint on
  (send, customer). Audiences are a registry (outreach.audiences.register), so are merge fields
  (outreach.merge.register) and the templates code relies on (outreach.defaults.register).
- SMS and WeChat are sent by another system; it records them (and their delivery status) through the API:
  `message_record_external()` and `message_status_report()`, idempotent by the external id.
"""

from .announcements import announcement_create, announcement_send
from .consent import consent_give, consent_withdraw, unsubscribe, unsubscribe_token, unsubscribe_url
from .messages import (
    MessageRefused,
    address_of,
    deliver,
    message_record_external,
    message_send,
    message_status_report,
    refusal,
)
from .notifications import notification_read, notifications_read_all, notify, notify_permission
from .sends import (
    audience_count,
    outreach_tick,
    send_cancel,
    send_expand,
    send_finish,
    send_pump,
    send_report,
    send_save,
    send_schedule,
    send_start,
)
from .templates import template_save

__all__ = [
    "MessageRefused",
    "address_of",
    "announcement_create",
    "announcement_send",
    "audience_count",
    "consent_give",
    "consent_withdraw",
    "deliver",
    "message_record_external",
    "message_send",
    "message_status_report",
    "notification_read",
    "notifications_read_all",
    "notify",
    "notify_permission",
    "outreach_tick",
    "refusal",
    "send_cancel",
    "send_expand",
    "send_finish",
    "send_pump",
    "send_report",
    "send_save",
    "send_schedule",
    "send_start",
    "template_save",
    "unsubscribe",
    "unsubscribe_token",
    "unsubscribe_url",
]
