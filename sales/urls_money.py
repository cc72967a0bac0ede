"""URLs of the sales money pages (included by sales/urls.py under the "sales" namespace)."""

urlpatterns = []
