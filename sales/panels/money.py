"""Money on other pages: the deal page's schedule section, the "Payments due" my-day panel, and payments
in the customer timeline."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from crm_site import formatting, myday
from customers.selectors import TimelineEvent, timeline_register
from sales import sections as deal_sections
from sales.forms.money import PaymentForm, ScheduleForm
from sales.models import Deal
from sales.selectors import money as selectors
from sales.selectors.footprint import sales_footprint
from sales.services.money import SCHEDULE_STAGES


def deal_section(deal, user) -> dict | None:
    """The deal's schedule with received/outstanding, and the forms the user may use on it."""
    if not user.has_perm("sales.view_installment"):
        return None
    lines = selectors.schedule(deal=deal)
    schedulable = deal.stage in SCHEDULE_STAGES and deal.price is not None and deal.state != Deal.State.CANCELLED
    if not lines and not schedulable:
        return None
    may_schedule = schedulable and user.has_perm("sales.change_deal")
    has_unpaid = any(not line.received for line in lines)
    return {
        "deal": deal,
        "lines": lines,
        "totals": selectors.schedule_totals(lines),
        "schedule_form": ScheduleForm(deal=deal) if may_schedule and (not lines or has_unpaid) else None,
        "payment_form": PaymentForm(),
        "next_url": _deal_url(deal),
        "can_pay": user.has_perm("sales.add_payment") and deal.state != Deal.State.CANCELLED,
        "can_refund": user.has_perm("sales.change_installment"),
        "can_edit": user.has_perm("sales.change_installment"),
    }


def _deal_url(deal) -> str:
    from sales.views.money import deal_url

    return deal_url(deal) + "#money"


def payments_due(user) -> list[myday.PanelItem]:
    """The user's installments overdue or due within 7 days; overdue ones are urgent."""
    if not user.has_perm("sales.view_installment"):
        return []
    today = timezone.localdate()
    items = []
    for line in selectors.payments_due(user=user, days=7, limit=myday.MAX_ITEMS + 1):
        who = line.deal.customer.name if line.deal_id else line.lease.tenant.name
        url = line.lease.get_absolute_url() if line.lease_id else _deal_url(line.deal)
        late = (today - line.due_on).days
        amount = formatting.money(line.outstanding)
        detail = (
            ngettext(
                "%(amount)s outstanding · %(days)d day overdue", "%(amount)s outstanding · %(days)d days overdue", late
            )
            % {"amount": amount, "days": late}
            if late > 0
            else _("%(amount)s due %(date)s") % {"amount": amount, "date": f"{line.due_on:%Y-%m-%d}"}
        )
        items.append(
            myday.PanelItem(
                title=f"{who} · {line.get_kind_display()}", url=url, detail=detail, when=line.due_on, urgent=late > 0
            )
        )
    return items


def payment_events(customer, limit) -> list[TimelineEvent]:
    if not ((footprint := sales_footprint(customer)).opportunities or footprint.leases):
        return []
    events = []
    for payment in selectors.customer_payments(customer=customer, limit=limit):
        line = payment.installment
        when = datetime.datetime.combine(payment.received_on, datetime.time(12), tzinfo=timezone.get_current_timezone())
        if payment.is_refund:
            title = _("Refund of %(amount)s") % {"amount": formatting.money(-payment.amount)}
        else:
            title = _("Payment of %(amount)s received") % {"amount": formatting.money(payment.amount)}
        what = _("lease") if line.lease_id else _("contract")
        url = line.lease.get_absolute_url() if line.lease_id else _deal_url(line.deal)
        detail = f"{line.get_kind_display()} {line.sequence} ({what}) · {payment.reference}".rstrip(" ·")
        events.append(TimelineEvent(when, "payment", title, detail, payment.by, url))
    return events


deal_sections.register("money", "sales/_money_deal_section.html", deal_section, order=20)
myday.declare(
    "payments_due",
    gettext_lazy("Payments due"),
    "cash-coin",
    gettext_lazy("No payments due this week."),
    25,
    permission="sales.view_installment",
)
myday.register("payments_due", payments_due)
timeline_register(payment_events)
