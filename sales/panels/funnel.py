"""My-day panels of the funnel (discounts to approve, reservations expiring) and the customer timeline's deals."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm_site import myday
from customers.selectors import TimelineEvent, timeline_register
from sales.models import Deal, Opportunity, StageChange
from sales.selectors.deals import approval_queue
from sales.selectors.footprint import sales_footprint

EXPIRING_DAYS = 2


def discounts_waiting(user) -> list[myday.PanelItem]:
    rows = approval_queue(user=user).exclude(owner=user)[: myday.MAX_ITEMS + 1]
    return [
        myday.PanelItem(
            title=f"{deal.customer.name} · {deal.unit}",
            url=deal.get_absolute_url(),
            detail=_("discount %(pct)s%% · %(owner)s") % {"pct": deal.discount_pct, "owner": deal.owner},
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
    """Stage changes of the customer's opportunities; the deal stages come with their deal (below)."""
    if not (sales_footprint(customer).opportunities):
        return []
    rows = (
        StageChange.objects.filter(opportunity__customer=customer)
        .exclude(to_stage__in=Opportunity.DEAL_STAGES)
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


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _deal_events(customer, limit):
    if not (sales_footprint(customer).opportunities):
        return []
    rows = customer.deals.select_related("unit__building", "owner", "cancelled_by").order_by("-reserved_at")[:limit]
    events = []
    for deal in rows:
        url = deal.get_absolute_url()
        unit = str(deal.unit)
        events.append(
            TimelineEvent(deal.reserved_at, "deal", _("Reserved %(unit)s") % {"unit": unit}, "", deal.owner, url)
        )
        if deal.subscribed_on and deal.stage != Deal.Stage.RESERVATION:
            events.append(
                TimelineEvent(
                    _at(deal.subscribed_on), "deal", _("Subscribed %(unit)s") % {"unit": unit}, "", deal.owner, url
                )
            )
        if deal.signed_on and deal.stage == Deal.Stage.CONTRACT:
            events.append(
                TimelineEvent(
                    _at(deal.signed_on),
                    "deal",
                    _("Contract signed for %(unit)s") % {"unit": unit},
                    deal.contract_no,
                    deal.owner,
                    url,
                )
            )
        if deal.cancelled_at:
            events.append(
                TimelineEvent(
                    deal.cancelled_at,
                    "deal",
                    _("Deal on %(unit)s cancelled") % {"unit": unit},
                    deal.cancel_reason,
                    deal.cancelled_by,
                    url,
                )
            )
    return events


timeline_register(_stage_events)
timeline_register(_deal_events)
