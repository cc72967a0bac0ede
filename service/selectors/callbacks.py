"""Reads of callbacks: the agent's queue and what is due."""

from django.db.models import Q

from service.models import Callback


def callback_list(*, user, done: bool = False):
    rows = Callback.objects.visible_to(user).select_related("customer", "project", "assignee", "ticket")
    rows = rows.filter(done_at__isnull=not done)
    return rows.order_by("-done_at" if done else "due_on", "id")


def due(*, user, today, limit: int = 11) -> list[Callback]:
    if not user.has_perm("service.change_callback"):
        return []
    return list(
        Callback.objects.filter(Q(assignee=user), done_at__isnull=True, due_on__lte=today)
        .select_related("customer")
        .order_by("due_on")[:limit]
    )


def callback_get(*, user, pk) -> Callback:
    return Callback.objects.visible_to(user).select_related("customer", "ticket", "deal", "follow_up").get(pk=pk)
