"""The service settings pages (admins, from the Settings menu): SLA policies, the working calendar (week and
date overrides), the ticket category tree, the certificate stage template, warranty periods, and the service
rules with the callback schedule. Thin: forms validate, service.services.config writes and audits."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from crm_site.forms import add_service_errors
from service.forms import settings as settings_forms
from service.models import CalendarDay, Category, CertificateStage, ServiceSettings, SlaPolicy, WarrantyPeriod
from service.services import config as services


@dataclass(frozen=True)
class Page:
    """One settings list: its model, form, what its table shows and whether a row may be deleted."""

    title: str
    model: type
    form: type
    columns: tuple
    cells: object  # row → list of cell values
    deletable: bool = False
    intro: str = ""

    @property
    def permission(self) -> str:
        return f"service.change_{self.model._meta.model_name}"

    @property
    def add_permission(self) -> str:
        return f"service.add_{self.model._meta.model_name}"


def _minutes(value: int) -> str:
    hours, minutes = divmod(value, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _months(value) -> str:
    return _("design life") if value is None else _("%(n)d months") % {"n": value}


PAGES = {
    "policies": Page(
        gettext_lazy("SLA policies"),
        SlaPolicy,
        settings_forms.SlaPolicyForm,
        (
            gettext_lazy("Priority"),
            gettext_lazy("Category"),
            gettext_lazy("Customers"),
            gettext_lazy("First response"),
            gettext_lazy("Resolution"),
        ),
        lambda row: [
            row.get_priority_display(),
            row.category or _("any category"),
            row.customer_class,
            _minutes(row.first_response_minutes),
            _minutes(row.resolution_minutes),
        ],
        deletable=True,
        intro=gettext_lazy(
            "Targets in business hours of the working calendar. The most specific policy wins: a policy for a "
            "customer class (members from a tier, the highest tier first; then key accounts) wins over the policies "
            "for every customer; within a class the ticket's own category wins over its parent's, and “any "
            "category” comes last. A change applies to tickets opened from then on."
        ),
    ),
    "days": Page(
        gettext_lazy("Public holidays and make-up days"),
        CalendarDay,
        settings_forms.CalendarDayForm,
        (gettext_lazy("Date"), gettext_lazy("Occasion"), gettext_lazy("Worked")),
        lambda row: [f"{row.day:%Y-%m-%d}", row.name, _("make-up working day (调休)") if row.working else _("day off")],
        deletable=True,
    ),
    "categories": Page(
        gettext_lazy("Ticket categories"),
        Category,
        settings_forms.CategoryForm,
        (gettext_lazy("Category"), gettext_lazy("Chinese"), gettext_lazy("Warranty component"), gettext_lazy("Active")),
        lambda row: [str(row), row.name_zh, row.component or "—", _("yes") if row.active else _("no")],
        intro=gettext_lazy("A category in use is deactivated, not deleted: old tickets keep it."),
    ),
    "stages": Page(
        gettext_lazy("Certificate stages"),
        CertificateStage,
        settings_forms.CertificateStageForm,
        (
            gettext_lazy("Order"),
            gettext_lazy("Stage"),
            gettext_lazy("Expected days"),
            gettext_lazy("Applies to"),
            gettext_lazy("Documents"),
            gettext_lazy("Active"),
        ),
        lambda row: [
            row.order,
            str(row),
            row.expected_days,
            (_("each building once") if row.building_level else "")
            + (_("mortgage buyers") if row.mortgage_only else "")
            or _("every case"),
            row.documents or "—",
            _("yes") if row.active else _("no"),
        ],
        intro=gettext_lazy(
            "Cases follow the active stages in this order; a stage's expected days set when it is flagged overdue."
        ),
    ),
    "warranty": Page(
        gettext_lazy("Warranty periods"),
        WarrantyPeriod,
        settings_forms.WarrantyPeriodForm,
        (gettext_lazy("Component"), gettext_lazy("Name"), gettext_lazy("Chinese"), gettext_lazy("Period")),
        # The English name is English on a Chinese page too: marked so (screen readers, the catalogue check).
        lambda row: [
            row.component,
            format_html('<span lang="en">{}</span>', row.label_en),
            row.label_zh,
            _months(row.months),
        ],
        intro=gettext_lazy("Counted from the unit's handover date; a repair category names its component."),
    ),
}
ORDERING = {
    "policies": ("priority", "category__name_en", "key_account", "member_tier__rank"),
    "days": ("-day",),
    "categories": ("parent_id", "order", "name_en"),
    "stages": ("order", "id"),
    "warranty": ("component",),
}
RELATED = {"policies": ("category__parent", "member_tier"), "categories": ("parent",)}


def _page(kind: str, user, *, add: bool = False) -> Page:
    page = PAGES.get(kind)
    if page is None:
        raise Http404
    if not user.has_perm(page.add_permission if add else page.permission):
        raise PermissionDenied
    return page


def _context(kind: str, **extra) -> dict:
    return {"kind": kind, "pages": PAGES, **extra}


def settings_list(request, kind):
    page = _page(kind, request.user)
    rows = page.model.objects.select_related(*RELATED.get(kind, ())).order_by(*ORDERING[kind])[:500]
    table = [(row, page.cells(row)) for row in rows]
    context = _context(kind, page=page, table=table, may_add=request.user.has_perm(page.add_permission))
    if kind == "days":
        context["week_form"] = settings_forms.WeekForm(week=services.week_current())
    return render(request, "service/settings/list.html", context)


def settings_edit(request, kind, pk=None):
    page = _page(kind, request.user, add=pk is None)
    instance = get_object_or_404(page.model, pk=pk) if pk is not None else None
    form = page.form(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.config_save(form=form, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("service:settings-list", kind=kind)
    return render(request, "service/settings/edit.html", _context(kind, page=page, form=form, instance=instance))


@require_POST
def settings_delete(request, kind, pk):
    page = _page(kind, request.user)
    if not page.deletable or not request.user.has_perm(f"service.delete_{page.model._meta.model_name}"):
        raise PermissionDenied
    instance = get_object_or_404(page.model, pk=pk)
    try:
        services.config_delete(instance=instance, by=request.user)
    except ProtectedError:
        messages.error(request, _("It is in use and cannot be deleted."))
    else:
        messages.success(request, _("Deleted."))
    return redirect("service:settings-list", kind=kind)


@permission_required("service.change_workinginterval", raise_exception=True)
def settings_week(request):
    form = settings_forms.WeekForm(request.POST or None, week=services.week_current())
    if request.method == "POST" and form.is_valid():
        try:
            services.week_save(week=form.cleaned_data["week"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Working week saved: open tickets' deadlines are being recounted."))
            return redirect("service:settings-list", kind="days")
    page = PAGES["days"]
    context = _context("days", page=page, table=None, week_form=form, may_add=False, week_only=True)
    return render(request, "service/settings/list.html", context)


@permission_required("service.change_servicesettings", raise_exception=True)
def settings_rules(request):
    form = settings_forms.ServiceSettingsForm(request.POST or None, instance=ServiceSettings.current())
    if request.method == "POST" and form.is_valid():
        try:
            services.config_save(form=form, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Service rules saved."))
            return redirect("service:settings-rules")
    return render(request, "service/settings/rules.html", _context("rules", form=form))
