"""My-day panels of the inquiries pages (registered from customers.apps).

"Inquiries waiting": for dispatchers (customers.assign_inquiry) the unassigned and overdue inquiries of their
queue (plus any assigned to themselves and not yet answered); for reps their assigned, not yet contacted ones.
Two queries at most, whatever the size of the queue.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm_site.myday import MAX_ITEMS, PanelItem, declare, register
from customers.models import Inquiry
from customers.services import inquiries as services

Status = Inquiry.Status

declare(
    "inquiries",
    gettext_lazy("Inquiries waiting"),
    "inbox",
    gettext_lazy("No inquiries are waiting."),
    15,
    permission="customers.view_inquiry",
    counter=lambda user: waiting_count(user),
)


def _detail(inquiry: Inquiry, now) -> str:
    parts = [
        str(inquiry.assigned_to.get_full_name() or inquiry.assigned_to.username)
        if inquiry.assigned_to
        else _("Unassigned"),
        inquiry.project.name if inquiry.project else "",
        _("waiting %(time)s") % {"time": services.duration_text(now - inquiry.received_at)},
    ]
    if inquiry.is_overdue:
        parts.append(_("overdue"))
    return " · ".join(part for part in parts if part)


def _waiting(user, now):
    """The inquiries waiting on `user`, with their overdue flag (none without the permission)."""
    cutoff = services.alert_cutoff(now=now)
    mine = Q(assigned_to=user, status=Status.ASSIGNED, first_contact_at__isnull=True)
    if user.has_perm(services.ASSIGN_PERMISSION):
        wanted = Q(status=Status.NEW) | services.overdue_q(cutoff) | mine
    else:
        wanted = mine
    return services.with_overdue(services.inquiries_visible_to(user).filter(wanted), cutoff)


def waiting_count(user) -> int:
    if not user.is_authenticated or not user.has_perm(services.VIEW_PERMISSION):
        return 0
    return _waiting(user, timezone.now()).count()


def waiting_inquiries(user) -> list[PanelItem]:
    if not user.is_authenticated or not user.has_perm(services.VIEW_PERMISSION):
        return []
    now = timezone.now()
    waiting = _waiting(user, now)
    rows = list(
        waiting.select_related("project", "assigned_to").order_by("-is_overdue", "received_at", "pk")[: MAX_ITEMS + 1]
    )
    items = [
        PanelItem(
            title=inquiry.name,
            url=inquiry.get_absolute_url(),
            detail=_detail(inquiry, now),
            when=inquiry.received_at,
            urgent=inquiry.is_overdue,
        )
        for inquiry in rows
    ]
    if len(items) > MAX_ITEMS:
        # The page shows MAX_ITEMS: the last line says how many more the queue holds.
        more = waiting.count() - (MAX_ITEMS - 1)
        items = items[: MAX_ITEMS - 1]
        items.append(
            PanelItem(
                title=_("%(count)d more in the inquiry queue") % {"count": more},
                url=reverse("customers:inquiry-list"),
            )
        )
    return items


register("inquiries", waiting_inquiries)
