"""The insight pages: forecasts, product analysis, data quality and the marketing dashboard (thin: each page's
selector in analytics.selectors builds its charts), with CSV / XLSX export of any chart's table
(?export=KEY&format=csv|xlsx)."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.selectors import forecasts as forecast_selectors
from analytics.selectors import marketing as marketing_selectors
from analytics.selectors import product as product_selectors
from analytics.selectors import quality as quality_selectors
from analytics.views.dashboards import _export, _project
from crm_site import reportcache
from sales.models import Project


def _choice(request, name: str, choices, default: int) -> int:
    raw = request.GET.get(name, "")
    value = int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 5 else default
    return value if value in choices else default


def _render(request, template: str, page: dict, title, **context):
    export = request.GET.get("export")
    if export:
        chart = page["charts"].get(export)
        if chart is None:
            raise Http404
        return _export(chart, request.GET.get("format", "csv"), timezone.localdate())
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("format", None)
    context.update({"page": page, "charts": page["charts"], "kpis": page["kpis"], "title": title,
                    "query": query.urlencode()})  # fmt: skip
    return render(request, template, context)


def _cached(page: str, parts: tuple, request, compute):
    """The insight pages read months of history (the forecasts 24 months of closed opportunities): each is kept per
    scope, parameters and language for REPORT_CACHE_SECONDS (monthly projections do not move with each write)."""
    return reportcache.cached("analytics.insights", (page, *parts), request.user, compute)


def _projects():
    return Project.objects.filter(active=True).order_by("name")


@permission_required("analytics.view_team_dashboard", raise_exception=True)
def forecasts(request):
    project = _project(request)
    page = _cached(
        "forecasts",
        (project.pk if project else None,),
        request,
        lambda: forecast_selectors.forecasts(user=request.user, project=project),
    )
    return _render(request, "analytics/insights_forecasts.html", page, _("Forecasts"), project=project,
                   projects=_projects())  # fmt: skip


@permission_required("analytics.view_team_dashboard", raise_exception=True)
def product(request):
    project = _project(request)
    page = _cached(
        "product",
        (project.pk if project else None,),
        request,
        lambda: product_selectors.product_analysis(user=request.user, project=project),
    )
    return _render(request, "analytics/insights_product.html", page, _("Product analysis"), project=project,
                   projects=_projects())  # fmt: skip


@permission_required("analytics.view_team_dashboard", raise_exception=True)
def quality(request):
    days = _choice(request, "days", quality_selectors.DAYS_CHOICES, quality_selectors.DEFAULT_DAYS)
    page = _cached("quality", (days,), request, lambda: quality_selectors.data_quality(user=request.user, days=days))
    return _render(request, "analytics/insights_quality.html", page, _("Data quality"), days=days,
                   days_choices=quality_selectors.DAYS_CHOICES)  # fmt: skip


@permission_required("analytics.view_marketing_dashboard", raise_exception=True)
def marketing(request):
    months = _choice(request, "months", marketing_selectors.MONTHS_CHOICES, marketing_selectors.DEFAULT_MONTHS)
    page = _cached(
        "marketing", (months,), request, lambda: marketing_selectors.marketing(user=request.user, months=months)
    )
    return _render(request, "analytics/insights_marketing.html", page, _("Marketing dashboard"), months=months,
                   months_choices=marketing_selectors.MONTHS_CHOICES)  # fmt: skip
