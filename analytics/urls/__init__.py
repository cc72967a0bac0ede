"""The analytics pages; each part keeps its own URL module in this package."""

from . import builder, dashboards, jobs, reports

app_name = "analytics"

urlpatterns = [*dashboards.urlpatterns, *jobs.urlpatterns, *reports.urlpatterns, *builder.urlpatterns]
