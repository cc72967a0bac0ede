"""The audiences outreach offers: a saved customer-list filter, a campaign's leads, the buyers of a project or building.

Members (a tier) and analytics (a segment) register theirs the same way (outreach.audiences.register).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers import selectors as customer_selectors
from customers.forms.files import CustomerFilterForm  # the one reading of the customer list's querystring
from customers.models import Customer, SavedFilter
from outreach import audiences
from sales.models import Building, Campaign, CampaignLead, Deal, Lease, Opportunity, Project


def saved_filter_fields(user) -> dict:
    return {
        "saved_filter": forms.ModelChoiceField(
            label=_("Saved filter"),
            queryset=SavedFilter.objects.filter(Q(user=user) | Q(shared=True)).order_by("name"),
            help_text=_("Saved on the customer list: the same customers the list shows you with it."),
        )
    }


def saved_filter_customers(user, params):
    """The customers the list shows `user` with the saved filter's querystring (customers.selectors.customer_list)."""
    query = QueryDict(params["saved_filter"].query, mutable=True)
    query.pop("page", None)
    form = CustomerFilterForm(query, user=user)
    if not form.is_valid():
        raise ValidationError(
            gettext("The saved filter no longer applies: open it on the customer list and save it again.")
        )
    return customer_selectors.customer_list(user=user, **form.filters())


def campaign_fields(user) -> dict:
    return {
        "campaign": forms.ModelChoiceField(
            label=_("Campaign"), queryset=Campaign.objects.order_by("-starts_on", "name")
        )
    }


def campaign_customers(user, params):
    """Customers the campaign brought (its leads) or whose opportunity it is attributed to, in `user`'s scope."""
    campaign = params["campaign"]
    leads = CampaignLead.objects.filter(campaign=campaign).values("customer_id")
    opportunities = Opportunity.objects.filter(campaign=campaign).values("customer_id")
    return Customer.objects.visible_to(user).filter(Q(pk__in=leads) | Q(pk__in=opportunities))


def buyer_fields(user) -> dict:
    return {
        "project": forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.order_by("name")),
        "building": forms.ModelChoiceField(
            label=_("Building"),
            queryset=Building.objects.select_related("project").order_by("project__name", "name"),
            required=False,
            help_text=_("Leave empty for the whole project."),
        ),
        "tenants": forms.BooleanField(label=_("Tenants too"), required=False),
    }


def buyer_customers(user, params):
    """Buyers with a signed contract (live or handed over) in the project or building, and its tenants if asked."""
    project, building = params["project"], params.get("building")
    if building is not None and building.project_id != project.pk:
        raise ValidationError(gettext("This building is not in the chosen project."))
    deals = Deal.objects.filter(project=project, stage=Deal.Stage.CONTRACT).exclude(state=Deal.State.CANCELLED)
    if building is not None:
        deals = deals.filter(unit__building=building)
    wanted = Q(pk__in=deals.values("customer_id"))
    if params.get("tenants"):
        leases = Lease.objects.filter(project=project, state=Lease.State.LIVE)
        if building is not None:
            leases = leases.filter(unit__building=building)
        wanted |= Q(pk__in=leases.values("tenant_id"))
    return Customer.objects.visible_to(user).filter(wanted)


audiences.register("saved_filter", _("A saved customer filter"), saved_filter_fields, saved_filter_customers, order=10)
audiences.register("campaign_leads", _("A campaign's leads"), campaign_fields, campaign_customers, order=20)
audiences.register("project_buyers", _("Buyers of a project or building"), buyer_fields, buyer_customers, order=30)
