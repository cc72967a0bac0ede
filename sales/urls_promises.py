"""URLs of the sales promises pages (included by sales/urls.py under the "sales" namespace)."""

urlpatterns = []
