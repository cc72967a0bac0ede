"""Custom fields of opportunities, deals and units: their edit pages and the list exports that carry them."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm_site import customfields
from sales import exporting
from sales.forms.funnel import DealFilterForm, OpportunityFilterForm
from sales.forms.inventory import GridFilterForm
from sales.models import Building, Deal, Opportunity, Unit
from sales.selectors import deals as deal_selectors
from sales.selectors import funnel as funnel_selectors
from sales.selectors import inventory as inventory_selectors
from sales.services.customfields import custom_update


def _edit(request, record, entity: str, *, title: str, back: str, name: str):
    form = customfields.CustomValuesForm(request.POST or None, entity=entity, values=record.custom)
    if not form.custom_names:
        messages.info(request, _("No custom fields are defined for this kind of record yet."))
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        custom_update(record=record, entity=entity, values=form.custom_values(), by=request.user)
        messages.success(request, _("Details saved."))
        return redirect(back)
    return render(request, "sales/custom_fields_form.html", {"form": form, "title": title, "back": back, "name": name})


@permission_required("sales.change_opportunity", raise_exception=True)
def opportunity_fields(request, pk):
    try:
        opportunity = funnel_selectors.opportunity_get(user=request.user, pk=pk)
    except Opportunity.DoesNotExist:
        raise Http404 from None
    title = _("Details of the opportunity %(name)s") % {"name": opportunity}
    return _edit(
        request,
        opportunity,
        funnel_selectors.ENTITY,
        title=title,
        back=opportunity.get_absolute_url(),
        name=opportunity.customer.name,
    )


@permission_required("sales.change_deal", raise_exception=True)
def deal_fields(request, pk):
    try:
        deal = deal_selectors.deal_get(user=request.user, pk=pk)
    except Deal.DoesNotExist:
        raise Http404 from None
    title = _("Details of the deal for unit %(unit)s") % {"unit": deal.unit}
    return _edit(request, deal, deal_selectors.ENTITY, title=title, back=deal.get_absolute_url(), name=str(deal.unit))


@permission_required("sales.change_unit", raise_exception=True)
def unit_fields(request, pk):
    try:
        unit = inventory_selectors.unit_get(user=request.user, pk=pk)
    except Unit.DoesNotExist:
        raise Http404 from None
    title = _("Details of unit %(unit)s") % {"unit": unit}
    back = reverse("sales:unit-detail", args=[unit.pk])
    return _edit(request, unit, inventory_selectors.UNIT, title=title, back=back, name=str(unit))


def _export(request, queryset_for, *, back: str, rows, name: str, sheet: str):
    fmt = request.GET.get("format") or "csv"
    if fmt not in exporting.FORMATS:
        messages.error(request, _("Choose CSV or Excel (XLSX) for the export."))
        return redirect(back)
    try:
        return exporting.response(queryset_for(), fmt, rows=rows, name=name, sheet=sheet)
    except exporting.TooManyRows as too_many:
        messages.error(request, too_many.message)
        return redirect(back)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    return f"?{query.urlencode()}" if query else ""


@permission_required("sales.view_opportunity", raise_exception=True)
def opportunity_export(request):
    """The opportunity list, filtered exactly as on the list page, as CSV or XLSX."""
    form = OpportunityFilterForm(request.GET or None, user=request.user)
    return _export(
        request,
        lambda: funnel_selectors.opportunity_list(user=request.user, **form.filters()),
        back=reverse("sales:opportunity-list") + _query(request),
        rows=exporting.opportunity_rows,
        name="opportunities",
        sheet=_("Opportunities"),
    )


@permission_required("sales.view_deal", raise_exception=True)
def deal_export(request):
    """The deal list, filtered exactly as on the list page, as CSV or XLSX."""
    form = DealFilterForm(request.GET or None, user=request.user)
    return _export(
        request,
        lambda: deal_selectors.deal_list(user=request.user, **form.filters()).select_related(
            *deal_selectors.ROW_RELATED
        ),
        back=reverse("sales:deal-list") + _query(request),
        rows=exporting.deal_rows,
        name="deals",
        sheet=_("Deals"),
    )


@permission_required("sales.view_unit", raise_exception=True)
def unit_export(request, pk):
    """A building's units matching the grid's filters (the cells that are not dimmed), as CSV or XLSX."""
    try:
        building = inventory_selectors.building_get(user=request.user, pk=pk)
    except Building.DoesNotExist:
        raise Http404 from None
    filters = GridFilterForm(request.GET or None).filters()
    return _export(
        request,
        lambda: inventory_selectors.unit_list(
            user=request.user,
            building=building,
            status=filters.status,
            rooms=filters.rooms,
            price_min=filters.price_min,
            price_max=filters.price_max,
            area_min=filters.area_min,
            area_max=filters.area_max,
            custom=filters.custom,
        ),
        back=reverse("sales:building-grid", args=[building.pk]) + _query(request),
        rows=exporting.unit_rows,
        name=f"units-{building.pk}",
        sheet=_("Units"),
    )
