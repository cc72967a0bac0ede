from django.urls import path

from analytics.views import visits

urlpatterns = [
    path("visit-rules/", visits.visit_rule_edit, name="visit-rules"),
]
