"""Inventory pages: projects, buildings, the sales-control grid (销控表), the unit panel, price lists, imports."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from crm_site import customfields
from crm_site.pagination import CappedPaginator
from crm_site.uploads import KeptUpload
from sales import importing as importing_units
from sales.forms.inventory import BuildingForm, GridFilterForm, PriceAdjustForm, ProjectForm, UnitImportForm
from sales.models import Building, Project, Unit
from sales.sections import PROJECT_SECTIONS
from sales.selectors import inventory as selectors
from sales.services import inventory as services

logger = logging.getLogger(__name__)

VIEW = "sales.view_unit"
PAGE_SIZE = 50


def _project(request, pk) -> Project:
    try:
        return selectors.project_get(user=request.user, pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None


def _building(request, pk) -> Building:
    try:
        return selectors.building_get(user=request.user, pk=pk)
    except Building.DoesNotExist:
        raise Http404 from None


def _unit(request, pk) -> Unit:
    try:
        return selectors.unit_get(user=request.user, pk=pk)
    except Unit.DoesNotExist:
        raise Http404 from None


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error)


# --- projects and buildings ----------------------------------------------------------------------------------


@permission_required(VIEW, raise_exception=True)
def project_list(request):
    projects = selectors.project_list_with_counts(user=request.user)
    return render(request, "sales/inventory_project_list.html", {"projects": projects})


@permission_required(VIEW, raise_exception=True)
def project_detail(request, pk):
    project = _project(request, pk)
    context = {
        "project": project,
        "buildings": selectors.building_list(project=project),
        "sections": PROJECT_SECTIONS.shown(project, request.user),
    }
    return render(request, "sales/inventory_project_detail.html", context)


@permission_required("sales.add_project", raise_exception=True)
def project_create(request):
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Project “%(name)s” created.") % {"name": project.name})
            return redirect(project)
    return render(request, "sales/inventory_project_form.html", {"form": form, "project": None})


@permission_required("sales.change_project", raise_exception=True)
def project_edit(request, pk):
    project = _project(request, pk)
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=project.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Project saved."))
            return redirect(project)
    return render(request, "sales/inventory_project_form.html", {"form": form, "project": project})


@permission_required("sales.add_building", raise_exception=True)
def building_create(request, pk):
    project = _project(request, pk)
    form = BuildingForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.building_create(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Building created."))
            return redirect(project)
    return render(request, "sales/inventory_building_form.html", {"form": form, "project": project, "building": None})


@permission_required("sales.change_building", raise_exception=True)
def building_edit(request, pk):
    building = _building(request, pk)
    project = building.project
    form = BuildingForm(request.POST or None, instance=Building.objects.get(pk=building.pk), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.building_update(building=building, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Building saved."))
            return redirect(project)
    context = {"form": form, "project": project, "building": building}
    return render(request, "sales/inventory_building_form.html", context)


# --- the sales-control grid and the unit panel ---------------------------------------------------------------


@permission_required(VIEW, raise_exception=True)
def building_grid(request, pk):
    building = _building(request, pk)
    form = GridFilterForm(request.GET or None)
    context = {
        **selectors.building_grid(building=building, filters=form.filters()),
        "form": form,
        "project": building.project,
        # Cell links are built by concatenation: a {% url %} per cell costs more than the rest of the cell.
        "unit_url": reverse("sales:unit-detail", args=[0]).removesuffix("0/"),
        "wan": pgettext("price unit after an amount in ten thousands of yuan", "万"),
    }
    template = "sales/inventory_grid.html#grid" if request.htmx else "sales/inventory_grid.html"
    return render(request, template, context)


def _reserve_url(unit: Unit) -> str | None:
    try:
        return f"{reverse('sales:deal-reserve')}?unit={unit.pk}"
    except NoReverseMatch:  # the funnel part is not installed yet
        return None


def _may_hold(user) -> bool:
    return user.has_perm("sales.add_deal") or user.has_perm("sales.change_unit")


def _panel_context(request, unit: Unit, error: str = "") -> dict:
    user = request.user
    deal, deal_exists = selectors.unit_live_deal(unit=unit, user=user)
    status = unit.status
    may_reserve = user.has_perm("sales.add_deal") and (
        status == Unit.Status.AVAILABLE or (status == Unit.Status.HELD and unit.held_by_id == user.pk)
    )
    return {
        "unit": unit,
        "deal": deal,
        "deal_exists": deal_exists,
        "price_history": selectors.unit_price_history(unit=unit, limit=10),
        "can_hold": status == Unit.Status.AVAILABLE and _may_hold(user),
        "can_release": status == Unit.Status.HELD and services.may_release(unit=unit, user=user),
        "can_take_off": status in services.SETTABLE_NOT_FOR_SALE and user.has_perm("sales.change_unit"),
        "can_put_back": status == Unit.Status.NOT_FOR_SALE and user.has_perm("sales.change_unit"),
        "show_cost": user.has_perm("sales.change_price"),
        "reserve_url": _reserve_url(unit) if may_reserve else None,
        "custom_rows": customfields.display_rows(selectors.UNIT, unit.custom),
        "error": error,
    }


@permission_required(VIEW, raise_exception=True)
def unit_detail(request, pk):
    unit = _unit(request, pk)
    template = "sales/inventory_unit_detail.html#unit-panel" if request.htmx else "sales/inventory_unit_detail.html"
    return render(request, template, _panel_context(request, unit))


def _after_action(request, unit: Unit, *, done: str, error: ValidationError | None):
    """The panel again (htmx, and the grid is told to refresh) or a redirect to the unit's page."""
    message = " ".join(error.messages) if error else ""
    if request.htmx:
        response = render(
            request, "sales/inventory_unit_detail.html#unit-panel", _panel_context(request, unit, message)
        )
        if not error:
            response["HX-Trigger"] = "inventory-changed"
        return response
    if error:
        messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(unit)


