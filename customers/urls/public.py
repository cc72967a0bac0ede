"""Public (no login) customer-facing pages: the web inquiry form."""

from django.urls import path

from customers.views import inquiries

urlpatterns = [
    path("", inquiries.public_inquiry, name="public-inquiry"),
    path("thanks/", inquiries.public_inquiry_thanks, name="public-inquiry-thanks"),
]
