"""URLs of the customers app's visits pages (included from customers/urls.py)."""

urlpatterns = []
