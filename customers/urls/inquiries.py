"""URLs of the customers app's inquiries pages (included from customers/urls.py)."""

from django.urls import path

from customers.views import inquiries

urlpatterns = [
    path("", inquiries.inquiry_list, name="inquiry-list"),
    path("<int:pk>/", inquiries.inquiry_detail, name="inquiry-detail"),
    path("<int:pk>/assign/", inquiries.inquiry_assign, name="inquiry-assign"),
    path("<int:pk>/status/", inquiries.inquiry_status, name="inquiry-status"),
    path("<int:pk>/first-contact/", inquiries.inquiry_first_contact, name="inquiry-first-contact"),
    path("<int:pk>/convert/", inquiries.inquiry_convert, name="inquiry-convert"),
]
