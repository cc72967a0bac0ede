"""The sales section of the customer 360 page: opportunities, deals on units, open promises, and quick actions."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from customers import sections
from sales.models import Deal, Opportunity, Promise
from sales.selectors.footprint import sales_footprint

ACTIONS = [
    ("sales:opportunity-create", _("New opportunity"), "sales.add_opportunity", "plus-circle"),
    ("sales:deal-reserve", _("Reserve a unit"), "sales.add_deal", "bookmark-plus"),
    ("sales:promise-create", _("Record a promise"), "sales.add_promise", "patch-check"),
    ("sales:competitor-move-create", _("Competitor"), "sales.add_competitormove", "flag"),
    ("sales:campaign-lead-add", _("Campaign"), "sales.change_campaign", "megaphone"),
]


def _actions(customer, user) -> list[dict]:
    shown = []
    for url_name, label, permission, icon in ACTIONS:
        if not user.has_perm(permission):
            continue
        try:
            url = f"{reverse(url_name)}?customer={customer.pk}"
        except NoReverseMatch:
            continue  # that part of sales is not installed
        shown.append({"url": url, "label": label, "icon": icon})
    return shown


def sales_section(customer, user) -> dict | None:
    if not user.has_perm("sales.view_opportunity") and not user.has_perm("sales.view_promise"):
        return None
    footprint = sales_footprint(customer)
    opportunities, deals, promises = [], [], []
    if footprint.opportunities:
        opportunities = list(
            Opportunity.objects.visible_to(user)
            .filter(customer=customer)
            .select_related("project", "owner")
            .order_by("-stage_changed_at")[:10]
        )
        # Each deal is listed once, under its opportunity (the unit is the deal's, not repeated on the card);
        # a deal whose opportunity is not listed stands on its own.
        by_opportunity = {opportunity.pk: opportunity for opportunity in opportunities}
        for opportunity in opportunities:
            opportunity.listed_deals = []
        for deal in (
            Deal.objects.visible_to(user)
            .filter(customer=customer)
            .select_related("unit__building", "project")
            .order_by("-reserved_at")[:10]
        ):
            if deal.opportunity_id in by_opportunity:
                by_opportunity[deal.opportunity_id].listed_deals.append(deal)
            else:
                deals.append(deal)
    if footprint.promises:
        promises = list(
            Promise.objects.visible_to(user).filter(customer=customer).open().select_related("promised_by")[:10]
        )
    return {
        "customer": customer,
        "opportunities": opportunities,
        "deals": deals,
        "promises": promises,
        "actions": _actions(customer, user),
    }


sections.register("sales", "sales/_customer_sales_section.html", sales_section, order=20)
