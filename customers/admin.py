from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "phone", "level", "status", "source", "owner", "created_at"]
    list_filter = ["level", "status", "source", "kind"]
    search_fields = ["name", "phone", "email"]
    raw_id_fields = ["team", "project"]
    # An owner changes through the ownership services (hand-over, assignment ...), which move the customer's
    # open records in every app with it (customers.signals.customer_owner_changed); never by editing the row.
    readonly_fields = ["owner", "owned_since"]
    list_select_related = ["owner"]
    show_full_result_count = False
