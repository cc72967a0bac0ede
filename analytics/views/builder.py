"""The report builder pages (thin: analytics.selectors.builder runs, analytics.services.builder saves and mails).

Every page runs the report as the viewer; a saved report shared with a team shows each member only their rows.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from analytics.forms import ReportSaveForm, ScheduleForm
from analytics.models import ReportSchedule, SavedReport
from analytics.selectors import builder as selectors
from analytics.services import builder as services
from crm_site.spreadsheets import csv_lines, write_xlsx

VIEW = "analytics.view_savedreport"
BUILD = "analytics.build_report"
RESERVED = {"export", "format"}
CHART_KINDS = [
    ("bar", gettext_lazy("Bars")),
    ("hbar", gettext_lazy("Horizontal bars")),
    ("line", gettext_lazy("Line chart")),
    ("pie", gettext_lazy("Pie")),
]


def _pk(raw) -> int | None:
    return int(raw) if isinstance(raw, str) and raw.isascii() and raw.isdecimal() and len(raw) < 10 else None


@permission_required(VIEW, raise_exception=True)
def builder_list(request):
    reports = list(selectors.saved_report_list(user=request.user))
    schedules = (
        ReportSchedule.objects.filter(owner=request.user).select_related("report").prefetch_related("recipients")
    )
    return render(
        request,
        "analytics/builder_list.html",
        {"reports": reports, "schedules": schedules, "types": selectors.record_types()},
    )


def _definition_from_get(request, fallback: dict | None = None):
    """The definition asked for in the query string (or the saved one), or None with the problems shown."""
    query = request.GET
    if query.get("type") and query.get("prev") and query.get("prev") != query.get("type"):
        return selectors.parse({"type": query["type"]}), True  # a new record type: start from its defaults
    source = query if query.get("type") else fallback
    if source is None:
        return None, False
    return selectors.parse(source), False


def _export(definition, request, fmt: str, title: str):
    try:
        rows = list(selectors.export_rows(definition, user=request.user, request=request))
    except selectors.TooManyRows as error:
        messages.error(request, error.message)
        query = request.GET.copy()
        for key in RESERVED:
            query.pop(key, None)
        return redirect(f"{request.path}?{query.urlencode()}")
    described = definition.described_filters()
    preface = [[_("Filters"), *(described or [_("none")])], []]
    stem = f"report-{timezone.localdate().isoformat()}"
    if fmt == "xlsx":
        file = io.BytesIO()
        write_xlsx(iter([*preface, *rows]), file, sheet_name=title)
        file.seek(0)
        return FileResponse(file, as_attachment=True, filename=f"{stem}.xlsx", content_type=services.XLSX_TYPE)
    response = StreamingHttpResponse(csv_lines([*preface, *rows]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


def _page(request, *, saved: SavedReport | None):
    fallback = saved.definition if saved is not None else None
    definition, reset = None, False
    errors = []
    try:
        definition, reset = _definition_from_get(request, fallback)
    except selectors.DefinitionError as error:
        errors = error.messages
    if saved is not None and definition is None and not errors:
        errors = [_("This report can no longer be run: its columns changed.")]
    export = request.GET.get("export")
    if export and definition is not None:
        fmt = request.GET.get("format", "csv")
        if fmt not in ("csv", "xlsx"):
            raise Http404
        return _export(definition, request, fmt, saved.name if saved else str(definition.record_type.label))
    result = selectors.run(definition, user=request.user, request=request) if definition is not None else None
    types = selectors.record_types()
    current_type = (
        definition.record_type if definition else (selectors.records.get(request.GET.get("type", "")) or types[0])
    )
    query = urlencode(definition.as_query()) if definition else ""
    context = {
        "saved": saved,
        "definition": definition,
        "result": result,
        "errors": errors,
        "reset": reset,
        "types": types,
        "type": current_type,
        "chosen": _chosen(definition),
        "operators": selectors.OPERATORS,
        "operators_by_kind": selectors.OPERATORS_BY_KIND,
        "filter_slots": _filter_slots(definition),
        "group_slots": (_chosen(definition)["groups"] + ["", ""])[: selectors.MAX_GROUPS],
        "chart_kinds": CHART_KINDS,
        "query": query,
        "save_form": ReportSaveForm(initial={"name": saved.name, "team": saved.team_id} if saved else None),
        "may_build": request.user.has_perm(BUILD),
        "screen_rows": selectors.SCREEN_ROWS,
        "export_rows": selectors.EXPORT_ROWS,
    }
    return render(request, "analytics/builder.html", context)


def _chosen(definition) -> dict:
    if definition is None:
        return {"columns": [], "groups": [], "aggregates": ["count"], "chart": "bar"}
    return {
        "columns": [column.key for column in definition.columns],
        "groups": [column.key for column in definition.groups],
        "aggregates": [
            f"{function}:{column.key}" if column else function for function, column in definition.aggregates
        ],
        "chart": definition.chart,
    }


def _filter_slots(definition) -> list[dict]:
    slots = []
    filters = definition.filters if definition else []
    for index in range(selectors.MAX_FILTERS):
        if index < len(filters):
            column, op, _value, raw = filters[index]
            slots.append({"index": index, "field": column.key, "op": op, "value": raw})
        else:
            slots.append({"index": index, "field": "", "op": "eq", "value": ""})
    return slots[: max(3, len(filters) + 1)]


@permission_required(BUILD, raise_exception=True)
def builder(request):
    return _page(request, saved=None)


@permission_required(VIEW, raise_exception=True)
def builder_run(request, pk: int):
    try:
        saved = selectors.saved_report_get(user=request.user, pk=pk)
    except SavedReport.DoesNotExist as error:
        raise Http404 from error
    return _page(request, saved=saved)


@require_POST
@permission_required(BUILD, raise_exception=True)
def builder_save(request):
    back = request.POST.get("back", "")
    back = back if back.startswith("/") and not back.startswith("//") else reverse("analytics:builder")
    try:
        definition = selectors.parse(request.POST)
    except selectors.DefinitionError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(back)
    form = ReportSaveForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, text)
        return redirect(back)
    report = None
    pk = _pk(request.POST.get("report", ""))
    if pk is not None and request.POST.get("as_new") != "1":
        report = SavedReport.objects.filter(pk=pk, owner=request.user).first()
    try:
        report = services.report_save(
            user=request.user,
            definition=definition,
            name=form.cleaned_data["name"],
            team=form.cleaned_data["team"],
            report=report,
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(back)
    messages.success(request, _("Report “%(name)s” saved.") % {"name": report.name})
    return redirect("analytics:builder-run", pk=report.pk)


@require_POST
@permission_required(BUILD, raise_exception=True)
def builder_delete(request, pk: int):
    report = get_object_or_404(SavedReport, pk=pk, owner=request.user)
    services.report_delete(user=request.user, report=report)
    messages.success(request, _("Report deleted."))
    return redirect("analytics:builder-list")


def _schedule_page(request, *, report: SavedReport | None, dashboard_kind: str):
    form = ScheduleForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.schedule_save(
                    user=request.user,
                    report=report,
                    dashboard_kind=dashboard_kind,
                    frequency=form.cleaned_data["frequency"],
                    fmt=form.cleaned_data["format"],
                    recipients=form.cleaned_data["recipients"],
                )
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, text)
            else:
                messages.success(request, _("Schedule saved: each recipient gets the report run as them."))
                return redirect(request.path)
    schedules = ReportSchedule.objects.filter(owner=request.user).prefetch_related("recipients")
    schedules = schedules.filter(report=report) if report else schedules.filter(report=None, dashboard=dashboard_kind)
    title = report.name if report else str(ReportSchedule.Dashboard(dashboard_kind).label)
    return render(
        request,
        "analytics/builder_schedule.html",
        {"form": form, "report": report, "dashboard": dashboard_kind, "title": title, "schedules": schedules},
    )


@permission_required(BUILD, raise_exception=True)
def schedule_report(request, pk: int):
    try:
        report = selectors.saved_report_get(user=request.user, pk=pk)
    except SavedReport.DoesNotExist as error:
        raise Http404 from error
    return _schedule_page(request, report=report, dashboard_kind="")


@permission_required(BUILD, raise_exception=True)
def schedule_dashboard(request, kind: str):
    if kind not in ReportSchedule.Dashboard.values:
        raise Http404
    permission = {"company": "analytics.view_company_dashboard", "team": "analytics.view_team_dashboard"}[kind]
    if not request.user.has_perm(permission):
        raise Http404
    return _schedule_page(request, report=None, dashboard_kind=kind)


@require_POST
@permission_required(BUILD, raise_exception=True)
def schedule_delete(request, pk: int):
    schedule = get_object_or_404(ReportSchedule, pk=pk, owner=request.user)
    services.schedule_delete(user=request.user, schedule=schedule)
    messages.success(request, _("Schedule removed."))
    back = request.POST.get("back", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else reverse("analytics:builder-list"))
