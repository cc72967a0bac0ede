"""Importing customers (upload → map columns → report → commit) and exporting the filtered list.

Between the steps the uploaded bytes wait in the cache (Redis in production, so any web worker can
continue the import) under a random key that only this session knows; they are never served back,
they expire after two hours (crm_site.uploads.KeptUpload) and are deleted on commit or on the next upload.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site import customfields, spreadsheets
from crm_site.selectors import assignable_staff
from crm_site.uploads import KeptUpload
from customers import exporting, importing, listfilters, selectors
from customers.forms.files import CustomerFilterForm
from customers.forms.imports import ImportMappingForm, ImportUploadForm

logger = logging.getLogger(__name__)

UPLOAD = KeptUpload("customer")
REPORT_LIMIT = 500


# --- the upload kept between steps --------------------------------------------------------------------------


def _load(request):
    """(state, sheet) of this session's upload, or None when there is none (or it expired or broke)."""
    kept = UPLOAD.load(request)
    if kept is None:
        return None
    state, data = kept
    try:
        sheet = importing.read(
            data, filename=state["filename"], encoding=state["encoding"], has_header=state["has_header"]
        )
    except importing.FileRejected:
        return None
    return state, sheet


def _start_again(request):
    messages.warning(request, _("The uploaded file is no longer available. Please upload it again."))
    return redirect("customers:import-start")


def _default_owner(request, state):
    if not state.get("owner"):
        return None
    return assignable_staff(user=request.user).filter(pk=state["owner"]).first()


def _validate(request, state, sheet):
    owner = _default_owner(request, state)
    if state.get("owner") and owner is None:
        raise importing.FileRejected(_("The chosen owner can no longer receive customers from you. Upload again."))
    return importing.validate(sheet, state["mapping"], by=request.user, default_owner=owner)


# --- the steps -------------------------------------------------------------------------------------------


@permission_required("customers.import_customer", raise_exception=True)
def import_start(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        encoding, has_header = form.cleaned_data["encoding"], form.cleaned_data["has_header"]
        try:
            sheet = importing.read(data, filename=upload.name, encoding=encoding, has_header=has_header)
        except importing.FileRejected as rejected:
            form.add_error("file", rejected.message)
        else:
            owner = form.cleaned_data["owner"]
            kept = UPLOAD.keep(
                request,
                data,
                filename=upload.name[:200],
                encoding=encoding,
                has_header=has_header,
                owner=owner.pk if owner else None,
                mapping=importing.guess_mapping(sheet.headers, customfields.definitions(selectors.ENTITY)),
            )
            if not kept:
                form.add_error(None, _("The file could not be kept for the next step. Please try again later."))
            else:
                return redirect("customers:import-map")
    return render(request, "customers/import_start.html", {"form": form})


@permission_required("customers.import_customer", raise_exception=True)
def import_map(request):
    loaded = _load(request)
    if loaded is None:
        return _start_again(request)
    state, sheet = loaded
    definitions = customfields.definitions(selectors.ENTITY)
    form = ImportMappingForm(request.POST or None, sheet=sheet, definitions=definitions, mapping=state["mapping"])
    if request.method == "POST" and form.is_valid():
        UPLOAD.update(request, mapping=form.mapping())
        return redirect("customers:import-report")
    samples = [[cells[index] for _number, cells in sheet.preview(3) if cells[index]] for index in range(sheet.width)]
    context = {
        "form": form,
        "state": state,
        "sheet": sheet,
        "columns": list(zip(form.columns, samples, strict=True)),
        "preview": sheet.preview(),
    }
    return render(request, "customers/import_map.html", context)


@permission_required("customers.import_customer", raise_exception=True)
def import_report(request):
    loaded = _load(request)
    if loaded is None:
        return _start_again(request)
    state, sheet = loaded
    try:
        report = _validate(request, state, sheet)
    except importing.FileRejected as rejected:
        messages.error(request, rejected.message)
        return redirect("customers:import-map")
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            spreadsheets.csv_lines([[_("Row"), _("Column"), _("Problem")], *report.lines()]),
            content_type=exporting.CONTENT_TYPES["csv"],
        )
        response["Content-Disposition"] = 'attachment; filename="import-problems.csv"'
        return response
    lines = report.lines()
    labels = {target.key: target.label for target in importing.targets(customfields.definitions(selectors.ENTITY))}
    context = {
        "state": state,
        "sheet": sheet,
        "report": report,
        "errors": report.errors[:REPORT_LIMIT],
        "duplicates": report.duplicates[:REPORT_LIMIT],
        "more_errors": max(0, len(report.errors) - REPORT_LIMIT),
        "more_duplicates": max(0, len(report.duplicates) - REPORT_LIMIT),
        "problem_count": len(lines),
        "mapped": [(sheet.column_label(index), labels[key]) for index, key in enumerate(state["mapping"]) if key],
    }
    return render(request, "customers/import_report.html", context)


@require_POST
@permission_required("customers.import_customer", raise_exception=True)
def import_commit(request):
    loaded = _load(request)
    if loaded is None:
        return _start_again(request)
    state, sheet = loaded
    try:
        report = _validate(request, state, sheet)
        if not report.ok:
            raise ValidationError(
                _("Some rows are not valid: nothing was imported. Correct the file and upload it again.")
            )
        count = importing.commit(report, by=request.user, source=state["filename"])
    except importing.FileRejected as rejected:
        messages.error(request, rejected.message)
        return redirect("customers:import-map")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("customers:import-report")
    UPLOAD.discard(request)
    messages.success(request, _("Imported %(count)s customers.") % {"count": f"{count:,}"})
    return redirect("customers:customer-list")


# --- export ----------------------------------------------------------------------------------------------


def _selected_ids(raw: str) -> list[int]:
    """The customer ids of a bulk selection (?ids=1,2,3); junk is ignored."""
    parts = raw.split(",")[: exporting.ROW_CAP]
    return [int(part) for part in parts if part.isascii() and part.isdecimal() and len(part) < 19]


@permission_required("customers.export_customer", raise_exception=True)
def customer_export(request):
    """The customer list, filtered exactly as on the list page (or the rows selected there), as CSV or XLSX."""
    fmt = request.GET.get("format") or "csv"
    filters_query = request.GET.copy()
    for key in ("format", "ids"):
        filters_query.pop(key, None)
    back = reverse("customers:customer-list") + (f"?{filters_query.urlencode()}" if filters_query else "")
    if fmt not in exporting.FORMATS:
        messages.error(request, _("Choose CSV or Excel (XLSX) for the export."))
        return redirect(back)
    form = CustomerFilterForm(request.GET or None, user=request.user)
    extra = [shown["q"] for shown in listfilters.active(request.GET)]
    customers = selectors.customer_list(user=request.user, extra=extra, **form.filters())
    if "ids" in request.GET:
        ids = _selected_ids(request.GET["ids"])
        if not ids:
            messages.error(request, _("Select at least one customer."))
            return redirect(back)
        customers = customers.filter(pk__in=ids)
    try:
        exporting.check_size(customers)
    except exporting.TooManyRows as too_many:
        messages.error(request, too_many.message)
        return redirect(back)
    name = exporting.filename(fmt)
    if fmt == "xlsx":
        file = exporting.xlsx_file(customers, user=request.user, request=request)
        return FileResponse(file, as_attachment=True, filename=name, content_type=exporting.CONTENT_TYPES["xlsx"])
    response: HttpResponse = StreamingHttpResponse(
        exporting.csv_stream(customers, user=request.user, request=request), content_type=exporting.CONTENT_TYPES["csv"]
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
