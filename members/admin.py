"""The club's catalogue and rules in the Django admin (tiers, benefits, settings); events and members have pages."""

from django.contrib import admin

from members.models import Benefit, MemberSettings, Tier


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["rank", "name", "name_zh", "points_threshold", "units_threshold"]


@admin.register(Benefit)
class BenefitAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "kind", "points_price", "min_tier", "stock", "valid_to", "active"]
    list_filter = ["kind", "active"]


@admin.register(MemberSettings)
class MemberSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not MemberSettings.objects.exists()
