"""Admin of the service desk's configuration: categories, SLA policies, the working calendar, warranty periods,
the certificate stage template and the service settings."""

from django.contrib import admin

from service.models import (
    CalendarDay,
    Category,
    CertificateStage,
    Escalation,
    Question,
    ServiceSettings,
    SlaPolicy,
    Survey,
    WarrantyPeriod,
    WorkingInterval,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_zh", "parent", "component", "active", "order")
    list_filter = ("active", "parent")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "priority",
        "category",
        "key_account",
        "member_tier",
        "first_response_minutes",
        "resolution_minutes",
    )
    list_filter = ("priority", "key_account", "member_tier")


@admin.register(WorkingInterval)
class WorkingIntervalAdmin(admin.ModelAdmin):
    list_display = ("weekday", "starts", "ends")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("day", "working", "name")
    list_filter = ("working",)
    date_hierarchy = "day"


@admin.register(WarrantyPeriod)
class WarrantyPeriodAdmin(admin.ModelAdmin):
    list_display = ("component", "label_en", "label_zh", "months")


@admin.register(CertificateStage)
class CertificateStageAdmin(admin.ModelAdmin):
    list_display = ("order", "code", "name_en", "name_zh", "expected_days", "building_level", "mortgage_only", "active")
    list_editable = ("expected_days", "active")
    ordering = ("order",)


@admin.register(ServiceSettings)
class ServiceSettingsAdmin(admin.ModelAdmin):
    list_display = ("reopen_days", "near_breach_percent", "callback_months", "callback_after_ticket_days", "low_score")


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("ticket", "at", "due_at", "to")
    raw_id_fields = ("ticket",)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_zh", "segment", "project", "active", "created_at")
    inlines = [QuestionInline]
    actions = ["send"]

    @admin.action(description="Send to the segment (e-mailed one-time links)")
    def send(self, request, queryset):
        from service.services.surveys import survey_send

        base = request.build_absolute_uri("/").rstrip("/")
        total = sum(survey_send(survey=survey, base_url=base) for survey in queryset)
        self.message_user(request, f"{total} customers invited.")
