"""Competitors (the list, customers coming from and going to them, the flow report) and campaigns with their ROI."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site.forms import add_service_errors
from crm_site.pagination import CappedPaginator
from customers import selectors as customer_selectors
from customers.models import Customer, CustomerPhone
from sales.forms.partners import (
    CampaignFilterForm,
    CampaignForm,
    CampaignLeadForm,
    CompetitorForm,
    CompetitorMoveForm,
    PeriodForm,
)
from sales.models import Campaign, Competitor
from sales.sections import CAMPAIGN_SECTIONS
from sales.selectors import marketing as selectors
from sales.services import marketing as services

PAGE_SIZE = 25


# --- competitors ------------------------------------------------------------------------------------------


@permission_required("sales.view_competitor", raise_exception=True)
def competitor_list(request):
    search = request.GET.get("q", "").strip()[:60]
    page = CappedPaginator(selectors.competitor_list(search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sales/competitor_list.html", {"page": page, "q": search})


def _competitor_form(request, competitor=None):
    form = CompetitorForm(request.POST or None, instance=competitor)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.competitor_save(competitor=competitor, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Competitor “%(name)s” saved.") % {"name": saved.name})
            return redirect("sales:competitor-list")
    return render(request, "sales/competitor_form.html", {"form": form, "competitor": competitor})


@permission_required("sales.add_competitor", raise_exception=True)
def competitor_create(request):
    return _competitor_form(request)


@permission_required("sales.change_competitor", raise_exception=True)
def competitor_edit(request, pk):
    return _competitor_form(request, get_object_or_404(Competitor, pk=pk))


@permission_required("sales.add_competitormove", raise_exception=True)
def competitor_move_create(request):
    raw = request.POST.get("customer") or request.GET.get("customer", "")
    if not raw.isascii() or not raw.isdecimal():
        raise Http404
    try:
        customer = customer_selectors.customer_get(user=request.user, pk=int(raw))
    except Customer.DoesNotExist:
        raise Http404 from None
    form = CompetitorMoveForm(request.POST or None, customer=customer, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.competitor_move_create(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect(customer)
    context = {"form": form, "customer": customer, "moves": selectors.competitor_moves_for(customer=customer)}
    return render(request, "sales/competitor_move_form.html", context)


@permission_required("sales.view_competitor", raise_exception=True)
def competitor_report(request):
    form = PeriodForm(request.GET or None)
    rows = selectors.competitor_report(user=request.user, **form.period())
    totals = {
        "inflow": sum(row.inflow for row in rows),
        "outflow": sum(row.outflow for row in rows),
        "lost": sum(row.lost_opportunities for row in rows),
    }
    return render(request, "sales/competitor_report.html", {"form": form, "rows": rows, "totals": totals})


# --- campaigns ---------------------------------------------------------------------------------------------


@permission_required("sales.view_campaign", raise_exception=True)
def campaign_list(request):
    form = CampaignFilterForm(request.GET or None)
    page = CappedPaginator(selectors.campaign_list(user=request.user, **form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(campaign, selectors.campaign_figures(campaign)) for campaign in page.object_list]
    context = {"form": form, "page": page, "rows": rows}
    template = "sales/campaign_list.html#campaign-rows" if request.htmx else "sales/campaign_list.html"
    return render(request, template, context)


def _campaign_get(request, pk) -> Campaign:
    try:
        return selectors.campaign_get(user=request.user, pk=pk)
    except Campaign.DoesNotExist:
        raise Http404 from None


@permission_required("sales.view_campaign", raise_exception=True)
def campaign_detail(request, pk):
    campaign = _campaign_get(request, pk)
    context = {
        "campaign": campaign,
        "figures": selectors.campaign_figures(campaign),
        "leads": selectors.campaign_leads(user=request.user, campaign=campaign)[:50],
        "deals": selectors.campaign_deals(user=request.user, campaign=campaign)[:50],
        "lead_form": CampaignLeadForm(),
        "sections": CAMPAIGN_SECTIONS.shown(campaign, request.user),
    }
    return render(request, "sales/campaign_detail.html", context)


def _campaign_form(request, campaign=None):
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.campaign_save(campaign=campaign, by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Campaign “%(name)s” saved.") % {"name": saved.name})
            return redirect(saved)
    return render(request, "sales/campaign_form.html", {"form": form, "campaign": campaign})


@permission_required("sales.add_campaign", raise_exception=True)
def campaign_create(request):
    return _campaign_form(request)


@permission_required("sales.change_campaign", raise_exception=True)
def campaign_edit(request, pk):
    return _campaign_form(request, get_object_or_404(Campaign, pk=pk))


@require_POST
@permission_required("sales.change_campaign", raise_exception=True)
def campaign_lead_add(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    form = CampaignLeadForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect(campaign)
    row = CustomerPhone.objects.filter(number=form.cleaned_data["phone"]).values_list("customer_id", flat=True).first()
    customer = Customer.objects.visible_to(request.user).filter(pk=row).first() if row else None
    if customer is None:
        messages.error(request, _("No customer you can see has this phone number."))
        return redirect(campaign)
    try:
        services.campaign_lead_add(campaign=campaign, customer=customer, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is now counted as a lead of this campaign.") % {"name": customer.name})
    return redirect(campaign)
