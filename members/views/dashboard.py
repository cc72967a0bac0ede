"""The member dashboard for marketing and executives, with each table exported as CSV or XLSX."""

import io

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from crm_site import reportcache
from crm_site.spreadsheets import csv_lines, write_xlsx
from members.forms import DashboardFilterForm
from members.selectors.dashboard import dashboard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@permission_required("members.view_member_dashboard", raise_exception=True)
def member_dashboard(request):
    form = DashboardFilterForm(request.GET or None)
    filters = form.filters()
    # Read far more often than members join: cached per filters, scope and language until a member, event or
    # referral changes (points move all day: the liability may lag by REPORT_CACHE_SECONDS).
    parts = tuple(sorted((name, getattr(value, "pk", value)) for name, value in filters.items()))
    tables = reportcache.cached(
        "members.dashboard", parts, request.user, lambda: dashboard(user=request.user, **filters)
    )
    export, table_key = request.GET.get("export"), request.GET.get("table")
    if export:
        table = tables.get(table_key)
        if table is None or export not in ("csv", "xlsx"):
            raise Http404
        # The filters used head the file, so the export says what it shows (like the screen).
        used = [f"{form.fields[name].label}: {value}" for name, value in filters.items() if value is not None]
        rows = [[str(table.title), *used], [str(cell) for cell in table.header], *table.rows]
        name = f"members-{table.key}"
        if export == "csv":
            response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        buffer = io.BytesIO()
        write_xlsx(rows, buffer, sheet_name=table.key)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("table", None)
    return render(
        request, "members/dashboard.html", {"form": form, "tables": tables.values(), "query": query.urlencode()}
    )
