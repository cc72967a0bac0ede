"""The roles of the CRM as Django groups: their labels, default data scope and default permissions.

Groups are created on migrate when missing; `manage.py seed_roles` grants any default permission
a group lacks (it never removes what an admin granted). Admins edit groups in the Django admin.
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
SETTINGS_WORK = ["crm_site.view_sensitive", "crm_site.view_audit", "crm_site.manage_settings"]


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    scope: str
    permissions: tuple[str, ...]
    is_staff: bool = False  # may open the Django admin


ROLES = [
    Role("sales_rep", _("Sales rep"), Scope.OWN, (*CUSTOMER_WORK,)),
    Role(
        "sales_manager",
        _("Sales manager"),
        Scope.SUBORDINATES,
        (*MANAGER_WORK,),
    ),
    Role(
        "service_agent",
        _("Service agent"),
        Scope.PROJECTS,
        (*DIRECTORY, "customers.view_customer", "customers.view_interaction", "customers.add_interaction"),
    ),
    Role(
        "service_manager",
        _("Service manager"),
        Scope.DEPARTMENT_TREE,
        (*DIRECTORY, "customers.view_customer"),
    ),
    Role("marketing", _("Marketing"), Scope.ALL, (*DIRECTORY, "customers.view_customer", "customers.export_customer")),
    Role(
        "executive",
        _("Executive"),
        Scope.ALL,
        (*DIRECTORY, "customers.view_customer", "customers.export_customer", "crm_site.view_sensitive"),
    ),
    Role(
        "admin", _("Administrator"), Scope.ALL, (*MANAGER_WORK, *SETTINGS_WORK, "customers.add_inquiry"), is_staff=True
    ),
    # For the website / call-center tokens: may only post inquiries into the queue.
    Role("integration", _("Integration (API only)"), Scope.OWN, ("customers.add_inquiry",)),
]
ROLES_BY_CODE = {role.code: role for role in ROLES}


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
            group.permissions.add(*permissions_for(role.permissions))
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
