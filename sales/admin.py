from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sales.models import Project


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "city", "district", "active"]
    search_fields = ["name", "code"]
