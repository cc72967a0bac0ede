from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = pgettext_lazy("club", "Members")
    # Mounted by crm_site (urls.py, api): the foundation names no domain app.
    url_modules = [("members/", "members.urls")]
    # The events router first: its fixed paths (/events/, /benefits/) must not be read as a member id.
    api_routers = [("/members/", "members.api.events.router"), ("/members/", "members.api.members.router")]

    def ready(self):
        from members import (
            panels,  # noqa: F401  (navigation, roles, customer section, timeline, templates)
            receivers,  # noqa: F401  (answers contract signed / cancelled)
        )
