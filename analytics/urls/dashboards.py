from django.urls import path

from analytics.views import dashboards

urlpatterns = [
    path("company/", dashboards.company, name="company"),
    path("team/", dashboards.team, name="team"),
    path("at-risk/", dashboards.at_risk, name="at-risk"),
]
