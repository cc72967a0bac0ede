"""My-day panels: tickets near SLA breach or breached (the foundation's "tickets" panel), callbacks due,
certificate deadlines at risk."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm_site import myday
from service.selectors import callbacks as callback_selectors
from service.selectors import certificates as certificate_selectors
from service.selectors import sla as sla_selectors
from service.selectors import tickets as ticket_selectors


def duration(minutes: int) -> str:
    hours, minutes = divmod(int(minutes), 60)
    days, hours = divmod(hours, 24)
    if days:
        return _("%(days)dd %(hours)dh") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)dh %(minutes)dm") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)dm") % {"minutes": minutes}


def tickets_at_risk(user) -> list[myday.PanelItem]:
    if not user.has_perm("service.view_ticket"):
        return []
    now = timezone.now()
    items = []
    for ticket in ticket_selectors.at_risk(user=user, now=now, limit=myday.MAX_ITEMS + 1):
        left = sla_selectors.time_left(ticket, now)
        if left["state"] == "breached":
            detail = _("Breached: overdue by %(time)s") % {"time": duration(left["minutes"])}
            if ticket.escalated_at:
                detail += " · " + _("escalated")
        else:
            detail = _("Near breach: %(time)s left") % {"time": duration(left.get("minutes", 0))}
        items.append(
            myday.PanelItem(
                title=f"#{ticket.pk} {ticket.customer.name}: {ticket.subject[:60]}",
                url=ticket.get_absolute_url(),
                detail=detail,
                when=ticket.resolution_due_at,
                urgent=left["state"] == "breached",
            )
        )
    return items


def callbacks_due(user) -> list[myday.PanelItem]:
    today = timezone.localdate()
    items = []
    for callback in callback_selectors.due(user=user, today=today, limit=myday.MAX_ITEMS + 1):
        items.append(
            myday.PanelItem(
                title=f"{callback.customer.name}: {callback.get_reason_display()}",
                url=reverse("service:callback-detail", args=[callback.pk]),
                detail=_("due %(day)s") % {"day": f"{callback.due_on:%Y-%m-%d}"},
                when=callback.due_on,
                urgent=callback.due_on < today,
            )
        )
    return items


def certificates_at_risk(user) -> list[myday.PanelItem]:
    today = timezone.localdate()
    items = []
    for case in certificate_selectors.deadline_at_risk(user=user, today=today, limit=myday.MAX_ITEMS + 1):
        late = case.deadline < today
        items.append(
            myday.PanelItem(
                title=f"{case.unit} · {case.customer.name}",
                url=case.get_absolute_url(),
                detail=(_("Certificate deadline passed %(day)s") if late else _("Certificate due by %(day)s"))
                % {"day": f"{case.deadline:%Y-%m-%d}"}
                + f" · {case.stage}",
                when=case.deadline,
                urgent=late or case.deadline - today <= datetime.timedelta(days=7),
            )
        )
    return items


myday.register("tickets", tickets_at_risk)
myday.declare(
    "callbacks",
    gettext_lazy("Callbacks due"),
    "telephone-forward",
    gettext_lazy("No callbacks due."),
    31,
    permission="service.change_callback",
)
myday.register("callbacks", callbacks_due)
myday.declare(
    "certificates",
    gettext_lazy("Certificate deadlines at risk"),
    "award",
    gettext_lazy("No certificate deadline is at risk."),
    32,
    permission="service.manage_service",
)
myday.register("certificates", certificates_at_risk)
