"""URLs of the sales money pages (included by sales/urls.py under the "sales" namespace)."""

from django.urls import path

from sales.views import leasing, money

urlpatterns = [
    path("payments/", money.installment_list, name="installment-list"),
    path("payments/<int:pk>/record/", money.payment_record, name="payment-record"),
    path("payments/<int:pk>/refund/", money.payment_refund, name="payment-refund"),
    path("payments/<int:pk>/edit/", money.installment_edit, name="installment-edit"),
    path("deals/<int:pk>/schedule/", money.schedule_create, name="schedule-create"),
    path("reports/collection/", money.collection_report, name="collection-report"),
    path("reports/orders/", money.order_analysis, name="order-analysis"),
    path("leases/", leasing.lease_list, name="lease-list"),
    path("leases/new/", leasing.lease_create, name="lease-create"),
    path("leases/<int:pk>/", leasing.lease_detail, name="lease-detail"),
    path("leases/<int:pk>/end/", leasing.lease_end, name="lease-end"),
]
