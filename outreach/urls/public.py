"""Public (no login) outreach pages: unsubscribing from marketing e-mail."""

from django.urls import path

from outreach.views import public

urlpatterns = [path("<str:token>/", public.unsubscribe, name="outreach-unsubscribe")]
