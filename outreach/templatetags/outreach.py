from django import template

register = template.Library()

STATUS_CLASSES = {
    "queued": "text-bg-secondary",
    "sending": "text-bg-info",
    "sent": "text-bg-success",
    "delivered": "text-bg-success",
    "failed": "text-bg-danger",
    "bounced": "text-bg-danger",
    "unreachable": "text-bg-warning",
    "cancelled": "text-bg-light border",
    "draft": "text-bg-light border",
    "scheduled": "text-bg-info",
    "done": "text-bg-success",
    "pending": "text-bg-secondary",
    "retrying": "text-bg-warning",
    "succeeded": "text-bg-success",
}


@register.filter
def status_class(status: str) -> str:
    """Bootstrap badge classes for a message, send or delivery status."""
    return STATUS_CLASSES.get(status, "text-bg-secondary")
