"""Templates: the list (saved ones, and the defaults code relies on that nobody customised yet)."""

from django.db.models import Q, QuerySet

from outreach.models import MessageTemplate


def template_list(*, search: str = "", kind: str = "", channel: str = "", active: bool | None = None) -> QuerySet:
    templates = MessageTemplate.objects.select_related("updated_by")
    if search:
        templates = templates.filter(Q(name__icontains=search) | Q(key__icontains=search))
    if kind:
        templates = templates.filter(kind=kind)
    if channel:
        templates = templates.filter(channel=channel)
    if active is not None:
        templates = templates.filter(active=active)
    return templates.order_by("name", "pk")
