"""The visit-frequency rules at work: the settings page, the rep's "Visits due" panel on my day (their own
customers, most overdue first, "See all" opens the customer list filtered) and the list filter `visit_due=1`."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from analytics.models import VisitRule
from analytics.selectors import visits as selectors
from crm_site import myday
from crm_site.navigation import NavItem, add_setting
from customers import listfilters

add_setting(
    NavItem(gettext_lazy("Visit rules"), "analytics:visit-rules", "calendar-check", "crm_site.manage_settings"), 25
)

listfilters.register(
    "visit_due",
    gettext_lazy("Visit by segment rule"),
    lambda: {"1": pgettext_lazy("visit rule", "Overdue")},
    lambda _value: selectors.customers_due_q(),
)


def visits_due(user) -> list[myday.PanelItem]:
    today = timezone.localdate()
    rows = selectors.visits_due(user=user, own=True, today=today)[: myday.MAX_ITEMS + 1]
    items = []
    for customer in rows:
        late = selectors.overdue_days(customer, today)
        if late is None:
            detail = _("every %(days)d days · never contacted") % {"days": customer.visit_every}
        else:
            detail = ngettext(
                "every %(days)d days · %(late)d day overdue", "every %(days)d days · %(late)d days overdue", late
            ) % {"days": customer.visit_every, "late": late}
        items.append(myday.PanelItem(title=customer.name, url=customer.get_absolute_url(), detail=detail, urgent=True))
    return items


myday.declare(
    "visits_due",
    gettext_lazy("Due for a visit by segment"),
    "calendar-check",
    gettext_lazy("Every customer your visit rules cover has been contacted in time."),
    12,
    permission="customers.add_interaction",
    # Only where an admin set a rule, and for users who see scores (the rule reads them).
    visible=lambda user: (
        user.has_perm("analytics.view_customerscore") and VisitRule.objects.filter(active=True).exists()
    ),
    counter=lambda user: selectors.visits_due(user=user, own=True).count(),
    link=lambda user: f"{reverse('customers:customer-list')}?visit_due=1",
)
myday.register("visits_due", visits_due)
