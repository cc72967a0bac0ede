from django.urls import path

from members.views import care, catalogue

urlpatterns = [
    path("tiers/", catalogue.tier_list, name="tier-list"),
    path("tiers/new/", catalogue.tier_edit, name="tier-create"),
    path("tiers/<int:pk>/", catalogue.tier_edit, name="tier-edit"),
    path("benefits/", catalogue.benefit_list, name="benefit-list"),
    path("benefits/new/", catalogue.benefit_edit, name="benefit-create"),
    path("benefits/<int:pk>/", catalogue.benefit_edit, name="benefit-edit"),
    path("settings/", catalogue.settings_edit, name="settings-edit"),
    path("care-plans/", care.care_plan_list, name="care-plan-list"),
    path("care-plans/<int:customer_pk>/", care.care_plan_edit, name="care-plan"),
]
