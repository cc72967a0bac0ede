"""The permission matrix: who sees which customer file and which staff member, on every surface.

Each role of the cast (tests/conftest.py) has its expected visible set of records written out
below; every surface (list page, detail, edit, API, global search, `visible_to`) must agree
with it. Out of scope means 404, never 403 and never data.
"""

import re

import pytest
from django.contrib.auth import get_user_model

from crm_site.models import StaffProfile
from customers.models import Customer
from sales.models import Deal
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, OpportunityFactory

User = get_user_model()

# label -> (owner in the cast, phone, attached to project_a?)
RECORDS = {
    "rep_own": ("rep", "13800135101", False),
    "teammate": ("other_rep_same_team", "13800135202", False),
    "other_team": ("other_rep", "13800135303", False),
    "team_lead_own": ("team_lead", "13800135404", False),
    "project_a": ("other_rep", "13800135505", True),
    # a buyer holding a contract in project_a (the file itself names no project): service staff serve them
    "buyer_in_a": ("other_rep", "13800135606", False),
}
BUYERS_IN_PROJECT_A = {"buyer_in_a"}
ALL_RECORDS = frozenset(RECORDS)
COMMON_FRAGMENT = "00135"  # a part of every phone above

EXPECTED_VISIBLE = {
    # own: only what they own
    "rep": {"rep_own"},
    "other_rep_same_team": {"teammate"},
    "other_rep": {"other_team", "project_a", "buyer_in_a"},
    # subordinates: own + members of the teams they manage, recursively
    "team_lead": {"rep_own", "teammate", "team_lead_own"},
    "south_lead": {"other_team", "project_a", "buyer_in_a"},
    "director": set(ALL_RECORDS),  # manages Sales Department, so North and South below it
    # projects: own + rows attached to their projects + customers holding a contract there (crm_site.scope.relate)
    "service_agent": {"project_a", "buyer_in_a"},
    # served_projects: the projects the members of Customer Service are assigned to (the agent's project_a)
    "service_manager": {"project_a", "buyer_in_a"},
    # all
    "executive": set(ALL_RECORDS),
    "marketing": set(ALL_RECORDS),
    "admin_user": set(ALL_RECORDS),
}
# Roles whose group holds customers.change_customer; the others get 403 on edit before scope.
MAY_EDIT = {"rep", "other_rep_same_team", "other_rep", "team_lead", "south_lead", "director", "admin_user"}
ROLES = sorted(EXPECTED_VISIBLE)
CASES = [(role, record) for role in ROLES for record in sorted(RECORDS)]

CUSTOMER_LINK = re.compile(r'href="/customers/(\d+)/"')
STAFF_LINK = re.compile(r'href="/staff/(\d+)/"')


