"""A staff member's own notifications, shown in the reader's language when their template is still there."""

from django.db.models import QuerySet

from outreach import defaults, merge
from outreach.models import Channel, Message


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Message]:
    notifications = Message.objects.filter(user=user, channel=Channel.IN_APP)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return Message.objects.filter(user=user, channel=Channel.IN_APP, read_at__isnull=True).count()


def in_language(messages, language: str) -> list[Message]:
    """Set `shown_subject` / `shown_body` on each notification: rendered again in `language` from its template and
    merge values, else as written when it was sent."""
    renderers = {}
    for message in messages:
        message.shown_subject, message.shown_body = message.subject, message.body
        if not message.template_key or not message.context:
            continue
        if message.template_key not in renderers:
            template = defaults.template_for(message.template_key)
            renderers[message.template_key] = merge.Renderer(template, language) if template else None
        renderer = renderers[message.template_key]
        if renderer is not None:
            rendered = renderer.render(message.context)
            message.shown_subject, message.shown_body = rendered.subject, rendered.body
    return messages
