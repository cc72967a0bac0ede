"""My day shows each role the panels that can fill for it: a rep's work panels, a manager's decisions with
their counts, nothing of a rep's for marketing or an executive, and no panel that nothing fills."""

import pytest
from django.contrib.auth.models import Permission

from crm_site import myday
from customers.models import CustomerConflict, Inquiry
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db
REP_PANELS = {"followups", "visits", "lapsing"}


def keys(user) -> set[str]:
    return {entry["panel"].key for entry in myday.panels(user)}


def test_a_rep_gets_the_panels_of_their_daily_work(rep):
    shown = keys(rep)
    assert REP_PANELS <= shown
    assert {"conflicts", "discount_approvals"}.isdisjoint(shown)


@pytest.mark.parametrize("role", ["marketing", "executive"])
def test_marketing_and_executives_get_none_of_a_reps_panels(org, role):
    assert keys(org[role]).isdisjoint(REP_PANELS | {"promises", "reservations_expiring", "inquiries"})


def test_a_panel_nobody_fills_is_not_shown(rep):
    myday.declare("never_filled", "Never", "x", "Nothing", 99)
    try:
        assert "never_filled" not in keys(rep)
    finally:
        myday.PANELS.pop("never_filled")


def test_a_panels_own_rule_can_hide_it(rep, team_lead):
    myday.declare("leads_only", "Leads", "x", "Nothing", 99, visible=lambda user: user.managed_teams.exists())
    myday.register("leads_only", lambda user: [])
    try:
        assert "leads_only" in keys(team_lead) and "leads_only" not in keys(rep)
    finally:
        myday.PANELS.pop("leads_only")


def test_a_manager_sees_open_conflicts_and_unassigned_inquiries_with_counts(client, org, team_lead, rep):
    other = org["other_rep_same_team"]
    for index in range(12):
        customer = CustomerFactory(owner=rep, name=f"Buyer {index}")
        CustomerConflict.objects.create(customer=customer, claimant=other, owner_at_claim=rep, evidence={})
    CustomerConflict.objects.create(
        customer=CustomerFactory(owner=rep), claimant=other, owner_at_claim=rep, status=CustomerConflict.Status.KEPT
    )
    for index in range(3):
        Inquiry.objects.create(name=f"Web lead {index}", phone=f"1390000000{index}")
    client.force_login(team_lead)
    page = client.get("/my-day/").text
    conflicts = page[page.index('data-panel="conflicts"') :]
    conflicts = conflicts[: conflicts.index("</section>")]
    assert 'data-testid="panel-count">12<' in conflicts  # all open ones, though ten are listed
    assert conflicts.count("list-group-item") == myday.MAX_ITEMS
    inquiries = page[page.index('data-panel="inquiries"') :]
    inquiries = inquiries[: inquiries.index("</section>")]
    assert 'data-testid="panel-count">3<' in inquiries and "Unassigned" in inquiries


def test_a_rep_is_not_offered_conflicts_to_decide(client, rep):
    client.force_login(rep)
    assert 'data-panel="conflicts"' not in client.get("/my-day/").text


def test_marketing_gets_its_own_panels_not_a_reps(client, org):
    client.force_login(org["marketing"])
    page = client.get("/my-day/").text
    assert 'data-panel="followups"' not in page and 'data-panel="visits"' not in page
    assert 'data-panel="greetings"' in page  # the club's greetings are marketing's work


def test_a_role_without_panels_is_told_where_its_work_is(client, org):
    # Staff with only the directory (no customer, club or service work) have no panel that could ever fill.
    nobody = UserFactory(username="directory.only")
    nobody.user_permissions.add(*Permission.objects.filter(codename__in=["view_staffprofile", "view_team"]))
    client.force_login(nobody)
    page = client.get("/my-day/").text
    assert 'data-panel="followups"' not in page and 'data-testid="no-panels"' in page
