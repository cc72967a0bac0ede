"""URLs of the sales promises pages (included by sales/urls.py under the "sales" namespace)."""

from django.urls import path

from sales.views import dailyreport, promises, quotas

urlpatterns = [
    path("promises/", promises.promise_list, name="promise-list"),
    path("promises/new/", promises.promise_create, name="promise-create"),
    path("promises/report/", promises.promise_report, name="promise-report"),
    path("promises/<int:pk>/", promises.promise_detail, name="promise-detail"),
    path("promises/<int:pk>/close/", promises.promise_close, name="promise-close"),
    path("targets/", quotas.target_list, name="target-list"),
    path("targets/edit/", quotas.target_edit, name="target-edit"),
    path("targets/report/", quotas.target_report, name="target-report"),
    path("daily-report/", dailyreport.daily_report, name="daily-report"),
    path("daily-report/team/", dailyreport.daily_report_team, name="daily-report-team"),
]
