from django.urls import path

from analytics.views import jobs

urlpatterns = [
    path("jobs/", jobs.job_list, name="job-list"),
    path("jobs/run/", jobs.job_run, name="job-run"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job-detail"),
]
