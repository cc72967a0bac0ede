from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales")
    # Mounted by crm_site (urls.py, api): the foundation names no domain app.
    url_modules = [("sales/", "sales.urls")]
    api_routers = [
        (f"/{part}/", f"sales.api.{part}.router") for part in ("inventory", "funnel", "money", "promises", "partners")
    ]

    def ready(self):
        from crm_site import customfields

        # Admins may define custom fields on these records (their `custom` JSON columns).
        customfields.register_entity("opportunity", _("Opportunity"), order=20)
        customfields.register_entity("deal", _("Deal"), order=30)
        customfields.register_entity("unit", _("Unit"), order=40)
        from crm_site import forms, reportcache
        from sales.models import Project

        # Project selects on filter forms are cached (crm_site.forms.limit_choices): a project's change drops them.
        reportcache.watch(forms.CHOICES, Project)
        from sales import (
            panels,  # noqa: F401  (registers my-day panels, timeline sources and page sections)
            receivers,  # noqa: F401  (answers customers' events: owner changed, merge, visit; pool)
        )
