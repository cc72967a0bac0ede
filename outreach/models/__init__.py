"""Outreach: templates, messages and consent, sends and announcements, outbound webhooks."""

from .messages import ConsentChange, Message, NotificationSetting
from .sends import Announcement, Send
from .templates import LANGUAGES, Channel, Kind, MessageTemplate
from .webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "LANGUAGES",
    "Announcement",
    "Channel",
    "ConsentChange",
    "Kind",
    "Message",
    "MessageTemplate",
    "NotificationSetting",
    "Send",
    "WebhookDelivery",
    "WebhookEndpoint",
]
