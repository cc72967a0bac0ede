"""The company and team dashboards (thin: analytics.selectors.dashboards builds them), with CSV / XLSX export
of any chart's table (?export=KEY&format=csv|xlsx), and the whole list of their customers-at-risk panel."""

from itertools import islice

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from analytics.models import ManagementReport
from analytics.selectors.dashboards import at_risk_chart, at_risk_list, dashboard
from crm_site.charts import download
from crm_site.pagination import COUNT_CAP, CappedPaginator
from sales.models import Project

TITLES = {"company": _("Company dashboard"), "team": _("Team dashboard")}
AT_RISK_PER_PAGE = 25


def _project(request) -> Project | None:
    raw = request.GET.get("project", "")
    if not (raw.isascii() and raw.isdecimal() and len(raw) < 19):
        return None
    return Project.objects.filter(pk=int(raw)).first()


def _export(chart, fmt: str, night):
    return download(chart, fmt, f"{chart.key}-{night or 'none'}")


def _page(request, kind: str):
    project = _project(request)
    board = dashboard(user=request.user, kind=kind, project=project)
    export = request.GET.get("export")
    if export:
        chart = board["charts"].get(export)
        if chart is None:
            raise Http404
        return _export(chart, request.GET.get("format", "csv"), board["night"])
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("format", None)
    reports = []
    if request.user.has_perm("analytics.view_management_report"):
        reports = list(ManagementReport.objects.filter(project=project).order_by("-month", "language")[:4])
    context = {
        "kind": kind,
        "title": TITLES[kind],
        "board": board,
        "charts": board["charts"],
        "project": project,
        "projects": Project.objects.filter(active=True).order_by("name") if kind == "company" else [],
        "query": query.urlencode(),
        "reports": reports,
        # The panel shows the first customers at risk; its page lists them all, for the same project.
        "at_risk_url": reverse("analytics:at-risk") + (f"?project={project.pk}" if project else ""),
    }
    return render(request, "analytics/dashboard.html", context)


@permission_required("analytics.view_company_dashboard", raise_exception=True)
def company(request):
    return _page(request, "company")


@permission_required("analytics.view_team_dashboard", raise_exception=True)
def team(request):
    return _page(request, "team")


@permission_required("analytics.view_team_dashboard", raise_exception=True)
def at_risk(request):
    """Every customer at risk in the viewer's scope (the dashboards' panel shows the first 20), a page at a time;
    ?export=at_risk&format=csv|xlsx downloads the list (up to the pagination's cap)."""
    project = _project(request)
    night, scores = at_risk_list(user=request.user, project=project)
    if request.GET.get("export") == "at_risk":
        chart = at_risk_chart(islice(scores.batches(), COUNT_CAP))
        return _export(chart, request.GET.get("format", "csv"), night)
    page = CappedPaginator(scores, AT_RISK_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "title": _("Customers at risk"),
        "night": night,
        "page": page,
        "table": at_risk_chart(page.object_list),
        "project": project,
        "projects": Project.objects.filter(active=True).order_by("name"),
    }
    return render(request, "analytics/at_risk.html", context)
