"""Analytics in the navigation (the shared Reports menu, settings), the role landings and the customer-list
filters (a value-matrix cell, a segment, a risk level or a profit class drills down to the customer list)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from analytics.models import CustomerScore
from analytics.models.scores import latest_night
from crm_site import home
from crm_site.navigation import NavItem, add, add_setting
from customers import listfilters

add(
    "reports",
    NavItem(_("Company dashboard"), "analytics:company", "speedometer2", "analytics.view_company_dashboard"),
    1,
)
add("reports", NavItem(_("Team dashboard"), "analytics:team", "people", "analytics.view_team_dashboard"), 2)
# The dashboards' at-risk panel as a whole list, for whoever sees a dashboard (managers, executives); after the
# team dashboard (same order, registered after it).
add(
    "reports",
    NavItem(_("Customers at risk"), "analytics:at-risk", "exclamation-triangle", "analytics.view_team_dashboard"),
    2,
)
add(
    "reports",
    NavItem(_("Management reports"), "analytics:report-list", "file-earmark-pdf", "analytics.view_management_report"),
    3,
)
add_setting(NavItem(_("Analytics jobs"), "analytics:job-list", "cpu", "analytics.run_job"), 90)

home.register(permission="analytics.view_company_dashboard", url_name="analytics:company", order=10)
home.register(permission="analytics.view_team_dashboard", url_name="analytics:team", order=20)


def _score_filter(field: str, **only):
    """`only`: what else the rows hold (a quadrant: an owner's, contracts > 0, so the owners' index finds them)."""

    def query(value: str) -> Q:
        night = latest_night()
        if night is None:
            return Q(pk__in=[])
        return Q(pk__in=CustomerScore.objects.filter(night=night, **only, **{field: value}).values("customer_id"))

    return query


listfilters.register(
    "quadrant",
    _("Value quadrant"),
    lambda: dict(CustomerScore.Quadrant.choices),
    _score_filter("quadrant", contracts__gt=0),
)
listfilters.register("segment", _("Segment"), lambda: dict(CustomerScore.Segment.choices), _score_filter("segment"))
listfilters.register("score_risk", _("Risk level"), lambda: dict(CustomerScore.Risk.choices), _score_filter("risk"))
listfilters.register(
    "profit_class",
    _("Profit class"),
    lambda: dict(CustomerScore.ProfitClass.choices),
    _score_filter("profit_class"),
)
