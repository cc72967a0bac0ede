"""URLs of the sales inventory pages (included by sales/urls.py under the "sales" namespace)."""

from django.urls import path

from sales.views import customfields, inventory

urlpatterns = [
    path("projects/", inventory.project_list, name="project-list"),
    path("projects/new/", inventory.project_create, name="project-create"),
    path("projects/<int:pk>/", inventory.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", inventory.project_edit, name="project-edit"),
    path("projects/<int:pk>/buildings/new/", inventory.building_create, name="building-create"),
    path("projects/<int:pk>/prices/", inventory.price_history, name="price-history"),
    path("projects/<int:pk>/prices/adjust/", inventory.price_adjust, name="price-adjust"),
    path("buildings/<int:pk>/", inventory.building_grid, name="building-grid"),
    path("buildings/<int:pk>/units/export/", customfields.unit_export, name="unit-export"),
    path("buildings/<int:pk>/edit/", inventory.building_edit, name="building-edit"),
    path("units/<int:pk>/", inventory.unit_detail, name="unit-detail"),
    path("units/<int:pk>/details/", customfields.unit_fields, name="unit-fields"),
    path("units/<int:pk>/hold/", inventory.unit_hold, name="unit-hold"),
    path("units/<int:pk>/release/", inventory.unit_release, name="unit-release"),
    path("units/<int:pk>/availability/", inventory.unit_availability, name="unit-availability"),
    path("units/import/", inventory.unit_import, name="unit-import"),
    path("units/import/report/", inventory.unit_import_report, name="unit-import-report"),
    path("units/import/commit/", inventory.unit_import_commit, name="unit-import-commit"),
]
