from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")
    # Mounted by crm_site (urls.py): the foundation names no domain app.
    url_modules = [("analytics/", "analytics.urls")]

    def ready(self):
        from analytics import panels  # noqa: F401  (facts, jobs, landings, roles, navigation, customer section)