def fresh(user):
    """The user as a request would load it (the cast's objects may carry a stale `staff` cache)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def records(org, project_a):
    made = {}
    for label, (owner_key, phone, on_project) in RECORDS.items():
        owner = fresh(org[owner_key])
        made[label] = CustomerFactory(
            name=f"Customer {label}",
            phone=phone,
            owner=owner,
            team=owner.staff.team,
            project=project_a if on_project else None,
        )
        if label in BUYERS_IN_PROJECT_A:
            opportunity = OpportunityFactory(customer=made[label], project=project_a)
            DealFactory(opportunity=opportunity, stage=Deal.Stage.CONTRACT, contract_no=f"HT-{label}")
    return made


def main_content(html):
    """The page's <main> (the navbar links to the viewer's own profile on every page)."""
    start = html.find('<main id="main"')
    return html[start : html.find("</main>", start)] if start != -1 else html


def labels_of(ids, records):
    by_id = {customer.pk: label for label, customer in records.items()}
    return {by_id[int(pk)] for pk in ids if int(pk) in by_id}


def test_the_matrix_covers_every_role_of_the_cast(org):
    cast = {key for key, value in org.items() if isinstance(value, User)}
    assert cast == set(EXPECTED_VISIBLE)


@pytest.mark.parametrize("role", ROLES)
def test_visible_to_returns_exactly_the_expected_records(org, records, role):
    visible = set(Customer.objects.visible_to(fresh(org[role])).values_list("pk", flat=True))
    assert labels_of(visible, records) == EXPECTED_VISIBLE[role]
    assert visible <= {customer.pk for customer in records.values()}


@pytest.mark.parametrize("role", ROLES)
def test_customer_list_page_shows_exactly_the_expected_records(client, org, records, role):
    client.force_login(org[role])
    response = client.get("/customers/")
    assert response.status_code == 200
    assert labels_of(CUSTOMER_LINK.findall(response.text), records) == EXPECTED_VISIBLE[role]
    for label, customer in records.items():
        if label not in EXPECTED_VISIBLE[role]:
            assert customer.name not in response.text


@pytest.mark.parametrize("role", ROLES)
def test_customer_list_htmx_partial_shows_exactly_the_expected_records(client, org, records, role):
    client.force_login(org[role])
    response = client.get("/customers/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert labels_of(CUSTOMER_LINK.findall(response.text), records) == EXPECTED_VISIBLE[role]


@pytest.mark.parametrize("role", ROLES)
def test_global_search_by_a_shared_phone_fragment_lists_exactly_the_expected_records(client, org, records, role):
    client.force_login(org[role])
    response = client.get("/search/", {"q": COMMON_FRAGMENT})
    assert response.status_code == 200
    assert labels_of(CUSTOMER_LINK.findall(response.text), records) == EXPECTED_VISIBLE[role]


@pytest.mark.parametrize(("role", "record"), CASES)
def test_customer_detail_is_200_in_scope_and_404_out_of_scope(client, org, records, role, record):
    customer = records[record]
    client.force_login(org[role])
    response = client.get(f"/customers/{customer.pk}/")
    if record in EXPECTED_VISIBLE[role]:
        assert response.status_code == 200
        assert customer.name in response.text
    else:
        assert response.status_code == 404
        assert customer.name not in response.text


@pytest.mark.parametrize(("role", "record"), CASES)
def test_customer_edit_is_403_without_change_permission_else_200_or_404_by_scope(client, org, records, role, record):
    customer = records[record]
    client.force_login(org[role])
    response = client.get(f"/customers/{customer.pk}/edit/")
    if role not in MAY_EDIT:
        assert response.status_code == 403
    elif record in EXPECTED_VISIBLE[role]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
    if response.status_code != 200:
        assert customer.name not in response.text


@pytest.mark.parametrize(("role", "record"), CASES)
def test_api_get_customer_is_200_in_scope_and_404_out_of_scope(client, org, records, role, record):
    customer = records[record]
    client.force_login(org[role])
    response = client.get(f"/api/v1/customers/{customer.pk}/")
    if record in EXPECTED_VISIBLE[role]:
        assert response.status_code == 200
        assert response.json()["id"] == customer.pk
        assert response.json()["name"] == customer.name
    else:
        assert response.status_code == 404
        assert customer.name not in response.content.decode()


@pytest.mark.parametrize(("role", "record"), CASES)
def test_global_search_by_a_unique_phone_fragment_lists_the_record_only_in_scope(client, org, records, role, record):
    customer = records[record]
    client.force_login(org[role])
    response = client.get("/search/", {"q": customer.phone[-4:]})
    assert response.status_code == 200
    listed = f'href="/customers/{customer.pk}/"' in response.text
    assert listed == (record in EXPECTED_VISIBLE[role])
    if not listed:
        assert customer.name not in response.text


def test_api_customer_list_returns_exactly_the_expected_records_for_each_role(client, org, records):
    for role in ROLES:
        client.force_login(org[role])
        response = client.get("/api/v1/customers/")
        assert response.status_code == 200, role
        assert labels_of([item["id"] for item in response.json()["items"]], records) == EXPECTED_VISIBLE[role], role


# Scopes the cast does not use by default: department, department_tree, and an explicit projects scope.


def set_scope(user, scope):
    StaffProfile.objects.filter(user=user).update(scope=scope)
    return fresh(user)


def test_department_scope_sees_members_of_the_own_team_only(org, records):
    rep = set_scope(org["rep"], StaffProfile.Scope.DEPARTMENT)
    visible = set(Customer.objects.visible_to(rep).values_list("pk", flat=True))
    assert labels_of(visible, records) == {"rep_own", "teammate", "team_lead_own"}


def test_department_scope_on_a_department_does_not_reach_teams_below_it(org, records):
    director = set_scope(org["director"], StaffProfile.Scope.DEPARTMENT)
    assert not Customer.objects.visible_to(director).exists()


def test_department_tree_scope_reaches_every_team_below_the_own(org, records):
    director = set_scope(org["director"], StaffProfile.Scope.DEPARTMENT_TREE)
    visible = set(Customer.objects.visible_to(director).values_list("pk", flat=True))
    assert labels_of(visible, records) == set(ALL_RECORDS)


def test_department_tree_scope_of_a_leaf_team_equals_its_members(org, records):
    other_rep = set_scope(org["other_rep"], StaffProfile.Scope.DEPARTMENT_TREE)
    visible = set(Customer.objects.visible_to(other_rep).values_list("pk", flat=True))
    assert labels_of(visible, records) == {"other_team", "project_a", "buyer_in_a"}  # other_rep owns all three


def test_department_scope_applies_to_the_pages_too(client, org, records):
    set_scope(org["rep"], StaffProfile.Scope.DEPARTMENT)
    client.force_login(org["rep"])
    listed = labels_of(CUSTOMER_LINK.findall(client.get("/customers/").text), records)
    assert listed == {"rep_own", "teammate", "team_lead_own"}
    assert client.get(f"/customers/{records['teammate'].pk}/").status_code == 200
    assert client.get(f"/customers/{records['other_team'].pk}/").status_code == 404


def test_projects_scope_without_projects_sees_only_own_records(org, records, project_a):
    agent = fresh(org["service_agent"])
    agent.staff.projects.remove(project_a)
    assert not Customer.objects.visible_to(fresh(agent)).exists()


def test_projects_scope_includes_records_the_agent_owns(org, records):
    agent = fresh(org["service_agent"])
    own = CustomerFactory(name="Agent's own", phone="13800136606", owner=agent, team=agent.staff.team)
    visible = set(Customer.objects.visible_to(agent).values_list("pk", flat=True))
    assert visible == {records["project_a"].pk, records["buyer_in_a"].pk, own.pk}


def test_inactive_user_sees_no_customers(org, records):
    director = fresh(org["director"])
    director.is_active = False
    director.save(update_fields=["is_active"])
    assert not Customer.objects.visible_to(fresh(director)).exists()


def test_inactive_user_with_scope_all_sees_no_customers(org, records):
    executive = fresh(org["executive"])
    executive.is_active = False
    executive.save(update_fields=["is_active"])
    assert not Customer.objects.visible_to(fresh(executive)).exists()


def test_inactive_user_is_not_served_the_customer_pages(client, org, records):
    client.force_login(org["executive"])
    User.objects.filter(pk=org["executive"].pk).update(is_active=False)
    response = client.get(f"/customers/{records['rep_own'].pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get(f"/api/v1/customers/{records['rep_own'].pk}/").status_code == 401


def test_anonymous_visitor_sees_no_customers(records):
    from django.contrib.auth.models import AnonymousUser

    assert not Customer.objects.visible_to(AnonymousUser()).exists()


# The staff directory follows the same scope.

STAFF_VISIBLE = {
    "rep": {"rep"},
    "team_lead": {"team_lead", "rep", "other_rep_same_team"},
    "director": {"director", "team_lead", "south_lead", "rep", "other_rep_same_team", "other_rep"},
    "executive": {
        "director",
        "team_lead",
        "south_lead",
        "service_manager",
        "rep",
        "other_rep_same_team",
        "other_rep",
        "service_agent",
        "executive",
        "marketing",
        "admin_user",
    },
}
TEAMS_VISIBLE = {
    "rep": {"north"},
    "team_lead": {"north"},
    "director": {"department", "north", "south"},
    "executive": {"department", "north", "south", "service"},
}
PEOPLE = sorted(STAFF_VISIBLE["executive"])
TEAMS = ["department", "north", "south", "service"]


def people_of(ids, org):
    by_id = {org[key].pk: key for key in PEOPLE}
    return {by_id[int(pk)] for pk in ids if int(pk) in by_id}


@pytest.mark.parametrize("role", sorted(STAFF_VISIBLE))
def test_staff_list_shows_exactly_the_staff_in_scope(client, org, role):
    client.force_login(org[role])
    response = client.get("/staff/")
    assert response.status_code == 200
    assert people_of(STAFF_LINK.findall(main_content(response.text)), org) == STAFF_VISIBLE[role]


@pytest.mark.parametrize("role", sorted(STAFF_VISIBLE))
def test_staff_list_htmx_partial_shows_exactly_the_staff_in_scope(client, org, role):
    client.force_login(org[role])
    response = client.get("/staff/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert people_of(STAFF_LINK.findall(response.text), org) == STAFF_VISIBLE[role]


@pytest.mark.parametrize(("role", "person"), [(role, person) for role in sorted(STAFF_VISIBLE) for person in PEOPLE])
def test_staff_detail_is_200_in_scope_and_404_out_of_scope(client, org, role, person):
    client.force_login(org[role])
    target = org[person]
    response = client.get(f"/staff/{target.pk}/")
    if person in STAFF_VISIBLE[role]:
        assert response.status_code == 200
        assert target.username in response.text
    else:
        assert response.status_code == 404
        assert f'<dd class="col-7">{target.username}</dd>' not in response.text


@pytest.mark.parametrize(("role", "team"), [(role, team) for role in sorted(TEAMS_VISIBLE) for team in TEAMS])
def test_team_detail_is_200_in_scope_and_404_out_of_scope(client, org, role, team):
    client.force_login(org[role])
    response = client.get(f"/staff/teams/{org[team].pk}/")
    if team in TEAMS_VISIBLE[role]:
        assert response.status_code == 200
        assert org[team].name in response.text
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", sorted(STAFF_VISIBLE))
def test_team_detail_lists_only_members_in_scope(client, org, role):
    client.force_login(org[role])
    response = client.get(f"/staff/teams/{org['north'].pk}/")
    if "north" not in TEAMS_VISIBLE[role]:
        assert response.status_code == 404
        return
    north_members = {"team_lead", "rep", "other_rep_same_team"}
    assert people_of(STAFF_LINK.findall(main_content(response.text)), org) == north_members & STAFF_VISIBLE[role]


def test_staff_out_of_scope_id_gives_the_same_404_as_a_missing_id(client, org):
    client.force_login(org["rep"])
    hidden = client.get(f"/staff/{org['other_rep'].pk}/")
    missing = client.get("/staff/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert org["other_rep"].username not in hidden.text


def test_customer_out_of_scope_id_gives_the_same_404_as_a_missing_id(client, org, records):
    client.force_login(org["rep"])
    hidden = client.get(f"/customers/{records['other_team'].pk}/")
    missing = client.get("/customers/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert main_content(hidden.text) == main_content(missing.text)


def test_staff_visible_to_matches_the_directory_table(org):
    for role, expected in STAFF_VISIBLE.items():
        visible = set(StaffProfile.objects.visible_to(fresh(org[role])).values_list("user_id", flat=True))
        assert people_of(visible, org) == expected, role
