"""My-day panels (promises due, this month's quota), customer timeline events and the deal page section of
the promises part of sales; imported at start-up by sales/apps.py."""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from crm_site import myday
from crm_site.formatting import money
from crm_site.models import Team
from customers.selectors import TimelineEvent, timeline_register
from sales import sections as deal_sections
from sales.models import Promise, SalesTarget
from sales.selectors import promises as promise_selectors
from sales.selectors import quotas as quota_selectors
from sales.selectors.footprint import sales_footprint


def promises_due(user) -> list[myday.PanelItem]:
    """The user's open promises due within the warning window or overdue."""
    today = timezone.localdate()
    items = []
    for promise in promise_selectors.due_soon(user=user, today=today, limit=myday.MAX_ITEMS + 1):
        overdue = promise.due_on < today
        detail = promise.get_topic_display()
        if overdue:
            detail += " · " + _("overdue since %(day)s") % {"day": f"{promise.due_on:%Y-%m-%d}"}
        else:
            detail += " · " + _("due %(day)s") % {"day": f"{promise.due_on:%Y-%m-%d}"}
        items.append(
            myday.PanelItem(
                title=f"{promise.customer.name}: {promise.content[:60]}",
                url=promise.get_absolute_url(),
                detail=detail,
                when=promise.due_on,
                urgent=overdue,
            )
        )
    return items


def _quota_item(row, url, title) -> myday.PanelItem:
    amount = money(row.amount, 0)
    if row.target is None:
        detail = _("No target set this month")
    else:
        detail = _("%(pct)s%% of the assessed target of %(target)s") % {
            "pct": row.amount_pct if row.amount_pct is not None else "—",
            "target": money(row.target.amount, 0),
        }
        if row.stretch_pct is not None:
            detail += " · " + _("%(pct)s%% of the ideal") % {"pct": row.stretch_pct}
    units = ngettext("%(units)d unit", "%(units)d units", row.units) % {"units": row.units}
    if row.target and row.target.units:
        units = _("%(units)d of %(target)d units") % {"units": row.units, "target": row.target.units}
    below = row.amount_pct is not None and row.amount_pct < 100
    title = f"{title} · {amount} · {units}" if title else f"{amount} · {units}"
    return myday.PanelItem(title=title, url=url, detail=detail, urgent=below)


def quota(user) -> list[myday.PanelItem]:
    """This month's contracted amount and units against the target: a team manager's teams (their targets rolled up
    from sub-teams), else the user's own."""
    month = timezone.localdate().replace(day=1)
    url = f"{reverse('sales:target-list')}?{urlencode({'month': f'{month:%Y-%m}'})}"
    teams = list(Team.objects.filter(manager=user, active=True).order_by("name"))
    if teams:
        rows = quota_selectors.attainment(month=month, level=SalesTarget.Level.TEAM, subjects=teams)
        return [_quota_item(row, url, row.subject.name) for row in rows if row.counts]
    row = quota_selectors.attainment(month=month, level=SalesTarget.Level.REP, subjects=[user])[0]
    if row.target is None and not row.units:
        return []
    return [_quota_item(row, url, "")]


def _promise_events(customer, limit):
    if not (sales_footprint(customer).promises):
        return []
    rows = (
        Promise.objects.filter(customer=customer)
        .select_related("promised_by", "closed_by")
        .order_by("-created_at", "-id")[:limit]
    )
    events = []
    for promise in rows:
        url = promise.get_absolute_url()
        title = _("Promise: %(topic)s") % {"topic": promise.get_topic_display()}
        detail = promise.content
        if promise.due_on:
            detail += " · " + _("due %(day)s") % {"day": f"{promise.due_on:%Y-%m-%d}"}
        events.append(TimelineEvent(promise.created_at, "promise", title, detail, promise.promised_by, url))
        if promise.closed_at:
            closed = _("Promise %(status)s: %(topic)s") % {
                "status": promise.get_status_display().lower(),
                "topic": promise.get_topic_display(),
            }
            events.append(
                TimelineEvent(promise.closed_at, "promise", closed, promise.close_note, promise.closed_by, url)
            )
    return events


def deal_section(deal, user):
    if not user.has_perm("sales.view_promise"):
        return None
    add_url = ""
    if user.has_perm("sales.add_promise"):
        add_url = f"{reverse('sales:promise-create')}?{urlencode({'customer': deal.customer_id, 'deal': deal.pk})}"
    return {
        "deal": deal,
        "promises": promise_selectors.deal_promises(deal=deal, user=user),
        "add_url": add_url,
        "today": timezone.localdate(),
    }


myday.declare(
    "promises",
    gettext_lazy("Promises due"),
    "patch-check",
    gettext_lazy("No promises due soon."),
    25,
    permission="sales.add_promise",
)
myday.register("promises", promises_due)
myday.declare(
    "quota",
    gettext_lazy("Quota this month"),
    "bullseye",
    gettext_lazy("No target or contracts this month yet."),
    26,
    permission="sales.add_opportunity",
)
myday.register("quota", quota)
timeline_register(_promise_events)
deal_sections.register("promises", "sales/_promise_deal_section.html", deal_section, order=30)
