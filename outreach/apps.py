from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Outreach")
    # Mounted by crm_site (urls.py, api): the foundation names no domain app.
    url_modules = [("outreach/", "outreach.urls"), ("unsubscribe/", "outreach.urls.public")]
    api_routers = [
        (f"/outreach/{part}/", f"outreach.api.{part}.router")
        for part in ("templates", "messages", "announcements", "webhooks")
    ]

    def ready(self):
        from outreach import panels  # noqa: F401  (navigation, roles, timeline, sections, events, merge fields)
