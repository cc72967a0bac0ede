"""Visit planning: the due list from the level policy, planning rules, the week's route, recording and
assessing visits, plan vs done for managers, daily reports, the policy page and the my-day panel."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm_site import myday
from crm_site.models import AuditEntry
from customers.models import Customer, CustomerSettings, DailyReport, Interaction, LevelPolicy, VisitPlan
from customers.selectors import visits as selectors
from customers.services import interaction_log
from customers.services import visits as services
from tests.factories import CustomerFactory, UserFactory

User = get_user_model()

HX = {"HX-Request": "true"}
PLAN_IDS = re.compile(r'data-plan="(\d+)"')
DUE_IDS = re.compile(r'data-customer="(\d+)"')
URL = "/customers/visits/"


def fresh(user):
    return User.objects.get(pk=user.pk)


def today():
    return timezone.localdate()


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


def customer_of(owner, **kwargs):
    owner = fresh(owner)
    return CustomerFactory(owner=owner, team=owner.staff.team, **kwargs)


def contacted(customer, days: int):
    Customer.objects.filter(pk=customer.pk).update(last_contact_at=days_ago(days))
    return customer


def plan_for(staff, customer=None, *, day=None, status=VisitPlan.Status.PLANNED, **kwargs):
    customer = customer or customer_of(staff)
    return VisitPlan.objects.create(staff=staff, customer=customer, planned_for=day or today(), status=status, **kwargs)


def done_plan(staff, **kwargs):
    plan = plan_for(staff, **kwargs)
    services.visit_record(plan=plan, by=staff, summary="Showed the model flat")
    plan.refresh_from_db()
    return plan


def policy_data(**overrides):
    data = {"hold_limit": 500, "inquiry_alert_hours": 2}
    for level, (visit, protection, warn) in {
        "A": (7, 30, 5),
        "B": (14, 45, 7),
        "C": (30, 60, 7),
        "D": (60, 90, 10),
    }.items():
        data.update(
            {f"{level}_visit_every_days": visit, f"{level}_protection_days": protection, f"{level}_warn_days": warn}
        )
    data.update(overrides)
    return data


# Due for a visit: derived from the level policy


def test_due_list_follows_the_level_policy_and_changes_with_it(rep):
    recent_a = contacted(customer_of(rep, level="A", name="Recent A"), 5)
    old_a = contacted(customer_of(rep, level="A", name="Old A"), 9)
    never = customer_of(rep, level="C", name="Never contacted")
    fine_c = contacted(customer_of(rep, level="C", name="Fine C"), 10)

    due = [customer.pk for customer in selectors.due_for_visit(user=rep, today=today())]
    assert due == [old_a.pk, never.pk]  # A every 7 days by default; C every 30; never contacted is due

    LevelPolicy.objects.create(level="A", visit_every_days=3, protection_days=30, warn_days=5)
    due = [customer.pk for customer in selectors.due_for_visit(user=rep, today=today())]
    assert recent_a.pk in due and old_a.pk in due
    assert due.index(old_a.pk) < due.index(recent_a.pk)  # most overdue first
    assert fine_c.pk not in due


def test_due_list_shows_only_own_open_customers_not_yet_planned_and_is_bounded(rep, other_rep):
    contacted(customer_of(other_rep, level="A"), 20)
    lost = contacted(customer_of(rep, level="A", status=Customer.Status.LOST), 20)
    planned = contacted(customer_of(rep, level="A"), 20)
    plan_for(rep, planned, day=today() + datetime.timedelta(days=1))
    for _index in range(4):
        contacted(customer_of(rep, level="B"), 40)

    due = selectors.due_for_visit(user=rep, today=today(), limit=3)
    assert len(due) == 3
    assert all(customer.owner_id == rep.pk for customer in due)
    assert lost.pk not in {customer.pk for customer in due}
    assert planned.pk not in {customer.pk for customer in selectors.due_for_visit(user=rep, today=today())}


def test_week_page_lists_due_customers_with_a_plan_button(client, rep):
    due = contacted(customer_of(rep, level="A", name="Overdue Wang"), 12)
    client.force_login(rep)
    response = client.get(URL)
    assert response.status_code == 200
    assert [int(pk) for pk in DUE_IDS.findall(response.text)] == [due.pk]
    assert "Plan for" in response.text


# Planning


def test_rep_plans_a_visit_for_one_of_their_customers(client, rep):
    customer = customer_of(rep)
    day = today() + datetime.timedelta(days=2)
    client.force_login(rep)
    response = client.post(f"{URL}new/", {"customer": customer.pk, "day": day.isoformat(), "purpose": "Bring brochure"})
    assert response.status_code == 302
    plan = VisitPlan.objects.get()
    assert (plan.staff, plan.customer, plan.planned_for, plan.purpose) == (rep, customer, day, "Bring brochure")
    assert plan.status == VisitPlan.Status.PLANNED


def test_planning_the_same_customer_twice_the_same_day_is_refused_with_a_message(client, rep):
    customer = customer_of(rep, name="Li Na")
    plan_for(rep, customer)
    client.force_login(rep)
    response = client.post(f"{URL}new/", {"customer": customer.pk, "day": today().isoformat()})
    assert response.status_code == 200
    assert "already planned" in response.text
    assert VisitPlan.objects.count() == 1


def test_a_cancelled_visit_does_not_block_planning_again(rep):
    customer = customer_of(rep)
    plan_for(rep, customer, status=VisitPlan.Status.CANCELLED)
    services.visit_plan_create(customer=customer, day=today(), purpose="", by=rep)
    assert VisitPlan.objects.filter(status=VisitPlan.Status.PLANNED).count() == 1


def test_a_visit_cannot_be_planned_in_the_past(client, rep):
    customer = customer_of(rep)
    client.force_login(rep)
    yesterday = today() - datetime.timedelta(days=1)
    response = client.post(f"{URL}new/", {"customer": customer.pk, "day": yesterday.isoformat()})
    assert response.status_code == 200
    assert "cannot be planned in the past" in response.text
    assert not VisitPlan.objects.exists()


def test_the_plan_form_offers_only_the_reps_own_customers(client, rep, other_rep):
    mine = customer_of(rep, name="Mine Zhang")
    theirs = customer_of(other_rep, name="Theirs Zhao")
    client.force_login(rep)
    page = client.get(URL).text
    assert f'value="{mine.pk}"' in page and "Theirs Zhao" not in page
    response = client.post(f"{URL}new/", {"customer": theirs.pk, "day": today().isoformat()})
    assert response.status_code == 200
    assert not VisitPlan.objects.exists()


def test_past_the_select_limit_the_customer_is_found_by_name_or_phone(client, rep, monkeypatch):
    monkeypatch.setattr(selectors, "SELECT_LIMIT", 1)
    customer = customer_of(rep, name="Gao Yuan", phone="13711112222")
    customer_of(rep, name="Gao Min")
    client.force_login(rep)
    page = client.get(URL).text
    assert '<select name="customer"' not in page and 'name="customer"' in page

    response = client.post(f"{URL}new/", {"customer": "Gao", "day": today().isoformat()})
    assert "Several customers match" in response.text
    response = client.post(f"{URL}new/", {"customer": "Nobody Here", "day": today().isoformat()})
    assert "None of your customers" in response.text
    assert not VisitPlan.objects.exists()

    response = client.post(f"{URL}new/", {"customer": "13711112222", "day": today().isoformat()})
    assert response.status_code == 302
    assert VisitPlan.objects.get().customer == customer


def test_one_click_plan_from_the_due_list_swaps_the_row_and_refreshes_the_week(client, rep):
    customer = contacted(customer_of(rep, level="A"), 12)
    client.force_login(rep)
    monday = selectors.week_of(today())
    response = client.post(
        f"{URL}new/",
        {"quick": "1", "customer": customer.pk, "day": today().isoformat(), "week": monday.isoformat()},
        headers=HX,
    )
    assert response.status_code == 200
    assert 'data-testid="planned"' in response.text
    assert 'id="week-days" hx-swap-oob="true"' in response.text
    assert "<html" not in response.text
    plan = VisitPlan.objects.get()
    assert f'data-plan="{plan.pk}"' in response.text

    again = client.post(f"{URL}new/", {"quick": "1", "customer": customer.pk, "day": today().isoformat()}, headers=HX)
    assert "already planned" in again.text
    assert VisitPlan.objects.count() == 1


def test_one_click_plan_of_another_reps_customer_is_not_found(client, rep, other_rep):
    theirs = customer_of(other_rep)
    client.force_login(rep)
    response = client.post(f"{URL}new/", {"quick": "1", "customer": theirs.pk, "day": today().isoformat()})
    assert response.status_code == 404
    assert not VisitPlan.objects.exists()


def test_the_plan_form_over_htmx_answers_the_week_partial(client, rep):
    customer = customer_of(rep)
    client.force_login(rep)
    response = client.post(f"{URL}new/", {"customer": customer.pk, "day": today().isoformat()}, headers=HX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'data-testid="plan-form"' in response.text
    assert f'data-plan="{VisitPlan.objects.get().pk}"' in response.text


# The week and its route


def test_the_week_lists_each_days_visits_ordered_by_district_then_name(client, rep):
    day = today()
    xuhui = plan_for(rep, customer_of(rep, district="Xuhui", name="Ai"), day=day)
    no_district = plan_for(rep, customer_of(rep, district="", name="Bo"), day=day)
    pudong_b = plan_for(rep, customer_of(rep, district="Pudong", name="Bei"), day=day)
    baoshan = plan_for(rep, customer_of(rep, district="Baoshan", name="Zhu"), day=day)
    pudong_a = plan_for(rep, customer_of(rep, district="Pudong", name="An"), day=day)
    cancelled = plan_for(
        rep, customer_of(rep, district="Anting", name="Ca"), day=day, status=VisitPlan.Status.CANCELLED
    )
    client.force_login(rep)
    response = client.get(f"{URL}?day={day.isoformat()}")
    shown = [int(pk) for pk in PLAN_IDS.findall(response.text)]
    assert shown == [baoshan.pk, pudong_a.pk, pudong_b.pk, xuhui.pk, no_district.pk, cancelled.pk]


def test_the_week_view_shows_only_the_chosen_week(client, rep):
    this_week = plan_for(rep, day=today())
    next_week = plan_for(rep, day=today() + datetime.timedelta(days=7))
    client.force_login(rep)
    shown = {int(pk) for pk in PLAN_IDS.findall(client.get(URL).text)}
    assert shown == {this_week.pk}
    year, week, _day = (today() + datetime.timedelta(days=7)).isocalendar()
    shown = {int(pk) for pk in PLAN_IDS.findall(client.get(f"{URL}?week={year}-W{week:02d}").text)}
    assert shown == {next_week.pk}


def test_a_rep_sees_only_their_own_plans(client, rep, org):
    mine = plan_for(rep)
    plan_for(org["other_rep_same_team"])
    client.force_login(rep)
    assert {int(pk) for pk in PLAN_IDS.findall(client.get(URL).text)} == {mine.pk}


def test_a_manager_opens_a_reps_week_but_not_one_outside_their_teams(client, rep, other_rep, team_lead):
    plan = plan_for(rep)
    client.force_login(team_lead)
    response = client.get(f"{URL}?staff={rep.pk}")
    assert response.status_code == 200
    assert f'data-plan="{plan.pk}"' in response.text
    assert 'data-testid="record-form"' not in response.text  # only the rep records their visit
    assert client.get(f"{URL}?staff={other_rep.pk}").status_code == 404


def test_a_rep_cannot_open_another_reps_week(client, rep, other_rep):
    client.force_login(rep)
    assert client.get(f"{URL}?staff={other_rep.pk}").status_code == 404


def test_the_week_reads_a_fixed_number_of_queries_whatever_the_number_of_plans(
    client, rep, django_assert_max_num_queries
):
    def add_plans(count):
        for _index in range(count):
            plan = plan_for(rep, customer_of(rep, level="A"))
            if plan.pk % 2:
                services.visit_record(plan=plan, by=rep, summary="Met")
            contacted(customer_of(rep, level="A"), 20)  # and one more due for a visit

    client.force_login(rep)
    add_plans(2)
    client.get(URL)  # the session's first save is not the page's cost
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    add_plans(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert len(PLAN_IDS.findall(response.text)) == 14


def test_the_week_over_htmx_answers_the_partial(client, rep):
    plan = plan_for(rep)
    client.force_login(rep)
    response = client.get(URL, headers=HX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert f'data-plan="{plan.pk}"' in response.text


# Recording, cancelling, missing


def test_recording_a_visit_logs_an_interaction_marks_the_plan_done_and_updates_last_contact(client, rep):
    plan = plan_for(rep)
    client.force_login(rep)
    due = today() + datetime.timedelta(days=3)
    response = client.post(
        f"{URL}{plan.pk}/record/",
        {"summary": "Visited at home", "outcome": "Wants 3 rooms", "next_step": "Send prices", "next_due": due},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    interaction = Interaction.objects.get()
    assert plan.status == VisitPlan.Status.DONE
    assert plan.interaction == interaction
    assert (interaction.channel, interaction.staff, interaction.customer) == ("visit", rep, plan.customer)
    assert (interaction.outcome, interaction.next_step, interaction.next_due) == ("Wants 3 rooms", "Send prices", due)
    customer = Customer.objects.get(pk=plan.customer_id)
    assert customer.last_contact_at == interaction.occurred_at


def test_recording_over_htmx_answers_the_plan_card(client, rep):
    plan = plan_for(rep)
    client.force_login(rep)
    response = client.post(f"{URL}{plan.pk}/record/", {"summary": "Met"}, headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<li")
    assert 'data-status="done"' in response.text and "Visit recorded." in response.text
    assert 'id="week-totals" data-testid="week-totals" hx-swap-oob="true"' in response.text  # the week's counts follow


def test_recording_without_a_summary_changes_nothing_and_says_why(client, rep):
    plan = plan_for(rep)
    client.force_login(rep)
    response = client.post(f"{URL}{plan.pk}/record/", {"summary": "", "next_step": "Call"}, headers=HX)
    assert response.status_code == 200
    assert 'data-status="planned"' in response.text
    assert "This field is required." in response.text
    assert not Interaction.objects.exists()
    plan.refresh_from_db()
    assert plan.status == VisitPlan.Status.PLANNED


def test_a_done_visit_cannot_be_recorded_twice(client, rep):
    plan = done_plan(rep)
    client.force_login(rep)
    response = client.post(f"{URL}{plan.pk}/record/", {"summary": "Again"}, headers=HX)
    assert "already done" in response.text
    assert Interaction.objects.count() == 1


def test_a_rep_cannot_record_cancel_or_see_another_reps_plan(client, rep, other_rep):
    plan = plan_for(other_rep)
    client.force_login(rep)
    for action in ("record", "cancel", "missed"):
        assert client.post(f"{URL}{plan.pk}/{action}/", {"summary": "x"}).status_code == 404
    plan.refresh_from_db()
    assert plan.status == VisitPlan.Status.PLANNED
    assert not Interaction.objects.exists()


def test_cancel_and_missed(client, rep):
    tomorrow = plan_for(rep, day=today() + datetime.timedelta(days=1))
    now = plan_for(rep)
    client.force_login(rep)
    response = client.post(f"{URL}{tomorrow.pk}/missed/", headers=HX)
    assert "cannot be missed yet" in response.text
    client.post(f"{URL}{tomorrow.pk}/cancel/", headers=HX)
    client.post(f"{URL}{now.pk}/missed/", headers=HX)
    tomorrow.refresh_from_db()
    now.refresh_from_db()
    assert (tomorrow.status, now.status) == (VisitPlan.Status.CANCELLED, VisitPlan.Status.MISSED)
    response = client.post(f"{URL}{now.pk}/cancel/", headers=HX)
    assert "already missed" in response.text


# Assessment


def test_a_manager_assesses_a_done_visit_and_it_is_audited(client, rep, team_lead):
    plan = done_plan(rep)
    client.force_login(team_lead)
    response = client.post(f"{URL}{plan.pk}/assess/", {"score": "4", "comment": "Good preparation"}, headers=HX)
    assert response.status_code == 200
    assert 'data-testid="assessment"' in response.text
    plan.refresh_from_db()
    assert (plan.score, plan.assessment, plan.assessed_by) == (4, "Good preparation", team_lead)
    assert plan.assessed_at is not None
    entry = AuditEntry.objects.get(model="customers.visitplan", object_id=str(plan.pk))
    assert entry.actor == team_lead
    assert entry.changes["score"] == [None, 4]


def test_a_planned_visit_cannot_be_assessed(client, rep, team_lead):
    plan = plan_for(rep)
    client.force_login(team_lead)
    response = client.post(f"{URL}{plan.pk}/assess/", {"score": "4"}, headers=HX)
    assert "Only a visit that took place can be assessed." in response.text
    plan.refresh_from_db()
    assert plan.score is None
    assert not AuditEntry.objects.filter(model="customers.visitplan").exists()


@pytest.mark.parametrize("score", ["0", "6", "abc", ""])
def test_an_out_of_range_score_is_refused(client, rep, team_lead, score):
    plan = done_plan(rep)
    client.force_login(team_lead)
    response = client.post(f"{URL}{plan.pk}/assess/", {"score": score}, headers=HX)
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.score is None


def test_a_rep_cannot_assess(client, rep, org):
    plan = done_plan(org["other_rep_same_team"])
    client.force_login(rep)
    assert client.post(f"{URL}{plan.pk}/assess/", {"score": "5"}).status_code == 403
    plan.refresh_from_db()
    assert plan.score is None


def test_a_manager_cannot_assess_visits_outside_their_teams(client, rep, org):
    plan = done_plan(rep)
    client.force_login(org["south_lead"])
    assert client.post(f"{URL}{plan.pk}/assess/", {"score": "5"}).status_code == 404


def test_nobody_assesses_their_own_visit(team_lead):
    plan = done_plan(team_lead)
    with pytest.raises(services.ValidationError):
        services.visit_assess(plan=plan, score=5, comment="", by=team_lead)


# Plan vs done for the team


def test_team_page_counts_plan_vs_done_per_rep(client, rep, org, team_lead):
    rep2 = org["other_rep_same_team"]
    monday = selectors.week_of(today())
    done_plan(rep)
    plan_for(rep, day=monday, status=VisitPlan.Status.MISSED)
    plan_for(rep, day=monday + datetime.timedelta(days=6))
    plan_for(rep, day=monday, status=VisitPlan.Status.CANCELLED)
    plan_for(rep, day=monday - datetime.timedelta(days=1), status=VisitPlan.Status.DONE)  # last week
    assessed = done_plan(rep2)
    services.visit_assess(plan=assessed, score=3, comment="", by=team_lead)
    plan_for(org["other_rep"], status=VisitPlan.Status.DONE)  # Team South: not the lead's

    rows = {row.pk: row for row in selectors.team_plan_vs_done(user=team_lead, monday=monday)}
    assert set(rows) == {rep.pk, rep2.pk}
    assert (rows[rep.pk].planned, rows[rep.pk].done, rows[rep.pk].missed, rows[rep.pk].open) == (3, 1, 1, 1)
    assert rows[rep.pk].rate == 33
    assert (rows[rep2.pk].planned, rows[rep2.pk].done, rows[rep2.pk].rate, rows[rep2.pk].avg_score) == (1, 1, 100, 3)

    client.force_login(team_lead)
    response = client.get("/customers/visits/team/")
    assert response.status_code == 200
    year, week, _day = monday.isocalendar()
    assert f'href="/customers/visits/?week={year}-W{week:02d}&amp;staff={rep.pk}"' in response.text


def test_team_page_reads_a_fixed_number_of_queries_whatever_the_team_size(
    client, org, team_lead, django_assert_max_num_queries
):
    def add_reps(start, count):
        for index in range(start, start + count):
            member = UserFactory(username=f"member{index}", role="sales_rep", team=org["north"])
            done_plan(member)
            plan_for(member)

    client.force_login(team_lead)
    add_reps(0, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/customers/visits/team/").status_code == 200
    add_reps(2, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/customers/visits/team/")
    assert response.text.count("data-rep=") == 12  # rep, rep2 and ten new members


def test_a_rep_cannot_open_the_team_pages(client, rep):
    client.force_login(rep)
    assert client.get("/customers/visits/team/").status_code == 403
    assert client.get("/customers/visits/reports/team/").status_code == 403


# Daily report


def test_daily_report_counts_the_days_facts(rep):
    day = today()
    visited = done_plan(rep)
    plan_for(rep, status=VisitPlan.Status.MISSED)
    plan_for(rep, status=VisitPlan.Status.CANCELLED)
    called = customer_of(rep)
    Interaction.objects.create(
        customer=called, staff=rep, occurred_at=days_ago(2), summary="Earlier call", next_step="Call back", next_due=day
    )
    interaction_log(customer=called, by=rep, channel="phone", summary="Called back")
    interaction_log(customer=called, by=rep, channel="message", summary="Sent the floor plan")
    customer_of(rep)  # created today, never contacted

    facts = selectors.report_facts(staff=rep, day=day)
    assert (facts.visits_planned, facts.visits_done, facts.visits_missed) == (2, 1, 1)
    assert (facts.visit_contacts, facts.calls, facts.other_contacts) == (1, 1, 1)
    assert facts.new_customers == Customer.objects.filter(owner=rep).count() == 5
    assert (facts.followups_due, facts.followups_done) == (1, 1)
    assert visited.interaction_id is not None

    yesterday = selectors.report_facts(staff=rep, day=day - datetime.timedelta(days=1))
    assert (yesterday.visits_planned, yesterday.calls, yesterday.new_customers) == (0, 0, 0)


def test_the_rep_files_one_report_per_day_and_a_second_save_updates_it(client, rep):
    client.force_login(rep)
    page = client.get("/customers/visits/reports/")
    assert page.status_code == 200 and 'data-testid="not-filed"' in page.text
    assert not DailyReport.objects.exists()  # reading does not file

    response = client.post("/customers/visits/reports/", {"day": today().isoformat(), "comment": "Two visits"})
    assert response.status_code == 302
    response = client.post("/customers/visits/reports/", {"day": today().isoformat(), "comment": "Three visits"})
    report = DailyReport.objects.get()
    assert (report.staff, report.day, report.comment) == (rep, today(), "Three visits")
    assert "Three visits" in client.get("/customers/visits/reports/").text


def test_a_report_cannot_be_filed_for_tomorrow(rep):
    with pytest.raises(services.ValidationError):
        services.dailyreport_save(staff=rep, day=today() + datetime.timedelta(days=1), comment="", by=rep)


def test_a_manager_reads_a_reps_report_but_cannot_write_it(client, rep, other_rep, team_lead):
    DailyReport.objects.create(staff=rep, day=today(), comment="Busy day")
    client.force_login(team_lead)
    response = client.get(f"/customers/visits/reports/?staff={rep.pk}")
    assert response.status_code == 200
    assert "Busy day" in response.text and 'data-testid="report-form"' not in response.text
    post = client.post(f"/customers/visits/reports/?staff={rep.pk}", {"comment": "Overwritten"})
    assert post.status_code == 403
    assert DailyReport.objects.get().comment == "Busy day"
    assert client.get(f"/customers/visits/reports/?staff={other_rep.pk}").status_code == 404


def test_the_report_list_shows_who_has_not_filed(client, rep, org, team_lead):
    DailyReport.objects.create(staff=rep, day=today(), comment="Done")
    client.force_login(team_lead)
    response = client.get("/customers/visits/reports/team/")
    assert response.status_code == 200
    assert "1 of 2 filed" in response.text
    missing_row = response.text.split(f'data-rep="{org["other_rep_same_team"].pk}"')[1].split("</tr>")[0]
    assert 'data-testid="missing"' in missing_row


# Level policy and customer settings


def test_an_admin_edits_the_level_policy_and_settings_and_it_is_audited(client, admin_user, rep):
    client.force_login(admin_user)
    assert client.get("/customers/visits/rules/").status_code == 200
    response = client.post("/customers/visits/rules/", policy_data(A_visit_every_days=3, A_warn_days=4, hold_limit=300))
    assert response.status_code == 302
    assert LevelPolicy.objects.count() == 4  # missing rows created from the defaults
    a_level = LevelPolicy.objects.get(level="A")
    assert (a_level.visit_every_days, a_level.protection_days, a_level.warn_days) == (3, 30, 4)
    assert CustomerSettings.current().hold_limit == 300
    assert AuditEntry.objects.filter(model="customers.levelpolicy", actor=admin_user).count() == 4
    assert AuditEntry.objects.filter(model="customers.customersettings").exists()

    client.post("/customers/visits/rules/", policy_data(A_visit_every_days=5, A_warn_days=4, hold_limit=300))
    entry = AuditEntry.objects.filter(model="customers.levelpolicy", object_id=str(a_level.pk)).first()
    assert entry.changes == {"visit_every_days": [3, 5]}

    contacted(customer_of(rep, level="A"), 4)
    assert selectors.due_for_visit(user=rep, today=today()) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"B_visit_every_days": 0},
        {"hold_limit": 0},
        {"C_warn_days": 60},  # equal to the protection period
        {"D_warn_days": 120},
        {"A_protection_days": "many"},
        {"inquiry_alert_hours": -1},
    ],
)
def test_invalid_policy_values_are_refused_and_nothing_changes(client, admin_user, overrides):
    client.force_login(admin_user)
    response = client.post("/customers/visits/rules/", policy_data(**overrides))
    assert response.status_code == 200
    assert "is-invalid" in response.text
    assert not LevelPolicy.objects.exists()
    assert not CustomerSettings.objects.exists()
    assert not AuditEntry.objects.filter(model__in=["customers.levelpolicy", "customers.customersettings"]).exists()


def test_the_service_rejects_a_warning_after_the_protection_period(admin_user):
    levels = {level: {"visit_every_days": 7, "protection_days": 10, "warn_days": 5} for level in "ABCD"}
    levels["A"]["warn_days"] = 10
    with pytest.raises(services.ValidationError):
        services.policy_save(levels=levels, settings={"hold_limit": 5, "inquiry_alert_hours": 1}, by=admin_user)
    assert not LevelPolicy.objects.exists()


def test_a_rep_or_manager_cannot_edit_the_policy(client, rep, team_lead):
    for user in (rep, team_lead):
        client.force_login(user)
        assert client.get("/customers/visits/rules/").status_code == 403
        assert client.post("/customers/visits/rules/", policy_data()).status_code == 403
    assert not LevelPolicy.objects.exists()


# My day


def test_my_day_lists_todays_planned_visits_in_district_order(client, rep, org):
    # Names with a space: a two-letter name ("Xu") also turned up inside the random CSRF token near the top of the page.
    late = plan_for(rep, customer_of(rep, district="Xuhui", name="Xu Visit"), purpose="Sign")
    early = plan_for(rep, customer_of(rep, district="Baoshan", name="Bao Visit"))
    plan_for(rep, customer_of(rep, district="Anting", name="Done"), status=VisitPlan.Status.DONE)
    plan_for(rep, customer_of(rep, district="Anting", name="Tomorrow"), day=today() + datetime.timedelta(days=1))
    plan_for(org["other_rep_same_team"], customer_of(org["other_rep_same_team"], district="Anting", name="Other"))

    panel = next(entry for entry in myday.panels(rep) if entry["panel"].key == "visits")
    assert [item.title for item in panel["items"]] == [early.customer.name, late.customer.name]
    assert panel["items"][1].detail == "Xuhui · Sign"
    assert panel["items"][0].url == f"/customers/visits/?day={today().isoformat()}"

    client.force_login(rep)
    page = client.get("/").text
    assert page.index(early.customer.name) < page.index(late.customer.name)


# Bad input never answers 500


@pytest.mark.parametrize(
    "query",
    [
        "week=2026-W99",
        "week=garbage",
        "week=0000-W01",
        "day=2026-02-30",
        "day=x",
        "day=%C2%B2",
        "staff=abc",
        "staff=%C2%B2",
        "staff=999999",
    ],
)
def test_bad_query_parameters_do_not_break_the_week(client, rep, query):
    client.force_login(rep)
    assert client.get(f"{URL}?{query}").status_code in (200, 404)


def test_bad_ids_and_posts_answer_cleanly(client, rep, team_lead):
    client.force_login(rep)
    for action in ("record", "cancel", "missed"):
        assert client.post(f"{URL}999999/{action}/").status_code == 404
        assert client.get(f"{URL}999999/{action}/").status_code == 405
    assert client.post(f"{URL}new/", {}).status_code == 200
    assert client.post(f"{URL}new/", {"customer": "x", "day": "soon"}).status_code == 200
    assert client.post(f"{URL}new/", {"quick": "1", "customer": "x"}).status_code == 404
    plan = plan_for(rep)
    assert client.post(f"{URL}{plan.pk}/record/", {"next_due": "nope"}, headers=HX).status_code == 200
    assert client.get("/customers/visits/reports/?day=bad&staff=").status_code == 200
    client.force_login(team_lead)
    assert client.post(f"{URL}999999/assess/", {"score": "3"}).status_code == 404
    assert client.get("/customers/visits/team/?week=2026-W77").status_code == 200
    assert client.get("/customers/visits/reports/team/?day=bad").status_code == 200


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
