from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "service"
    verbose_name = _("Service")
    # Mounted by crm_site (urls.py, api): the foundation names no domain app.
    url_modules = [("service/", "service.urls"), ("my-home/", "service.urls.public")]
    api_routers = [("/service/", "service.api.tickets.router")]

    def ready(self):
        from service import (
            panels,  # noqa: F401  (navigation, roles, scope relations, my-day panels, timeline, sections, templates)
            receivers,  # noqa: F401  (answers sales' contract.signed: callbacks and a certificate case)
        )
