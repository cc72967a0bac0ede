from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")
    # Mounted by crm_site (urls.py, api): the foundation names no domain app.
    url_modules = [("customers/", "customers.urls"), ("inquire/", "customers.urls.public")]
    api_routers = [("/customers/", "customers.api.files.router"), ("/inquiries/", "customers.api.inquiries.router")]

    def ready(self):
        from crm_site import customfields, search
        from customers import panels  # noqa: F401  (registers my-day panels)
        from customers.search import customer_hits

        search.register(_("Customers"), customer_hits, "customers.view_customer")
        customfields.register_entity("customer", _("Customer"), order=10)
