from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crm_site.api import api
from crm_site.outside import outside_allowed
from crm_site.views import account, health, home, search, settings_pages, staff

staff_patterns = (
    [
        path("", staff.staff_list, name="staff-list"),
        path("<int:user_id>/", staff.staff_detail, name="staff-detail"),
        path("teams/", staff.team_list, name="team-list"),
        path("teams/<int:pk>/", staff.team_detail, name="team-detail"),
    ],
    "staff",
)

settings_patterns = (
    [
        path("fields/", settings_pages.customfield_list, name="customfield-list"),
        path("fields/new/", settings_pages.customfield_edit, name="customfield-create"),
        path("fields/<int:pk>/", settings_pages.customfield_edit, name="customfield-edit"),
        path("choices/", settings_pages.choice_list, name="choice-list"),
        path("choices/new/", settings_pages.choice_edit, name="choice-create"),
        path("choices/<slug:list_name>/settings/", settings_pages.choice_list_settings, name="choice-list-settings"),
        path("choices/<int:pk>/", settings_pages.choice_edit, name="choice-edit"),
        path("audit/", settings_pages.audit_list, name="audit-list"),
        path("access/", settings_pages.access_list, name="access-list"),
        path("tokens/", settings_pages.token_list, name="token-list"),
        path("tokens/<int:pk>/revoke/", settings_pages.token_revoke, name="token-revoke"),
    ],
    "settings",
)

urlpatterns = [
    path("", home.home, name="home"),
    path("my-day/", home.my_day, name="my_day"),
    path("healthz/", health.healthz, name="healthz"),
    path("search/", search.search, name="search"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Outside users (a partner's agents) may use their account too: every other page of the staff is closed to them.
    path("accounts/logout/", outside_allowed(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/profile/", account.account, name="account"),
    path(
        "accounts/password/",
        outside_allowed(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        outside_allowed(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    # The language switcher must work on the login page too (account.set_language is login_not_required); a
    # signed-in user's choice is stored on their profile.
    path("i18n/setlang/", account.set_language, name="set_language"),
    path("staff/", include(staff_patterns)),
    path("settings/", include(settings_patterns)),
    # Each domain app lists its URL modules in its AppConfig (`url_modules`): the foundation imports none.
    *[
        path(prefix, include(module))
        for config in apps.get_app_configs()
        for prefix, module in getattr(config, "url_modules", ())
    ],
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler500 = "crm_site.views.errors.server_error"
