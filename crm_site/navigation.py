"""The top navigation, by domain: a registry that each app fills from its `panels/navigation.py`.

The foundation declares its own entries (my day, the shared Reports menu, staff) and knows no domain app:
an app declares its menus with `menu(key, item, order)`, adds entries to any menu with `add(key, item, order)`
and to the settings menu with `add_setting(item, order)`.
"""

from dataclasses import dataclass, replace

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from crm_site.outside import is_outside


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    permission: str | None = None
    children: tuple = ()  # shown as a dropdown; the parent's own page is its first entry
    # False: a page for outside users (a partner's portal, crm_site.outside): superusers need not see it, and
    # such pages are all an outside user's menu shows (the first one is where they land).
    for_superusers: bool = True
    badge: str = ""  # URL name of a fragment with a count, loaded after the page (e.g. unread notifications)


_MENUS: dict[str, tuple[int, NavItem]] = {}
_CHILDREN: dict[str, dict[str, tuple[int, NavItem]]] = {}
_SETTINGS: dict[str, tuple[int, NavItem]] = {}


def menu(key: str, item: NavItem, order: int = 50) -> None:
    """A top-level entry: a link, or a dropdown once entries are added to `key` (it opens on the first shown)."""
    _MENUS[key] = (order, item)


def add(key: str, item: NavItem, order: int = 50) -> None:
    """An entry in menu `key` (registering the same page twice keeps one)."""
    _CHILDREN.setdefault(key, {})[item.url_name] = (order, item)


def add_setting(item: NavItem, order: int = 50) -> None:
    _SETTINGS[item.url_name] = (order, item)


def _ordered(entries) -> list[NavItem]:
    return [item for _order, item in sorted(entries, key=lambda entry: entry[0])]


def main() -> list[NavItem]:
    """The top navigation as registered, menus with their entries."""
    items = []
    for key, (_order, item) in sorted(_MENUS.items(), key=lambda entry: entry[1][0]):
        children = _ordered(_CHILDREN.get(key, {}).values())
        items.append(replace(item, children=tuple(children)) if children else item)
    return items


def settings_menu() -> list[NavItem]:
    return _ordered(_SETTINGS.values())


menu("home", NavItem(_("My day"), "my_day", "sun"), 0)
# The shared Reports menu: sales, service, members and analytics add their reports to it.
menu("reports", NavItem(_("Reports"), "", "bar-chart"), 40)
menu("staff", NavItem(_("Staff & teams"), "staff:staff-list", "diagram-3", "crm_site.view_staffprofile"), 90)
add_setting(NavItem(_("Custom fields"), "settings:customfield-list", "ui-checks", "crm_site.manage_settings"), 10)
add_setting(NavItem(_("Choice lists"), "settings:choice-list", "list-ul", "crm_site.manage_settings"), 50)
add_setting(NavItem(_("Audit log"), "settings:audit-list", "journal-text", "crm_site.view_audit"), 90)
add_setting(NavItem(_("Access log"), "settings:access-list", "eye", "crm_site.view_audit"), 91)
add_setting(NavItem(_("API tokens"), "settings:token-list", "key", "crm_site.manage_settings"), 92)


def visible_items(user, items) -> list[dict]:
    outside = is_outside(user)
    shown = []
    for item in items:
        if item.permission and not user.has_perm(item.permission):
            continue
        if user.is_superuser and not item.for_superusers:
            continue
        if outside and item.for_superusers and not item.children:
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
        entry = {"label": item.label, "url": url, "icon": item.icon, "url_name": item.url_name, "children": children}
        if item.badge:
            try:
                entry["badge_url"] = reverse(item.badge)
            except NoReverseMatch:
                pass
        shown.append(entry)
    return shown


_SHOWN: dict[tuple, tuple[list[dict], list[dict]]] = {}


def menus_for(user) -> tuple[list[dict], list[dict]]:
    """(main menu, settings menu) as `user` sees them: the same for everyone with the same permissions, so worked
    out once per permission set and process (every page shows them; the entries are read, never changed)."""
    key = (frozenset(user.get_all_permissions()), user.is_superuser, is_outside(user), get_script_prefix())
    shown = _SHOWN.get(key)
    if shown is None:
        if len(_SHOWN) > 512:  # a bound, not an expectation: there are a dozen roles
            _SHOWN.clear()
        shown = _SHOWN[key] = (visible_items(user, main()), visible_items(user, settings_menu()))
    return shown
