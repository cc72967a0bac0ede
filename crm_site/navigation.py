"""The top navigation, by domain. Apps add their entries here as they ship pages."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    permission: str | None = None
    children: tuple = ()  # shown as a dropdown; the parent's own page is its first entry
    for_superusers: bool = True  # False: a page for one kind of outside user that superusers need not see


NAV = [
    NavItem(_("My day"), "home", "sun"),
    NavItem(
        _("Customers"),
        "customers:customer-list",
        "people",
        "customers.view_customer",
        children=(
            NavItem(_("Customer files"), "customers:customer-list", "people", "customers.view_customer"),
            NavItem(_("Visit plans"), "customers:visit-plan", "geo-alt", "customers.view_visitplan"),
            NavItem(_("Team visits"), "customers:visit-team", "people-fill", "customers.assess_visit"),
            NavItem(_("Daily reports"), "customers:dailyreport-list", "journal-check", "customers.assess_visit"),
            NavItem(_("Inquiries"), "customers:inquiry-list", "inbox", "customers.view_inquiry"),
            NavItem(_("Public pool"), "customers:pool-list", "water", "customers.view_customer"),
            NavItem(
                _("Conflicts"), "customers:conflict-list", "exclamation-diamond", "customers.view_customerconflict"
            ),
            NavItem(_("Hand-over"), "customers:handover", "arrow-left-right", "customers.manage_ownership"),
            NavItem(_("Import customers"), "customers:import-start", "upload", "customers.import_customer"),
        ),
    ),
    NavItem(
        _("Sales"),
        "sales:opportunity-board",
        "kanban",
        None,
        children=(
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
        ),
    ),
    NavItem(
        _("Reports"),
        "sales:funnel-report",
        "bar-chart",
        None,
        children=(
            NavItem(_("Funnel and conversion"), "sales:funnel-report", "funnel", "sales.view_opportunity"),
            NavItem(_("Order analysis"), "sales:order-analysis", "graph-up", "sales.view_deal"),
            NavItem(_("Collection report"), "sales:collection-report", "cash-stack", "sales.view_installment"),
            NavItem(_("Quota attainment"), "sales:target-report", "trophy", "sales.view_salestarget"),
            NavItem(_("Broken promises"), "sales:promise-report", "patch-exclamation", "sales.view_promise"),
            NavItem(_("Competitors"), "sales:competitor-report", "flag", "sales.view_competitor"),
            NavItem(_("Campaign ROI"), "sales:campaign-list", "megaphone", "sales.view_campaign"),
        ),
    ),
    # What a partner's own users see (they hold no staff permissions).
    NavItem(_("Partner portal"), "sales:partner-portal", "briefcase", "sales.register_customer", for_superusers=False),
    NavItem(_("Staff & teams"), "staff:staff-list", "diagram-3", "crm_site.view_staffprofile"),
]
SETTINGS_NAV = [
    NavItem(_("Custom fields"), "settings:customfield-list", "ui-checks", "crm_site.manage_settings"),
    NavItem(_("Customer rules"), "customers:policy-edit", "sliders", "crm_site.manage_settings"),
    NavItem(_("Import customers"), "customers:import-start", "upload", "customers.import_customer"),
    NavItem(_("Hand-over"), "customers:handover", "arrow-left-right", "customers.manage_ownership"),
    NavItem(_("Choice lists"), "settings:choice-list", "list-ul", "crm_site.manage_settings"),
    NavItem(_("Sales rules"), "sales:settings-edit", "sliders2", "crm_site.manage_settings"),
    NavItem(_("Competitors"), "sales:competitor-list", "flag", "sales.change_competitor"),
    NavItem(_("Commission rules"), "sales:commissionrule-list", "percent", "sales.add_commissionrule"),
    NavItem(_("Audit log"), "settings:audit-list", "journal-text", "crm_site.view_audit"),
    NavItem(_("Access log"), "settings:access-list", "eye", "crm_site.view_audit"),
    NavItem(_("API tokens"), "settings:token-list", "key", "crm_site.manage_settings"),
]


def visible_items(user, items) -> list[dict]:
    shown = []
    for item in items:
        if item.permission and not user.has_perm(item.permission):
            continue
        if user.is_superuser and not item.for_superusers:
            continue
        children = visible_items(user, item.children) if item.children else []
        if item.children and not children:
            continue
        if children:
            url = children[0]["url"]  # a dropdown opens on the first entry this user may see
        else:
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue  # the app that serves it is not installed
        shown.append(
            {"label": item.label, "url": url, "icon": item.icon, "url_name": item.url_name, "children": children}
        )
    return shown
