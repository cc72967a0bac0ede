"""The back office for admins: staff, teams, roles (groups), reference data, tokens and logs."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from crm_site.models import AccessLog, ApiToken, AuditEntry, ChoiceOption, CustomField, StaffProfile, Team

User = get_user_model()

admin.site.site_header = _("Estate CRM administration")
admin.site.site_title = _("Estate CRM")


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ["projects"]
    fields = ["team", "title", "phone", "language", "scope", "projects"]


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Staff are deactivated, never deleted, so their history and customers stay attributable."""

    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "staff_team", "is_active", "last_login"]
    list_filter = ["is_active", "groups", "staff__team", "staff__scope"]
    list_select_related = ["staff__team"]
    actions = ["deactivate", "reactivate"]

    @admin.display(description=_("team"))
    def staff_team(self, obj):
        return getattr(getattr(obj, "staff", None), "team", None) or "—"

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Deactivate selected staff"))
    def deactivate(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            user.is_active = False
            user.save(update_fields=["is_active"])
            count += 1
        messages.success(request, _("%(count)d staff deactivated.") % {"count": count})

    @admin.action(description=_("Reactivate selected staff"))
    def reactivate(self, request, queryset):
        for user in queryset.filter(is_active=False):
            user.is_active = True
            user.save(update_fields=["is_active"])


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "manager", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    autocomplete_fields = ["parent", "manager"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CustomField)
class CustomFieldAdmin(SimpleHistoryAdmin):
    list_display = ["key", "label_en", "label_zh", "entity", "field_type", "required", "order", "active"]
    list_filter = ["entity", "field_type", "active"]


@admin.register(ChoiceOption)
class ChoiceOptionAdmin(SimpleHistoryAdmin):
    list_display = ["list_name", "value", "label_en", "label_zh", "order", "active"]
    list_filter = ["list_name", "active"]
    search_fields = ["value", "label_en", "label_zh"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked"]

    def has_add_permission(self, request):
        return (
            False  # tokens are issued on the settings page or by `manage.py create_api_token`, which show the key once
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "model", "object_id", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["object_id", "object_repr"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "purpose", "model", "object_id", "fields", "ip"]
    list_filter = ["purpose", "model"]
