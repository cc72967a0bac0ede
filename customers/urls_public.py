"""Public (no login) customer-facing pages: the web inquiry form."""

urlpatterns = []
