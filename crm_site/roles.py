"""The roles of the CRM as Django groups: their labels, default data scope and default permissions.

Groups are created on migrate when missing; `manage.py seed_roles` grants any default permission
a group lacks (it never removes what an admin granted). Admins edit groups in the Django admin.
Apps built later add their own: `define(Role(...))` for a new role and `grant(code, *permissions)` for
what an existing role may do in the app, called from the app's `panels` package at start-up.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from crm_site.models import StaffProfile

Scope = StaffProfile.Scope

# Everyone may open the staff directory; the data scope decides whom they see there.
DIRECTORY = ["crm_site.view_staffprofile", "crm_site.view_team"]
CUSTOMER_WORK = [
    *DIRECTORY,
    "customers.view_customer",
    "customers.add_customer",
    "customers.change_customer",
    "customers.export_customer",
    "customers.view_interaction",
    "customers.add_interaction",
    "customers.view_visitplan",
    "customers.add_visitplan",
    "customers.change_visitplan",
    "customers.view_inquiry",
    "customers.view_customerconflict",
    "customers.add_customermember",
    "customers.change_customermember",
    "customers.add_purchaseintent",
]
MANAGER_WORK = [
    *CUSTOMER_WORK,
    "crm_site.view_sensitive",
    "customers.manage_ownership",
    "customers.import_customer",
    "customers.assign_inquiry",
    "customers.change_inquiry",
    "customers.assess_visit",
]
SALES_VIEW = [
    "sales.view_project",
    "sales.view_building",
    "sales.view_unit",
    "sales.view_opportunity",
    "sales.view_deal",
    "sales.view_installment",
    "sales.view_payment",
    "sales.view_promise",
    "sales.view_salestarget",
    "sales.view_lease",
    "sales.view_competitor",
    "sales.view_campaign",
]
SALES_WORK = [
    *SALES_VIEW,
    "sales.add_opportunity",
    "sales.change_opportunity",
    "sales.add_deal",
    "sales.change_deal",
    "sales.add_payment",
    "sales.add_promise",
    "sales.change_promise",
    "sales.add_lease",
    "sales.add_competitormove",
]
SALES_MANAGER_WORK = [
    *SALES_WORK,
    "sales.approve_discount",
    "sales.change_unit",
    "sales.change_price",
    "sales.import_unit",
    "sales.add_installment",
    "sales.change_installment",
    "sales.change_lease",
    "sales.add_salestarget",
    "sales.change_salestarget",
    "sales.add_competitor",
    "sales.change_competitor",
    "sales.add_campaign",
    "sales.change_campaign",
    "sales.view_partner",
    "sales.add_partner",
    "sales.change_partner",
    "sales.view_partnerregistration",
    "sales.view_commission",
    "sales.change_commission",
    "sales.add_commissionrule",
    "sales.change_commissionrule",
]
SETTINGS_WORK = ["crm_site.view_sensitive", "crm_site.view_audit", "crm_site.manage_settings"]


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    scope: str
    permissions: tuple[str, ...]
    is_staff: bool = False  # may open the Django admin
    # People of another company (a partner's agents): they land on their portal and see no staff page
    # (crm_site.outside).
    outside: bool = False


ROLES = [
    Role("sales_rep", _("Sales rep"), Scope.OWN, (*CUSTOMER_WORK, *SALES_WORK)),
    Role(
        "sales_manager",
        _("Sales manager"),
        Scope.SUBORDINATES,
        (*MANAGER_WORK, *SALES_MANAGER_WORK),
    ),
    Role(
        "service_agent",
        _("Service agent"),
        Scope.PROJECTS,
        (
            *DIRECTORY,
            "customers.view_customer",
            "customers.view_interaction",
            "customers.add_interaction",
            "sales.view_project",
            "sales.view_unit",
            "sales.view_deal",
            "sales.view_promise",
            "sales.change_promise",
        ),
    ),
    Role(
        "service_manager",
        _("Service manager"),
        Scope.SERVED_PROJECTS,
        (*DIRECTORY, "customers.view_customer", "sales.view_project", "sales.view_deal", "sales.view_promise"),
    ),
    Role(
        "marketing",
        _("Marketing"),
        Scope.ALL,
        (
            *DIRECTORY,
            "customers.view_customer",
            "customers.export_customer",
            "sales.view_campaign",
            "sales.add_campaign",
            "sales.change_campaign",
            "sales.view_competitor",
            "sales.add_competitor",
            "sales.change_competitor",
            "sales.view_partner",
            "sales.view_partnerregistration",
        ),
    ),
    Role(
        "executive",
        _("Executive"),
        Scope.ALL,
        (
            *DIRECTORY,
            "customers.view_customer",
            "customers.export_customer",
            "crm_site.view_sensitive",
            *SALES_VIEW,
            "sales.view_partner",
            "sales.view_commission",
        ),
    ),
    Role(
        "admin",
        _("Administrator"),
        Scope.ALL,
        (
            *MANAGER_WORK,
            *SALES_MANAGER_WORK,
            *SETTINGS_WORK,
            "customers.add_inquiry",
            "sales.add_project",
            "sales.change_project",
            "sales.add_building",
            "sales.change_building",
            "sales.add_unit",
        ),
        is_staff=True,
    ),
    # For the website / call-center tokens: may only post inquiries into the queue.
    Role("integration", _("Integration (API only)"), Scope.OWN, ("customers.add_inquiry",)),
    # An agency's or broker's own login: registers customers (报备) and sees only its partner's rows.
    Role(
        "partner",
        _("Channel partner"),
        Scope.OWN,
        ("sales.register_customer",),
        outside=True,
    ),
]
ROLES_BY_CODE = {role.code: role for role in ROLES}
_GRANTED: dict[str, list[str]] = {}


def define(role: Role) -> None:
    """Add a role an app brings (e.g. member staff); defining it again replaces it."""
    ROLES[:] = [existing for existing in ROLES if existing.code != role.code] + [role]
    ROLES_BY_CODE[role.code] = role


def grant(code: str, *permissions: str) -> None:
    """Give role `code` these default permissions as well (an app's pages for a role defined elsewhere)."""
    granted = _GRANTED.setdefault(code, [])
    granted.extend(permission for permission in permissions if permission not in granted)


def default_permissions(code: str) -> list[str]:
    """Everything role `code` is given by default: its own list and what apps granted it."""
    return [*ROLES_BY_CODE[code].permissions, *_GRANTED.get(code, [])]


def outside_permissions() -> set[str]:
    """Every permission outside roles give by default: a user holding only these is an outside user."""
    return {permission for role in ROLES if role.outside for permission in default_permissions(role.code)}


def role_label(code: str) -> str:
    role = ROLES_BY_CODE.get(code)
    return str(role.label) if role else code


def permissions_for(codes) -> list[Permission]:
    wanted = {tuple(code.split(".", 1)) for code in codes}
    return [
        permission
        for permission in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _app, codename in wanted}
        )
        if (permission.content_type.app_label, permission.codename) in wanted
    ]


def sync_roles(*, grant_missing: bool = True) -> list[Group]:
    """Create each role's group; grant its default permissions when new (or always, if asked)."""
    groups = []
    for role in ROLES:
        group, created = Group.objects.get_or_create(name=role.code)
        if created or grant_missing:
            group.permissions.add(*permissions_for(default_permissions(role.code)))
        groups.append(group)
    return groups


def assign_role(user, code: str) -> None:
    """Make `code` the user's only role and give them its default scope and admin access."""
    role = ROLES_BY_CODE[code]
    group, _created = Group.objects.get_or_create(name=code)
    user.groups.set([group])
    user.is_staff = role.is_staff
    user.save(update_fields=["is_staff"])
    profile, _created = StaffProfile.objects.get_or_create(user=user)
    if profile.scope != role.scope:
        profile.scope = role.scope
        profile.save(update_fields=["scope"])
