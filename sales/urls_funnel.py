"""URLs of the sales funnel pages (included by sales/urls.py under the "sales" namespace)."""

urlpatterns = []
