"""The sales pages; each part of the domain keeps its own URL module in this package."""

from . import funnel, inventory, money, partners, promises

app_name = "sales"

urlpatterns = [
    *inventory.urlpatterns,
    *funnel.urlpatterns,
    *money.urlpatterns,
    *promises.urlpatterns,
    *partners.urlpatterns,
]
