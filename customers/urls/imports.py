"""URLs of the customers app's imports pages (included from customers/urls.py)."""

from django.urls import path

from customers.views import imports

urlpatterns = [
    path("", imports.import_start, name="import-start"),
    path("map/", imports.import_map, name="import-map"),
    path("report/", imports.import_report, name="import-report"),
    path("commit/", imports.import_commit, name="import-commit"),
    path("export/", imports.customer_export, name="customer-export"),
]
