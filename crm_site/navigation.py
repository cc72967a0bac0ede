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
    section: str = ""


NAV = [
    NavItem(_("My day"), "home", "sun"),
    NavItem(_("Customers"), "customers:customer-list", "people", "customers.view_customer"),
    NavItem(_("Staff & teams"), "staff:staff-list", "diagram-3", "crm_site.view_staffprofile"),
]
SETTINGS_NAV = [
    NavItem(_("Custom fields"), "settings:customfield-list", "ui-checks", "crm_site.manage_settings"),
    NavItem(_("Choice lists"), "settings:choice-list", "list-ul", "crm_site.manage_settings"),
    NavItem(_("Audit log"), "settings:audit-list", "journal-text", "crm_site.view_audit"),
    NavItem(_("Access log"), "settings:access-list", "eye", "crm_site.view_audit"),
    NavItem(_("API tokens"), "settings:token-list", "key", "crm_site.manage_settings"),
]


def visible_items(user, items) -> list[dict]:
    shown = []
    for item in items:
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # the app that serves it is not installed
        shown.append({"label": item.label, "url": url, "icon": item.icon, "url_name": item.url_name})
    return shown
