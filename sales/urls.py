"""The sales pages; each part of the domain keeps its own URL module."""

from sales import urls_funnel, urls_inventory, urls_money, urls_partners, urls_promises

app_name = "sales"

urlpatterns = [
    *urls_inventory.urlpatterns,
    *urls_funnel.urlpatterns,
    *urls_money.urlpatterns,
    *urls_promises.urlpatterns,
    *urls_partners.urlpatterns,
]
