"""The member pages; each part of the club keeps its own URL module in this package."""

from . import catalogue, members

app_name = "members"

urlpatterns = [*members.urlpatterns, *catalogue.urlpatterns]
