"""My-day panels of the funnel (discounts to approve, reservations expiring) and the customer timeline's deals."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm_site import myday
from customers.selectors import TimelineEvent, timeline_register
from sales.models import Deal, StageChange
from sales.selectors.deals import approval_queue
from sales.selectors.footprint import sales_footprint

EXPIRING_DAYS = 2


def discounts_waiting(user) -> list[myday.PanelItem]:
    rows = approval_queue(user=user).exclude(owner=user)[: myday.MAX_ITEMS + 1]
    return [
        myday.PanelItem(
            title=f"{deal.customer.name} · {deal.unit}",
            url=deal.get_absolute_url(),
            detail=_("discount %(pct)s%% · %(owner)s")
            % {"pct": deal.discount_pct, "owner": deal.owner.get_full_name() or deal.owner.username},
            urgent=True,
        )
        for deal in rows
    ]


def reservations_expiring(user) -> list[myday.PanelItem]:
    now = timezone.now()
    rows = (
        Deal.objects.live()
        .filter(owner=user, stage=Deal.Stage.RESERVATION, expires_at__lte=now + datetime.timedelta(days=EXPIRING_DAYS))
        .select_related("customer", "unit__building")
        .order_by("expires_at")[: myday.MAX_ITEMS + 1]
    )
    return [
        myday.PanelItem(
            title=f"{deal.customer.name} · {deal.unit}",
            url=deal.get_absolute_url(),
            detail=_("reservation expires %(when)s")
            % {"when": timezone.localtime(deal.expires_at).strftime("%m-%d %H:%M")},
            when=deal.expires_at,
            urgent=deal.expires_at <= now + datetime.timedelta(days=1),
        )
        for deal in rows
    ]


myday.declare(
    "discount_approvals",
    gettext_lazy("Discounts waiting for approval"),
    "check2-square",
    gettext_lazy("No discount is waiting for you."),
    12,
    permission="sales.approve_discount",
)
myday.register("discount_approvals", discounts_waiting)
myday.declare(
    "reservations_expiring",
    gettext_lazy("Reservations expiring"),
    "hourglass-bottom",
    gettext_lazy("None of your reservations expires in the next two days."),
    14,
    permission="sales.add_deal",
)
myday.register("reservations_expiring", reservations_expiring)


def _stage_events(customer, limit):
    """Every stage change of the customer's opportunities, the deal stages included (a reservation's note names
    the unit, a contract's its number): the newest stage on the timeline is the opportunity's stage now."""
    if not (sales_footprint(customer).opportunities):
        return []
    rows = (
        StageChange.objects.filter(opportunity__customer=customer)
        .select_related("by", "opportunity__project")
        .order_by("-at", "-id")[:limit]
    )
    return [
        TimelineEvent(
            row.at,
            "stage",
            _("%(project)s: %(stage)s") % {"project": row.opportunity.project, "stage": row.get_to_stage_display()},
            row.note,
            row.by,
            row.opportunity.get_absolute_url(),
        )
        for row in rows
    ]


def _deal_events(customer, limit):
    """What the stage changes do not say: a deal cancelled (and why), which puts the unit back on sale."""
    if not (sales_footprint(customer).opportunities):
        return []
    rows = (
        customer.deals.filter(state=Deal.State.CANCELLED)
        .select_related("unit__building", "cancelled_by")
        .order_by("-cancelled_at")[:limit]
    )
    return [
        TimelineEvent(
            deal.cancelled_at,
            "deal",
            _("Deal on %(unit)s cancelled") % {"unit": deal.unit},
            deal.cancel_reason,
            deal.cancelled_by,
            deal.get_absolute_url(),
        )
        for deal in rows
        if deal.cancelled_at
    ]


timeline_register(_stage_events)
timeline_register(_deal_events)
