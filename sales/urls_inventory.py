"""URLs of the sales inventory pages (included by sales/urls.py under the "sales" namespace)."""

urlpatterns = []
