"""Sales pages in the top navigation (Sales, the shared Reports menu, the partner portal) and settings."""

from django.utils.translation import gettext_lazy as _

from crm_site.navigation import NavItem, add, add_setting, menu

menu("sales", NavItem(_("Sales"), "sales:opportunity-board", "kanban"), 20)
for order, item in enumerate(
    [
        NavItem(_("Funnel board"), "sales:opportunity-board", "kanban", "sales.view_opportunity"),
        NavItem(_("Opportunities"), "sales:opportunity-list", "funnel", "sales.view_opportunity"),
        NavItem(_("Projects & units"), "sales:project-list", "buildings", "sales.view_unit"),
        NavItem(_("Deals & contracts"), "sales:deal-list", "file-earmark-text", "sales.view_deal"),
        NavItem(_("Discount approvals"), "sales:approval-list", "check2-square", "sales.approve_discount"),
        NavItem(_("Payments due"), "sales:installment-list", "cash-coin", "sales.view_installment"),
        NavItem(_("Promises"), "sales:promise-list", "patch-check", "sales.view_promise"),
        NavItem(_("Leases"), "sales:lease-list", "shop", "sales.view_lease"),
        NavItem(_("Targets"), "sales:target-list", "bullseye", "sales.view_salestarget"),
        NavItem(_("Daily sales report"), "sales:daily-report", "journal-check", "sales.view_opportunity"),
        NavItem(_("Channel partners"), "sales:partner-list", "briefcase", "sales.view_partner"),
        NavItem(_("Registrations"), "sales:registration-list", "person-check", "sales.view_partnerregistration"),
        NavItem(_("Commissions"), "sales:commission-list", "percent", "sales.view_commission"),
    ]
):
    add("sales", item, order * 10)
for order, item in enumerate(
    [
        NavItem(_("Funnel and conversion"), "sales:funnel-report", "funnel", "sales.view_opportunity"),
        NavItem(_("Order analysis"), "sales:order-analysis", "graph-up", "sales.view_deal"),
        NavItem(_("Collection report"), "sales:collection-report", "cash-stack", "sales.view_installment"),
        NavItem(_("Quota attainment"), "sales:target-report", "trophy", "sales.view_salestarget"),
        NavItem(_("Broken promises"), "sales:promise-report", "patch-exclamation", "sales.view_promise"),
        NavItem(_("Competitors"), "sales:competitor-report", "flag", "sales.view_competitor"),
        NavItem(_("Campaign ROI"), "sales:campaign-list", "megaphone", "sales.view_campaign"),
    ]
):
    add("reports", item, order * 10)
# What a partner's own users see (they hold no staff permissions).
menu(
    "partner-portal",
    NavItem(_("Partner portal"), "sales:partner-portal", "briefcase", "sales.register_customer", for_superusers=False),
    80,
)
add_setting(NavItem(_("Sales rules"), "sales:settings-edit", "sliders2", "crm_site.manage_settings"), 60)
add_setting(NavItem(_("Competitors"), "sales:competitor-list", "flag", "sales.change_competitor"), 70)
add_setting(NavItem(_("Commission rules"), "sales:commissionrule-list", "percent", "sales.add_commissionrule"), 80)
