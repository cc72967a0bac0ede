"""URLs of the customers app's visits pages (included from customers/urls.py)."""

from django.urls import path

from customers.views import visits

urlpatterns = [
    path("", visits.visit_plan, name="visit-plan"),
    path("new/", visits.visit_create, name="visit-create"),
    path("<int:pk>/record/", visits.visit_record, name="visit-record"),
    path("<int:pk>/cancel/", visits.visit_cancel, name="visit-cancel"),
    path("<int:pk>/missed/", visits.visit_missed, name="visit-missed"),
    path("<int:pk>/assess/", visits.visit_assess, name="visit-assess"),
    path("team/", visits.visit_team, name="visit-team"),
    path("reports/", visits.dailyreport_edit, name="dailyreport-edit"),
    path("reports/team/", visits.dailyreport_list, name="dailyreport-list"),
    path("rules/", visits.policy_edit, name="policy-edit"),
]
