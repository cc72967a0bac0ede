"""The service dashboard (filters in the URL: since, until, project)."""

import datetime
import io

from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from crm_site.spreadsheets import csv_lines, write_xlsx
from service.selectors import dashboard as selectors
from service.selectors import surveys as survey_selectors
from service.views.certificates import projects_for


def _date(value, default):
    try:
        parsed = parse_date(value or "")
    except ValueError:
        parsed = None
    return parsed or default


def _export(chart, fmt: str, since, until):
    """A chart's table as CSV or XLSX (crm_site.spreadsheets: formula-like text neutralised)."""
    name = f"service-{chart.key}-{since:%Y%m%d}-{until:%Y%m%d}"
    if fmt == "xlsx":
        file = io.BytesIO()
        write_xlsx(chart.export_rows(), file, sheet_name=str(chart.title)[:31])
        file.seek(0)
        return FileResponse(
            file,
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(csv_lines(chart.export_rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@permission_required("service.manage_service", raise_exception=True)
def dashboard(request):
    today = timezone.localdate()
    since = _date(request.GET.get("since"), today - datetime.timedelta(days=90))
    until = _date(request.GET.get("until"), today)
    projects = list(projects_for(request.user)[:200])
    wanted = request.GET.get("project", "")
    project = next((item for item in projects if str(item.pk) == wanted), None)
    data = selectors.dashboard(user=request.user, since=since, until=until, project=project)
    charts = selectors.charts(user=request.user, since=since, until=until, project=project, data=data)
    export = request.GET.get("export")
    if export:
        chart = charts.get(export)
        if chart is None:
            raise Http404
        return _export(chart, request.GET.get("format", "csv"), since, until)
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("format", None)
    context = {
        "charts": charts,
        "query": query.urlencode(),
        "since": since,
        "until": until,
        "projects": projects,
        "project": project,
        "data": data,
        "surveys": survey_selectors.results(
            start=datetime.datetime.combine(since, datetime.time.min, timezone.get_current_timezone()),
            end=datetime.datetime.combine(
                until + datetime.timedelta(days=1), datetime.time.min, timezone.get_current_timezone()
            ),
            project=project,
        ),
    }
    return render(request, "service/dashboard.html", context)
