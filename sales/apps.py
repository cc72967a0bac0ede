import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each part of sales registers its my-day panels, timeline events and search in its own module.
REGISTRIES = ["panels_customer", "panels_funnel", "panels_money", "panels_promises", "panels_partners"]


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales")

    def ready(self):
        for module in REGISTRIES:
            try:
                importlib.import_module(f"sales.{module}")
            except ModuleNotFoundError as error:
                if error.name != f"sales.{module}":
                    raise
