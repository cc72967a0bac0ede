from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "phone", "level", "status", "source", "owner", "created_at"]
    list_filter = ["level", "status", "source", "kind"]
    search_fields = ["name", "phone", "email"]
    raw_id_fields = ["owner", "team", "project"]
    list_select_related = ["owner"]
    show_full_result_count = False
