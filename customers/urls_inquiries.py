"""URLs of the customers app's inquiries pages (included from customers/urls.py)."""

urlpatterns = []
