from django.urls import path

from service.views import status

urlpatterns = [
    path("status/", status.status_lookup, name="status-lookup"),
    path("status/home/", status.status_page, name="status-page"),
    path("status/letter/", status.status_page_letter, name="status-letter"),
    path("status/leave/", status.status_leave, name="status-leave"),
]
