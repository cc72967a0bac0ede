from django.contrib import admin

from analytics.models import JobRun, ManagementReport


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["name", "night", "status", "started_at", "finished_at", "rows"]
    list_filter = ["name", "status"]
    readonly_fields = [field.name for field in JobRun._meta.fields]


@admin.register(ManagementReport)
class ManagementReportAdmin(admin.ModelAdmin):
    list_display = ["month", "project", "language", "pages", "created_at"]
