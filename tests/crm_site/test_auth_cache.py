"""The authentication backend (crm_site.auth): the permission set is cached per user and forgotten whenever what it
is made of changes; the user comes with its staff profile; the session and the menus are not read again per page."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm_site.auth import CrmModelBackend
from crm_site.navigation import menus_for
from crm_site.roles import assign_role

pytestmark = pytest.mark.django_db
User = get_user_model()
backend = CrmModelBackend()


def fresh(user):
    """The user as the next page loads it (no per-object permission cache)."""
    return backend.get_user(user.pk)


def permission_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if "auth_permission" in query["sql"]]


def test_the_permission_set_is_read_once_then_served_from_the_cache(rep):
    first = fresh(rep)
    with CaptureQueriesContext(connection) as cold:
        assert first.has_perm("customers.view_customer")
    assert len(permission_queries(cold.captured_queries)) == 2  # the user's own and their groups'
    second = fresh(rep)
    with CaptureQueriesContext(connection) as warm:
        assert second.has_perm("customers.view_customer")
        assert not second.has_perm("crm_site.manage_settings")
    assert permission_queries(warm.captured_queries) == []


def test_a_new_group_counts_on_the_next_page(rep):
    assert not fresh(rep).has_perm("crm_site.manage_settings")
    assign_role(rep, "admin")
    assert fresh(rep).has_perm("crm_site.manage_settings")


def test_leaving_a_group_counts_on_the_next_page(rep):
    group = Group.objects.create(name="auditors")
    group.permissions.add(Permission.objects.get(codename="view_audit"))
    group.user_set.add(rep)  # the reverse side: group → users
    assert fresh(rep).has_perm("crm_site.view_audit")
    rep.groups.remove(group)
    assert not fresh(rep).has_perm("crm_site.view_audit")


def test_a_permission_added_to_or_taken_from_a_group_counts_for_its_members(rep):
    group = rep.groups.first()
    permission = Permission.objects.get(codename="view_audit")
    assert not fresh(rep).has_perm("crm_site.view_audit")
    group.permissions.add(permission)
    assert fresh(rep).has_perm("crm_site.view_audit")
    permission.group_set.remove(group)  # the reverse side: permission → groups
    assert not fresh(rep).has_perm("crm_site.view_audit")
    group.permissions.add(permission)
    assert fresh(rep).has_perm("crm_site.view_audit")
    group.permissions.clear()
    assert not fresh(rep).has_perm("customers.view_customer")


def test_direct_permissions_a_deleted_group_and_a_deactivated_user(rep):
    permission = Permission.objects.get(codename="view_audit")
    rep.user_permissions.add(permission)
    assert fresh(rep).has_perm("crm_site.view_audit")
    rep.user_permissions.remove(permission)
    assert not fresh(rep).has_perm("crm_site.view_audit")
    for group in rep.groups.all():
        group.delete()
    assert not fresh(rep).has_perm("customers.view_customer")
    rep.is_active = False
    rep.save()
    assert backend.get_user(rep.pk) is None


def test_the_user_comes_with_the_staff_profile(rep):
    with CaptureQueriesContext(connection) as queries:
        user = backend.get_user(rep.pk)
        profile = user.staff
    assert len(queries.captured_queries) == 1
    assert profile.user_id == rep.pk


def test_a_second_page_reads_neither_the_session_nor_the_permissions(client, rep):
    client.force_login(rep)
    client.get(reverse("customers:customer-list"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("customers:customer-list")).status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [query for query in sql if "django_session" in query]
    assert permission_queries(queries.captured_queries) == []
    assert not [query for query in sql if query.startswith('SELECT "crm_site_staffprofile"')]


def test_menus_follow_the_permission_set(rep, admin_user):
    main, settings_items = menus_for(fresh(rep))
    assert settings_items == []
    assert menus_for(fresh(rep)) is menus_for(fresh(rep))  # worked out once per permission set
    assign_role(rep, "admin")
    _main, settings_items = menus_for(fresh(rep))
    assert [item["url"] for item in settings_items] == [item["url"] for item in menus_for(fresh(admin_user))[1]]
    assert settings_items
