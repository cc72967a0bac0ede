"""URLs of the sales partners pages (included by sales/urls.py under the "sales" namespace)."""

urlpatterns = []
