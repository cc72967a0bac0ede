"""The customer 360 page: messages and consent changes on the timeline, and a Messages section with "Send a message"."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.signals import post_create_historical_record

from customers import footprint, sections
from customers.models import Customer
from customers.selectors import TimelineEvent, timeline_register
from outreach.models import ConsentChange, Message
from outreach.services.consent import record_file_change

footprint.register("outreach.messages", footprint.customer_rows("outreach.Message"))
footprint.register("outreach.consent", footprint.customer_rows("outreach.ConsentChange"))


def _recent_messages(customer, limit: int) -> list[Message]:
    """The customer's newest `limit` messages, read once per request for the timeline and the section."""
    cached = getattr(customer, "_recent_messages", None)
    if cached is None or (cached[0] < limit and len(cached[1]) == cached[0]):
        rows = []
        if footprint.has(customer, "outreach.messages"):
            rows = list(
                Message.objects.filter(customer=customer)
                .select_related("by", "send__announcement")
                .order_by("-created_at", "-id")[:limit]
            )
        cached = (limit, rows)
        customer._recent_messages = cached
    return cached[1][:limit]


def message_events(customer, limit) -> list[TimelineEvent]:
    rows = _recent_messages(customer, limit)
    events = []
    for message in rows:
        announcement = getattr(message.send, "announcement", None) if message.send_id else None
        what = _("Announcement") if announcement else message.get_channel_display()
        detail = message.get_status_display()
        if message.error and message.status not in Message.REACHED:
            detail += f" · {_(message.error)}"  # ours are msgids; a mail server's text stays as it came
        url = announcement.get_absolute_url() if announcement else ""  # a send's page is marketing's, not the rep's
        title = f"{what} · {message.subject or message.body[:60]}"
        events.append(TimelineEvent(message.sent_at or message.created_at, "message", title, detail, message.by, url))
    return events


def consent_events(customer, limit) -> list[TimelineEvent]:
    if not footprint.has(customer, "outreach.consent"):
        return []
    rows = ConsentChange.objects.filter(customer=customer).select_related("by").order_by("-at")[:limit]
    return [
        TimelineEvent(
            row.at,
            "consent",
            _("Consented to marketing") if row.granted else _("Withdrew marketing consent"),
            row.get_how_display() + (f" · {row.note}" if row.note else ""),
            row.by,
        )
        for row in rows
    ]


def messages_section(customer, user) -> dict | None:
    """Recent messages, consent, and the "Send a message" button (scope was checked by the page)."""
    may_send = user.has_perm("outreach.send_message")
    if not may_send and not user.has_perm("outreach.view_send"):
        return None
    return {
        "customer": customer,
        "messages": _recent_messages(customer, 5),
        "send_url": reverse("outreach:customer-message", args=[customer.pk]) if may_send else "",
    }


@receiver(post_create_historical_record)
def consent_on_the_file(sender, instance, history_instance, history_user, **kwargs):
    """A consent given or withdrawn on the customer file (form, API, merge) is recorded like the unsubscribe link's."""
    if not isinstance(instance, Customer) or history_instance.history_type == "-":
        return
    if history_instance.history_type == "+":
        changed = instance.marketing_consent
    else:
        previous = history_instance.prev_record
        changed = previous is not None and previous.marketing_consent != instance.marketing_consent
    if changed:
        by = history_user if history_user is not None and history_user.is_authenticated else None
        record_file_change(customer=instance, granted=instance.marketing_consent, by=by)


timeline_register(message_events)
timeline_register(consent_events)
sections.register("outreach", "outreach/_customer_section.html", messages_section, order=60)
