"""The service dashboard (filters in the URL: since, until, project)."""

import datetime

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from crm_site import charts
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
    """A chart's table as CSV or XLSX (crm_site.charts.download: formula-like text neutralised)."""
    return charts.download(chart, fmt, f"service-{chart.key}-{since:%Y%m%d}-{until:%Y%m%d}")


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
