"""Apps extend the roles without editing crm_site: a new role, and more permissions for an existing one."""

import pytest
from django.contrib.auth.models import Group

from crm_site import roles


@pytest.fixture
def restore_roles():
    saved_roles, saved_granted = list(roles.ROLES), {key: list(value) for key, value in roles._GRANTED.items()}
    yield
    roles.ROLES[:] = saved_roles
    roles.ROLES_BY_CODE.clear()
    roles.ROLES_BY_CODE.update({role.code: role for role in saved_roles})
    roles._GRANTED.clear()
    roles._GRANTED.update(saved_granted)


@pytest.mark.django_db
def test_a_granted_permission_and_a_defined_role_reach_the_groups(restore_roles):
    roles.grant("sales_rep", "crm_site.view_audit")
    roles.define(roles.Role("club_desk", "Club desk", roles.Scope.ALL, ("customers.view_customer",)))
    roles.sync_roles(grant_missing=True)
    rep_permissions = set(Group.objects.get(name="sales_rep").permissions.values_list("codename", flat=True))
    assert {"view_audit", "view_customer", "add_deal"} <= rep_permissions
    desk = Group.objects.get(name="club_desk")
    assert list(desk.permissions.values_list("codename", flat=True)) == ["view_customer"]
    assert "crm_site.view_audit" in roles.default_permissions("sales_rep")
