"""The service pages; each part keeps its own URL module in this package."""

from . import certificates, settings, tickets

app_name = "service"

urlpatterns = [*tickets.urlpatterns, *certificates.urlpatterns, *settings.urlpatterns]
