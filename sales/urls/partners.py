"""URLs of the sales partners pages (included by sales/urls.py under the "sales" namespace)."""

from django.urls import path

from sales.views import marketing, partners

urlpatterns = [
    # Channel partners: the partner's own portal, then the staff pages.
    path("partner/", partners.partner_portal, name="partner-portal"),
    path("partners/", partners.partner_list, name="partner-list"),
    path("partners/new/", partners.partner_create, name="partner-create"),
    path("partners/<int:pk>/", partners.partner_detail, name="partner-detail"),
    path("partners/<int:pk>/edit/", partners.partner_edit, name="partner-edit"),
    path("partners/registrations/", partners.registration_list, name="registration-list"),
    path("partners/commissions/", partners.commission_list, name="commission-list"),
    path("partners/commissions/<int:pk>/status/", partners.commission_status, name="commission-status"),
    path("partners/rules/", partners.commissionrule_list, name="commissionrule-list"),
    path("partners/rules/new/", partners.commissionrule_edit, name="commissionrule-edit"),
    path("partners/rules/<int:pk>/", partners.commissionrule_edit, name="commissionrule-edit"),
    # Competitors and campaigns.
    path("competitors/", marketing.competitor_list, name="competitor-list"),
    path("competitors/new/", marketing.competitor_create, name="competitor-create"),
    path("competitors/<int:pk>/edit/", marketing.competitor_edit, name="competitor-edit"),
    path("competitors/moves/new/", marketing.competitor_move_create, name="competitor-move-create"),
    path("competitors/report/", marketing.competitor_report, name="competitor-report"),
    path("campaigns/", marketing.campaign_list, name="campaign-list"),
    path("campaigns/new/", marketing.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", marketing.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", marketing.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/leads/add/", marketing.campaign_lead_add, name="campaign-lead-add"),
    # The organisation's sales rules.
    path("settings/", partners.settings_edit, name="settings-edit"),
]