def _hold_action(request, pk, service, done: str):
    """Hold or release: the same checks, one service call, the same response."""
    unit = _unit(request, pk)
    if not _may_hold(request.user):
        raise PermissionDenied
    try:
        service(unit=unit, by=request.user)
    except ValidationError as error:
        return _after_action(request, unit, done="", error=error)
    return _after_action(request, unit, done=done % {"unit": unit.number}, error=None)


@require_POST
@permission_required(VIEW, raise_exception=True)
def unit_hold(request, pk):
    return _hold_action(request, pk, services.unit_hold, _("Unit %(unit)s is held for you."))


@require_POST
@permission_required(VIEW, raise_exception=True)
def unit_release(request, pk):
    return _hold_action(request, pk, services.unit_release, _("Unit %(unit)s is available again."))


@require_POST
@permission_required("sales.change_unit", raise_exception=True)
def unit_availability(request, pk):
    unit = _unit(request, pk)
    for_sale = request.POST.get("for_sale") == "1"
    try:
        services.unit_set_availability(unit=unit, for_sale=for_sale, by=request.user)
    except ValidationError as error:
        return _after_action(request, unit, done="", error=error)
    done = _("Unit %(unit)s is for sale again.") if for_sale else _("Unit %(unit)s is no longer for sale.")
    return _after_action(request, unit, done=done % {"unit": unit.number}, error=None)


# --- price lists ---------------------------------------------------------------------------------------------


