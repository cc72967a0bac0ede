from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from crm_site import search
        from customers import panels, panels_inquiries, panels_visits  # noqa: F401  (register my-day panels)
        from customers.search import customer_hits

        search.register(_("Customers"), customer_hits, "customers.view_customer")
