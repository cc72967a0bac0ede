"""Sales targets: attainment computed from contracts (exact amounts and percents), team subtrees, the month
grid (uniqueness as a form error), the report, the my-day panel and the API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from crm_site.models import ApiToken
from sales.models import Deal, SalesTarget
from sales.selectors import quotas as selectors
from sales.services import quotas as services
from tests.factories import CustomerFactory, UserFactory
from tests.sales.factories import DealFactory, OpportunityFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/promises/targets/"
MONTH = datetime.date(2026, 3, 1)
Level = SalesTarget.Level


@pytest.fixture
def director(org):
    return org["director"]


@pytest.fixture
def rep2(org):
    return org["other_rep_same_team"]


def contract(owner, project, price, signed_on, **kwargs) -> Deal:
    opportunity = OpportunityFactory(customer=CustomerFactory(owner=owner), project=project)
    return DealFactory(
        opportunity=opportunity, stage=Deal.Stage.CONTRACT, price=Decimal(price), signed_on=signed_on, **kwargs
    )


def target(level, subject, amount, units=0, stretch_amount=0, stretch_units=0, month=MONTH, by=None) -> SalesTarget:
    field = {Level.REP: "staff", Level.TEAM: "team", Level.PROJECT: "project"}[level]
    return SalesTarget.objects.create(
        month=month,
        level=level,
        amount=Decimal(amount),
        units=units,
        stretch_amount=Decimal(stretch_amount),
        stretch_units=stretch_units,
        set_by=by or subject if level == Level.REP else by,
        **{field: subject},
    )


@pytest.fixture
def known_data(org, rep, rep2, other_rep, project_a, project_b, director):
    """March 2026: rep signs 1,200,000 + 1,800,000; rep2 2,000,000; other_rep 1,000,000 (project_b).
    Excluded: a cancelled contract, a subscription, a contract signed in April."""
    contract(rep, project_a, "1200000.00", datetime.date(2026, 3, 2))
    contract(rep, project_a, "1800000.00", datetime.date(2026, 3, 31))
    contract(rep2, project_a, "2000000.00", datetime.date(2026, 3, 15))
    contract(other_rep, project_b, "1000000.00", datetime.date(2026, 3, 10))
    contract(rep, project_a, "9000000.00", datetime.date(2026, 3, 12), state=Deal.State.CANCELLED)
    contract(rep, project_a, "7000000.00", datetime.date(2026, 4, 1))
    DealFactory(
        opportunity=OpportunityFactory(customer=CustomerFactory(owner=rep), project=project_a),
        stage=Deal.Stage.SUBSCRIPTION,
        price=Decimal("5000000"),
        subscribed_on=datetime.date(2026, 3, 5),
    )
    target(Level.REP, rep, "4000000", units=4, stretch_amount="6000000", stretch_units=5, by=director)
    target(Level.TEAM, org["north"], "4000000", units=2, stretch_amount="8000000", by=director)
    target(Level.TEAM, org["department"], "10000000", units=10, by=director)
    target(Level.PROJECT, project_a, "3000000", units=3, by=director)


def test_rep_attainment_counts_only_this_months_live_contracts(known_data, rep, rep2):
    rows = selectors.attainment(month=MONTH, level=Level.REP, subjects=[rep, rep2])
    mine, theirs = rows
    assert mine.amount == Decimal("3000000.00") and mine.units == 2
    assert mine.amount_pct == Decimal("75.0")
    assert mine.stretch_pct == Decimal("50.0")
    assert mine.units_pct == Decimal("50.0") and mine.stretch_units_pct == Decimal("40.0")
    assert theirs.amount == Decimal("2000000.00") and theirs.units == 1
    assert theirs.target is None and theirs.amount_pct is None


def test_team_attainment_covers_the_teams_subtree(known_data, org):
    north, department, south = org["north"], org["department"], org["south"]
    rows = {
        row.subject: row
        for row in selectors.attainment(month=MONTH, level=Level.TEAM, subjects=[north, department, south])
    }
    assert rows[north].amount == Decimal("5000000.00") and rows[north].units == 3
    assert rows[north].amount_pct == Decimal("125.0") and rows[north].stretch_pct == Decimal("62.5")
    assert rows[south].amount == Decimal("1000000.00")
    assert rows[department].amount == Decimal("6000000.00") and rows[department].units == 4
    assert rows[department].amount_pct == Decimal("60.0")


def test_project_attainment(known_data, project_a, project_b):
    rows = selectors.attainment(month=MONTH, level=Level.PROJECT, subjects=[project_a, project_b])
    assert (rows[0].amount, rows[0].units, rows[0].amount_pct) == (Decimal("5000000.00"), 3, Decimal("166.7"))
    assert (rows[1].amount, rows[1].units, rows[1].target) == (Decimal("1000000.00"), 1, None)


def test_attainment_is_one_query_for_deals_whatever_the_number_of_reps(
    known_data, rep, rep2, other_rep, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the targets, the contracts
        selectors.attainment(month=MONTH, level=Level.REP, subjects=[rep, rep2, other_rep])


def test_a_second_target_for_the_same_rep_and_month_is_a_clear_error(rep, director):
    services.target_create(month=MONTH, level=Level.REP, subject=rep, by=director, amount=Decimal("100"))
    with pytest.raises(ValidationError, match="already has a target"):
        services.target_create(month=MONTH, level=Level.REP, subject=rep, by=director, amount=Decimal("200"))
    assert SalesTarget.objects.get().amount == Decimal("100")


def test_a_manager_cannot_set_targets_for_reps_outside_their_teams(other_rep, team_lead):
    with pytest.raises(PermissionDenied):
        services.target_create(month=MONTH, level=Level.REP, subject=other_rep, by=team_lead, amount=Decimal("1"))


# --- pages -------------------------------------------------------------------------------------------------


def test_the_grid_sets_targets_for_the_teams_reps(client, team_lead, rep, rep2):
    client.force_login(team_lead)
    url = reverse("sales:target-edit")
    page = client.get(url, {"month": "2026-03", "level": "rep"})
    formset = page.context["formset"]
    assert {form.initial["subject"] for form in formset.forms} == {rep.pk, rep2.pk}
    data = {
        "month": "2026-03",
        "level": "rep",
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "2",
        "targets-0-subject": rep.pk,
        "targets-0-amount": "3000000",
        "targets-0-units": "3",
        "targets-0-stretch_amount": "4000000",
        "targets-0-stretch_units": "4",
        "targets-1-subject": rep2.pk,
        "targets-1-amount": "0",
        "targets-1-units": "0",
        "targets-1-stretch_amount": "0",
        "targets-1-stretch_units": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    saved = SalesTarget.objects.get()
    assert (saved.staff, saved.month, saved.amount, saved.stretch_units) == (rep, MONTH, Decimal("3000000"), 4)
    data["targets-0-amount"] = "3500000"
    client.post(url, data)
    assert SalesTarget.objects.get().amount == Decimal("3500000")


def test_the_grid_refuses_the_same_rep_twice_with_a_form_error(client, team_lead, rep):
    client.force_login(team_lead)
    row = {"amount": "1", "units": "1", "stretch_amount": "1", "stretch_units": "1"}
    data = {"month": "2026-03", "level": "rep", "targets-TOTAL_FORMS": "2", "targets-INITIAL_FORMS": "0"}
    for index in (0, 1):
        data[f"targets-{index}-subject"] = rep.pk
        data.update({f"targets-{index}-{key}": value for key, value in row.items()})
    response = client.post(reverse("sales:target-edit"), data)
    assert response.status_code == 200
    assert "only one target per month" in response.text
    assert not SalesTarget.objects.exists()


def test_the_grid_refuses_a_rep_outside_scope_and_negative_numbers(client, team_lead, other_rep, rep):
    client.force_login(team_lead)
    data = {
        "month": "2026-03",
        "level": "rep",
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-0-subject": other_rep.pk,
        "targets-0-amount": "1",
        "targets-0-units": "1",
        "targets-0-stretch_amount": "1",
        "targets-0-stretch_units": "1",
        "targets-1-subject": rep.pk,
        "targets-1-amount": "-5",
        "targets-1-units": "1",
        "targets-1-stretch_amount": "1",
        "targets-1-stretch_units": "1",
    }
    response = client.post(reverse("sales:target-edit"), data)
    assert response.status_code == 200
    assert "You may not set this target." in response.text
    assert not SalesTarget.objects.exists()


def test_reps_may_view_but_not_edit_targets(client, rep):
    client.force_login(rep)
    assert client.get(reverse("sales:target-list")).status_code == 200
    assert client.get(reverse("sales:target-edit")).status_code == 403


def test_the_target_list_shows_a_rep_only_their_own_row(client, known_data, rep, rep2):
    client.force_login(rep)
    response = client.get(reverse("sales:target-list"), {"month": "2026-03"})
    reps = next(section for section in response.context["sections"] if section["level"] == Level.REP)
    assert [row.subject for row in reps["rows"]] == [rep]
    assert "75.0%" in response.text


def test_the_report_sorts_reps_by_attainment(client, known_data, director, rep, rep2, other_rep):
    target(Level.REP, rep2, "1000000", by=director)  # 200 %
    client.force_login(director)
    response = client.get(reverse("sales:target-report"), {"month": "2026-03"})
    assert [row.subject for row in response.context["reps"]][:2] == [rep2, rep]
    assert {row.subject for row in response.context["reps"]} == {rep, rep2, other_rep}
    assert "200.0%" in response.text and "75.0%" in response.text


def test_the_team_lead_report_covers_only_their_team(client, known_data, team_lead, rep, rep2, org):
    client.force_login(team_lead)
    response = client.get(reverse("sales:target-report"), {"month": "2026-03"})
    assert {row.subject for row in response.context["reps"]} == {rep, rep2}
    assert [row.subject for row in response.context["teams"]] == [org["north"]]


def test_the_report_keeps_its_query_count_as_reps_grow(
    client, known_data, director, org, project_a, django_assert_max_num_queries
):
    client.force_login(director)
    with django_assert_max_num_queries(40) as first:
        client.get(reverse("sales:target-report"), {"month": "2026-03"})
    for index in range(5):
        contract(UserFactory(username=f"extra{index}", role="sales_rep", team=org["north"]), project_a, "10", MONTH)
    client.force_login(type(director).objects.get(pk=director.pk))  # a fresh reach
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("sales:target-report"), {"month": "2026-03"})
    assert len(response.context["reps"]) == 8


def test_my_day_shows_this_months_quota(client, rep, director, project_a):
    today = timezone.localdate()
    contract(rep, project_a, "500000.00", today)
    target(Level.REP, rep, "2000000", units=2, stretch_amount="4000000", month=today.replace(day=1), by=director)
    client.force_login(rep)
    page = client.get("/my-day/").text
    assert "Quota this month" in page
    assert "25.0% of the assessed target of ¥2,000,000" in page
    assert "12.5% of the ideal" in page
    assert "1 of 2 units" in page


def test_a_department_without_its_own_target_adds_up_its_teams(org, director, rep, other_rep, project_a):
    """Sales Department has no target of its own: its target is North's + South's, its attainment every contract."""
    contract(rep, project_a, "1000000.00", datetime.date(2026, 3, 3))
    contract(other_rep, project_a, "500000.00", datetime.date(2026, 3, 4))
    target(Level.TEAM, org["north"], "2000000", units=2, stretch_amount="3000000", by=director)
    target(Level.TEAM, org["south"], "1000000", units=1, stretch_amount="2000000", by=director)
    rows = {
        row.subject: row for row in selectors.attainment(month=MONTH, level=Level.TEAM, subjects=[org["department"]])
    }
    department = rows[org["department"]]
    assert department.rolled_up and department.target.pk is None
    assert (department.target.amount, department.target.units) == (Decimal("3000000"), 3)
    assert department.target.stretch_amount == Decimal("5000000")
    assert department.amount == Decimal("1500000.00") and department.amount_pct == Decimal("50.0")


def test_an_own_department_target_wins_over_the_sum_of_its_teams(known_data, org):
    (row,) = selectors.attainment(month=MONTH, level=Level.TEAM, subjects=[org["department"]])
    assert not row.rolled_up and row.target.amount == Decimal("10000000")


def test_the_report_leaves_out_units_with_neither_target_nor_contracts(
    client, org, director, rep, project_a, project_b
):
    contract(rep, project_a, "1000000.00", datetime.date(2026, 3, 3))
    target(Level.TEAM, org["north"], "2000000", by=director)
    client.force_login(director)
    response = client.get(reverse("sales:target-report"), {"month": "2026-03"})
    teams = [row.subject for row in response.context["teams"]]
    assert teams == [org["department"], org["north"]]  # not South, not Customer Service: nothing to show
    assert [row.subject for row in response.context["projects"]] == [project_a]
    assert 'data-testid="rolled-up"' in response.text  # the department's target is North's, summed


def test_a_team_managers_my_day_shows_the_teams_quota(client, org, director, team_lead, rep, project_a):
    today = timezone.localdate()
    contract(rep, project_a, "500000.00", today)
    target(Level.TEAM, org["north"], "2000000", units=2, month=today.replace(day=1), by=director)
    client.force_login(team_lead)
    panel = panel_html(client.get("/my-day/").text, "quota")
    assert "Team North · ¥500,000 · 1 of 2 units" in panel
    assert "25.0% of the assessed target of ¥2,000,000" in panel
    client.force_login(director)  # the department's target is its teams'
    panel = panel_html(client.get("/my-day/").text, "quota")
    assert "Sales Department · ¥500,000" in panel and "of ¥2,000,000" in panel


def panel_html(page: str, key: str) -> str:
    start = page.index(f'data-panel="{key}"')
    return page[start : page.index("</section>", start)]


# --- API ---------------------------------------------------------------------------------------------------


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


def test_api_lists_targets_with_attainment(client, known_data, rep):
    response = client.get(API, {"month": "2026-03"}, headers=bearer(rep))
    assert response.status_code == 200
    (row,) = response.json()
    assert row["subject_id"] == rep.pk
    assert Decimal(row["contracted_amount"]) == Decimal("3000000.00") and row["contracted_units"] == 2
    assert Decimal(row["amount_pct"]) == Decimal("75.0")


def test_api_creates_updates_and_refuses_duplicates(client, team_lead, rep, other_rep):
    payload = {"month": "2026-03", "level": "rep", "subject_id": rep.pk, "amount": "1000000", "units": 1}
    created = client.post(API, payload, content_type="application/json", headers=bearer(team_lead))
    assert created.status_code == 201, created.content
    duplicate = client.post(API, payload, content_type="application/json", headers=bearer(team_lead))
    assert duplicate.status_code == 422 and "already has a target" in str(duplicate.json())
    outside = client.post(
        API, {**payload, "subject_id": other_rep.pk}, content_type="application/json", headers=bearer(team_lead)
    )
    assert outside.status_code == 403
    bad = client.post(API, {**payload, "month": "March"}, content_type="application/json", headers=bearer(team_lead))
    assert bad.status_code == 422
    pk = created.json()["id"]
    updated = client.put(
        f"{API}{pk}/",
        {"amount": "2000000", "units": 2, "stretch_amount": "3000000", "stretch_units": 3},
        content_type="application/json",
        headers=bearer(team_lead),
    )
    assert updated.status_code == 200 and Decimal(updated.json()["amount"]) == Decimal("2000000")
    assert client.post(API, payload, content_type="application/json", headers=bearer(rep)).status_code == 403
    assert SalesTarget.objects.count() == 1
