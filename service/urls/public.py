"""Public (no login) buyer-facing pages: the status page (certificate stage, open requests, repair request,
status letter), mounted at /my-home/ by ServiceConfig.url_modules."""

from django.urls import path

from service.views import status, surveys

urlpatterns = [
    path("", status.status_lookup, name="service-status-lookup"),
    path("status/", status.status_page, name="service-status-page"),
    path("letter/", status.status_page_letter, name="service-status-letter"),
    path("leave/", status.status_leave, name="service-status-leave"),
    path("survey/<str:token>/", surveys.survey_answer, name="service-survey-answer"),
]
