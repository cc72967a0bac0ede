"""The analytics pages; each part keeps its own URL module in this package."""

from . import builder, dashboards, insights, jobs, reports, visits

app_name = "analytics"

urlpatterns = [
    *dashboards.urlpatterns,
    *jobs.urlpatterns,
    *reports.urlpatterns,
    *builder.urlpatterns,
    *insights.urlpatterns,
    *visits.urlpatterns,
]
