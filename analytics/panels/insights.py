"""What the insight pages add to the rest of the CRM: navigation entries, the marketing landing, the data-quality
filter of the customer list (with its owner filter: a rep's incomplete files), the recommendations section of the customer page, and
the value quadrants and segments as saved audiences for outreach campaigns (outreach.audiences registry)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from analytics.models import CustomerScore
from analytics.models.scores import latest_night
from analytics.selectors import quality
from analytics.selectors.recommendations import customer_recommendations
from crm_site import home
from crm_site.navigation import NavItem, add
from crm_site.roles import grant
from customers import footprint, listfilters, sections
from customers.models import Customer
from outreach import audiences

MARKETING = "analytics.view_marketing_dashboard"

grant("marketing", MARKETING)
grant("executive", MARKETING)
grant("admin", MARKETING)

add("reports", NavItem(_("Forecasts"), "analytics:forecasts", "graph-up-arrow", "analytics.view_team_dashboard"), 5)
add("reports", NavItem(_("Product analysis"), "analytics:product", "grid-3x3", "analytics.view_team_dashboard"), 6)
add("reports", NavItem(_("Data quality"), "analytics:quality", "clipboard-check", "analytics.view_team_dashboard"), 7)
add("reports", NavItem(_("Marketing dashboard"), "analytics:marketing", "megaphone", MARKETING), 8)

# Marketing staff land on their dashboard; executives and managers keep theirs (lower orders win).
home.register(permission=MARKETING, url_name="analytics:marketing", order=30)


# --- customer list: a rep's incomplete files -----------------------------------------------------------------


def _quality_choices() -> dict:
    labels = {
        "phone": _("Missing phone"),
        "intent": _("Missing intent"),
        "source": _("Vague source"),
    }
    for days in quality.DAYS_CHOICES:
        labels[f"fresh_{days}"] = _("Not contacted in %(days)s days") % {"days": days}
    return labels


def _quality_query(value: str) -> Q:
    """The incomplete open files (as the data-quality page counts them: owned, not lost) failing `value`."""
    counted = Q(owner__isnull=False) & ~Q(status=Customer.Status.LOST)
    if value.startswith("fresh_"):
        return counted & quality.missing_q("fresh", int(value.removeprefix("fresh_")))
    return counted & quality.missing_q(value)


listfilters.register("quality", _("Data quality"), _quality_choices, _quality_query)


# --- customer page: recommended units ---------------------------------------------------------------------------


def recommendations_section(customer, user) -> dict | None:
    if not footprint.has(customer, "intents"):  # recommendations start from an intent: a file without one skips
        return None
    return customer_recommendations(customer=customer, user=user)


sections.register("recommendations", "analytics/_recommendations_section.html", recommendations_section, order=55)


# --- outreach: a value quadrant or a segment as an audience -----------------------------------------------------


def _segment_choices() -> list:
    return [
        (_("Value quadrant"), [(f"quadrant:{value}", label) for value, label in CustomerScore.Quadrant.choices]),
        (_("Segment"), [(f"segment:{value}", label) for value, label in CustomerScore.Segment.choices]),
    ]


def segment_fields(user) -> dict:
    return {
        "segment": forms.ChoiceField(
            label=_("Quadrant or segment"),
            choices=_segment_choices,
            help_text=_("From the newest nightly scores: whoever is in it when the send starts."),
        )
    }


def segment_customers(user, params):
    """The customers of a value quadrant or segment in the newest snapshot, within `user`'s scope."""
    kind, _sep, value = params["segment"].partition(":")
    night = latest_night()
    if night is None or kind not in ("quadrant", "segment"):
        raise ValidationError(gettext("No scores yet: the nightly job has not run."))
    scored = CustomerScore.objects.filter(night=night, **{kind: value}).values("customer_id")
    return Customer.objects.visible_to(user).filter(pk__in=scored)


audiences.register(
    "analytics_segment",
    _("A value quadrant or segment"),
    segment_fields,
    segment_customers,
    order=40,
    permission="analytics.view_customerscore",
)
