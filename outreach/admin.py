from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from outreach.models import ConsentChange, Message, MessageTemplate, Send, WebhookDelivery, WebhookEndpoint
from outreach.services import message_status_report
from outreach.services.webhooks import delivery_replay


@admin.register(MessageTemplate)
class MessageTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "key", "kind", "channel", "active", "updated_at"]
    list_filter = ["kind", "channel", "active"]
    search_fields = ["name", "key"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "kind", "to_address", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["to_address", "subject", "external_id"]
    raw_id_fields = ["customer", "user", "send", "by"]
    readonly_fields = ["created_at", "status_at"]
    actions = ["mark_bounced"]

    @admin.action(description=_("Record a bounce for the selected messages"), permissions=["change"])
    def mark_bounced(self, request, queryset):
        for message in queryset:
            message_status_report(
                message=message, status=Message.Status.BOUNCED, error="Marked in the admin", by=request.user
            )
        messages.success(request, _("Bounces recorded."))


@admin.register(Send)
class SendAdmin(SimpleHistoryAdmin):
    list_display = ["name", "audience", "status", "kind", "created_by", "started_at", "finished_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["template", "campaign", "created_by"]


@admin.register(ConsentChange)
class ConsentChangeAdmin(admin.ModelAdmin):
    list_display = ["customer", "granted", "how", "by", "at"]
    list_filter = ["granted", "how"]
    raw_id_fields = ["customer", "by", "message"]

    def has_change_permission(self, request, obj=None):
        return False  # a record of what happened


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "url", "active", "consecutive_failures", "disabled_at"]
    list_filter = ["active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "response_code", "duration_ms", "created_at"]
    list_filter = ["status", "event"]
    raw_id_fields = ["endpoint", "replay_of"]
    actions = ["replay"]

    @admin.action(description=_("Replay the selected deliveries"), permissions=["change"])
    def replay(self, request, queryset):
        for delivery in queryset.select_related("endpoint"):
            delivery_replay(delivery=delivery, by=request.user)
        messages.success(request, _("Queued again."))
