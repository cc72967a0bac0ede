"""URLs of the customers app's imports pages (included from customers/urls.py)."""

urlpatterns = []
