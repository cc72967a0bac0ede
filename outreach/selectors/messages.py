"""Messages, read through the scope of their customer (a message to a file you cannot see is not found)."""

from django.db.models import QuerySet

from crm_site.scope import reach
from customers.models import Customer
from outreach.models import ConsentChange, Message


def visible_messages(user) -> QuerySet[Message]:
    """Messages to customers `user` may see (staff notifications are only their recipient's: see notifications)."""
    messages = Message.objects.filter(customer__isnull=False)
    if reach(user).everything:
        return messages
    return messages.filter(customer__in=Customer.objects.visible_to(user).values("pk"))


def message_get(*, user, pk: int) -> Message:
    """Raises Message.DoesNotExist when the message's customer is outside `user`'s scope."""
    return visible_messages(user).select_related("customer", "send").get(pk=pk)


def customer_messages(*, customer: Customer, limit: int = 20) -> list[Message]:
    return list(Message.objects.filter(customer=customer).select_related("by").order_by("-created_at", "-id")[:limit])


def consent_history(*, customer: Customer, limit: int = 10) -> list[ConsentChange]:
    return list(ConsentChange.objects.filter(customer=customer).select_related("by").order_by("-at", "-id")[:limit])