@permission_required("sales.change_price", raise_exception=True)
def price_adjust(request, pk):
    project = _project(request, pk)
    initial = {"building": request.GET.get("building")} if request.GET.get("building", "").isdecimal() else {}
    form = PriceAdjustForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = services.price_adjust(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Prices of %(count)d units changed.") % {"count": adjustment.units_changed})
            return redirect(f"{reverse('sales:price-history', args=[project.pk])}?adjustment={adjustment.pk}")
    return render(request, "sales/inventory_price_adjust.html", {"form": form, "project": project})


@permission_required(VIEW, raise_exception=True)
def price_history(request, pk):
    project = _project(request, pk)
    adjustments = selectors.price_adjustment_list(project=project)
    page = CappedPaginator(adjustments, PAGE_SIZE).get_page(request.GET.get("page"))
    chosen, changes = None, None
    raw = request.GET.get("adjustment", "")
    if raw.isascii() and raw.isdecimal() and len(raw) < 19:
        chosen = adjustments.filter(pk=int(raw)).first()
        if chosen is not None:
            changes = CappedPaginator(selectors.price_change_list(adjustment=chosen), 200).get_page(
                request.GET.get("changes_page")
            )
    context = {"project": project, "page": page, "chosen": chosen, "changes": changes}
    return render(request, "sales/inventory_price_history.html", context)


# --- import --------------------------------------------------------------------------------------------------

UPLOAD = KeptUpload("unit")
REPORT_LIMIT = 500


def _load(request):
    """(state, project, sheet) of this session's upload, or None when it is gone."""
    kept = UPLOAD.load(request)
    if kept is None:
        return None
    state, data = kept
    project = selectors.project_list(user=request.user).filter(pk=state.get("project")).first()
    if project is None:
        return None
    try:
        sheet = importing_units.read(data, filename=state["filename"], encoding=state["encoding"])
    except importing_units.FileRejected:
        return None
    return state, project, sheet


def _start_again(request):
    messages.warning(request, _("The uploaded file is no longer available. Please upload it again."))
    return redirect("sales:unit-import")


@permission_required("sales.import_unit", raise_exception=True)
def unit_import(request):
    projects = selectors.project_list(user=request.user)
    initial = {"project": request.GET.get("project")} if request.GET.get("project", "").isdecimal() else {}
    form = UnitImportForm(request.POST or None, request.FILES or None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload, encoding = form.cleaned_data["file"], form.cleaned_data["encoding"]
        data = upload.read()
        try:
            importing_units.find_columns(importing_units.read(data, filename=upload.name, encoding=encoding).headers)
        except importing_units.FileRejected as rejected:
            form.add_error("file", rejected.message)
        else:
            kept = UPLOAD.keep(
                request,
                data,
                filename=upload.name[:200],
                encoding=encoding,
                project=form.cleaned_data["project"].pk,
            )
            if not kept:
                form.add_error(None, _("The file could not be kept for the next step. Please try again later."))
            else:
                return redirect("sales:unit-import-report")
    return render(request, "sales/inventory_import_start.html", {"form": form})


@permission_required("sales.import_unit", raise_exception=True)
def unit_import_report(request):
    loaded = _load(request)
    if loaded is None:
        return _start_again(request)
    state, project, sheet = loaded
    try:
        report = importing_units.validate(sheet, project=project)
    except importing_units.FileRejected as rejected:
        messages.error(request, rejected.message)
        return redirect("sales:unit-import")
    context = {
        "state": state,
        "project": project,
        "sheet": sheet,
        "report": report,
        "errors": report.errors[:REPORT_LIMIT],
        "more_errors": max(0, len(report.errors) - REPORT_LIMIT),
        "preview": report.rows[:20],
    }
    return render(request, "sales/inventory_import_report.html", context)


@require_POST
@permission_required("sales.import_unit", raise_exception=True)
def unit_import_commit(request):
    loaded = _load(request)
    if loaded is None:
        return _start_again(request)
    state, project, sheet = loaded
    try:
        report = importing_units.validate(sheet, project=project)
        if not report.ok:
            raise ValidationError(
                _("Some rows are not valid: nothing was imported. Correct the file and upload it again.")
            )
        count = importing_units.commit(report, project=project, by=request.user)
    except importing_units.FileRejected as rejected:
        messages.error(request, rejected.message)
        return redirect("sales:unit-import")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sales:unit-import-report")
    except IntegrityError:  # a colleague added one of these units since the report was drawn
        messages.error(request, _("Some of these units were added meanwhile: nothing was imported. Check again."))
        return redirect("sales:unit-import-report")
    UPLOAD.discard(request)
    messages.success(request, _("Imported %(count)s units.") % {"count": f"{count:,}"})
    return redirect(project)
