from django.urls import path

from service.views import settings

urlpatterns = [
    path("settings/rules/", settings.settings_rules, name="settings-rules"),
    path("settings/week/", settings.settings_week, name="settings-week"),
    # One name per list for the Settings menu (which reverses names without arguments).
    *[
        path(f"settings/{kind}/", settings.settings_list, {"kind": kind}, name=f"settings-{kind}")
        for kind in settings.PAGES
    ],
    path("settings/<slug:kind>/", settings.settings_list, name="settings-list"),
    path("settings/<slug:kind>/new/", settings.settings_edit, name="settings-create"),
    path("settings/<slug:kind>/<int:pk>/", settings.settings_edit, name="settings-edit"),
    path("settings/<slug:kind>/<int:pk>/delete/", settings.settings_delete, name="settings-delete"),
]
