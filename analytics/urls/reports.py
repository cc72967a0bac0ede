from django.urls import path

from analytics.views import reports

urlpatterns = [
    path("reports/", reports.report_list, name="report-list"),
    path("reports/create/", reports.report_create, name="report-create"),
    path("reports/<int:pk>/pdf/", reports.report_download, name="report-download"),
]
