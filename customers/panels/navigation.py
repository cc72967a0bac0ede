"""Customer pages in the top navigation and the settings menu."""

from django.utils.translation import gettext_lazy as _

from crm_site.navigation import NavItem, add, add_setting, menu

menu("customers", NavItem(_("Customers"), "customers:customer-list", "people", "customers.view_customer"), 10)
for order, item in enumerate(
    [
        NavItem(_("Customer files"), "customers:customer-list", "people", "customers.view_customer"),
        NavItem(_("Visit plans"), "customers:visit-plan", "geo-alt", "customers.view_visitplan"),
        NavItem(_("Team visits"), "customers:visit-team", "people-fill", "customers.assess_visit"),
        NavItem(_("Daily reports"), "customers:dailyreport-list", "journal-check", "customers.assess_visit"),
        NavItem(_("Inquiries"), "customers:inquiry-list", "inbox", "customers.view_inquiry"),
        NavItem(_("Public pool"), "customers:pool-list", "water", "customers.view_customer"),
        NavItem(_("Conflicts"), "customers:conflict-list", "exclamation-diamond", "customers.view_customerconflict"),
        NavItem(_("Hand-over"), "customers:handover", "arrow-left-right", "customers.manage_ownership"),
        NavItem(_("Import customers"), "customers:import-start", "upload", "customers.import_customer"),
    ]
):
    add("customers", item, order * 10)
add_setting(NavItem(_("Customer rules"), "customers:policy-edit", "sliders", "crm_site.manage_settings"), 20)
add_setting(NavItem(_("Import customers"), "customers:import-start", "upload", "customers.import_customer"), 30)
add_setting(NavItem(_("Hand-over"), "customers:handover", "arrow-left-right", "customers.manage_ownership"), 40)
