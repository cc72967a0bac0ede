"""The daily sales report: exact counts of the day's facts, the rep's comment, scope, htmx, the team overview
and its query budget."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import DailyReport, Interaction, VisitPlan
from sales.models import Deal, Installment, Opportunity, Payment, Promise, StageChange
from sales.selectors import dailyreport as selectors
from tests.factories import CustomerFactory, UserFactory
from tests.sales.factories import DealFactory, OpportunityFactory

pytestmark = pytest.mark.django_db
URL = "/sales/daily-report/"
TEAM_URL = "/sales/daily-report/team/"


@pytest.fixture
def rep2(org):
    return org["other_rep_same_team"]


@pytest.fixture
def director(org):
    return org["director"]


@pytest.fixture
def south_lead_user(org):
    return org["south_lead"]


def interaction(staff, customer, channel, when):
    return Interaction.objects.create(customer=customer, staff=staff, channel=channel, occurred_at=when, summary="s")


def make_day(rep, project, when):
    """rep's day: 2 visits + 1 site visit, 3 calls, 1 message, 1 email; 1 plan done; 1 new customer (plus the
    customers the factories create); 2 opportunities; 1 extra stage change; reserved 1, subscribed 1,
    contracted 1; 2 payments; 1 promise. Yesterday's facts and a colleague's must not count."""
    day = timezone.localdate(when)
    customer = CustomerFactory(owner=rep, project=project)
    for channel in ["visit", "visit", "site_visit", "phone", "phone", "phone", "message", "email"]:
        interaction(rep, customer, channel, when)
    interaction(rep, customer, "phone", when - datetime.timedelta(days=1))
    VisitPlan.objects.create(staff=rep, customer=customer, planned_for=day, status=VisitPlan.Status.DONE)
    VisitPlan.objects.create(staff=rep, customer=customer, planned_for=day, status=VisitPlan.Status.PLANNED)
    opportunity = OpportunityFactory(customer=customer, project=project, stage_changed_at=when)
    OpportunityFactory(customer=customer, project=project, stage_changed_at=when)
    StageChange.objects.create(opportunity=opportunity, from_stage="lead", to_stage="visited", at=when, by=rep)
    reserved = DealFactory(opportunity=opportunity, reserved_at=when)
    DealFactory(
        opportunity=opportunity,
        reserved_at=when - datetime.timedelta(days=10),
        stage=Deal.Stage.SUBSCRIPTION,
        price=Decimal("1"),
        subscribed_on=day,
    )
    DealFactory(
        opportunity=opportunity,
        reserved_at=when - datetime.timedelta(days=20),
        stage=Deal.Stage.CONTRACT,
        price=Decimal("1"),
        signed_on=day,
    )
    installment = Installment.objects.create(
        deal=reserved, project=project, owner=rep, kind="down_payment", due_on=day, amount=Decimal("1000")
    )
    for amount in ("300.00", "200.50"):
        Payment.objects.create(
            installment=installment, project=project, owner=rep, amount=Decimal(amount), received_on=day, by=rep
        )
    Promise.objects.create(customer=customer, project=project, promised_by=rep, content="Parking", topic="parking")
    return customer


def test_the_days_facts_are_counted_exactly(rep, rep2, project_a):
    now = timezone.now()
    make_day(rep, project_a, now)
    interaction(rep2, CustomerFactory(owner=rep2), "phone", now)
    facts = selectors.day_facts(staff=rep, day=timezone.localdate(now))
    assert (facts.visits, facts.visits_done, facts.calls, facts.messages) == (3, 1, 3, 1)
    assert facts.new_customers == 1
    assert facts.opportunities == 2
    # each OpportunityFactory records its entry, plus the explicit change
    assert facts.stage_changes == StageChange.objects.filter(by=rep).count() == 3
    assert (facts.reserved, facts.subscribed, facts.contracted) == (1, 1, 1)
    assert facts.payments == 2 and facts.payments_amount == Decimal("500.50")
    assert facts.promises == 1
    other = selectors.day_facts(staff=rep2, day=timezone.localdate(now))
    assert other.calls == 1 and other.total == 2  # the call and rep2's new customer


def test_yesterday_is_a_different_day(rep, project_a):
    now = timezone.now()
    make_day(rep, project_a, now)
    facts = selectors.day_facts(staff=rep, day=timezone.localdate(now) - datetime.timedelta(days=1))
    assert facts.calls == 1 and facts.visits == 0 and facts.reserved == 0


def test_a_rep_sees_their_report_and_saves_a_comment(client, rep, project_a):
    make_day(rep, project_a, timezone.now())
    client.force_login(rep)
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["facts"].calls == 3
    assert 'data-fact="contracted">1<' in page.text
    response = client.post(URL, {"comment": "Two visits went well; follow up Wang tomorrow."})
    assert response.status_code == 302
    report = DailyReport.objects.get(staff=rep, day=timezone.localdate())
    assert report.comment.startswith("Two visits")
    client.post(URL, {"comment": "Updated."})
    assert DailyReport.objects.get(staff=rep).comment == "Updated."


def test_saving_the_comment_over_htmx_answers_with_the_comment_panel(client, rep):
    client.force_login(rep)
    response = client.post(URL, {"comment": "Quiet day"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="report-comment"' in response.text and "<html" not in response.text
    assert DailyReport.objects.get(staff=rep).comment == "Quiet day"


def test_a_future_day_shows_today(client, rep):
    client.force_login(rep)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert client.get(URL, {"day": future}).context["day"] == timezone.localdate()


def test_a_manager_opens_a_reps_report_but_cannot_comment_on_it(client, rep, team_lead, project_a):
    make_day(rep, project_a, timezone.now())
    DailyReport.objects.create(staff=rep, day=timezone.localdate(), comment="Rep's own words")
    client.force_login(team_lead)
    page = client.get(URL, {"staff": rep.pk})
    assert page.status_code == 200 and page.context["facts"].visits == 3
    assert "Rep&#x27;s own words" in page.text and 'data-testid="comment-form"' not in page.text
    assert client.post(f"{URL}?staff={rep.pk}", {"comment": "overwritten"}).status_code == 403
    assert DailyReport.objects.get(staff=rep).comment == "Rep's own words"


def test_another_reps_report_is_not_found(client, rep, other_rep, south_lead_user):
    client.force_login(other_rep)
    assert client.get(URL, {"staff": rep.pk}).status_code == 404
    client.force_login(south_lead_user)
    assert client.get(URL, {"staff": rep.pk}).status_code == 404
    assert client.get(URL, {"staff": "x"}).status_code == 404


def test_roles_without_sales_work_are_refused(client, service_agent):
    client.force_login(service_agent)
    assert client.get(URL).status_code == 403
    assert client.get(TEAM_URL).status_code == 403


def test_the_team_overview_lists_the_managers_reps_with_their_facts(client, rep, rep2, other_rep, team_lead, project_a):
    make_day(rep, project_a, timezone.now())
    DailyReport.objects.create(staff=rep2, day=timezone.localdate(), comment="Training")
    client.force_login(team_lead)
    response = client.get(TEAM_URL)
    rows = {row.pk: row for row in response.context["rows"]}
    assert set(rows) == {rep.pk, rep2.pk}
    assert rows[rep.pk].facts.contracted == 1 and rows[rep.pk].facts.calls == 3
    assert rows[rep2.pk].commented and not rows[rep.pk].commented
    assert response.context["totals"].calls == 3
    htmx = client.get(TEAM_URL, headers={"HX-Request": "true"})
    assert 'data-testid="team-table"' in htmx.text and "<html" not in htmx.text


def test_the_team_overview_query_count_does_not_grow_with_reps(
    client, rep, rep2, director, org, project_a, django_assert_max_num_queries
):
    make_day(rep, project_a, timezone.now())
    client.force_login(director)
    with django_assert_max_num_queries(30) as first:
        client.get(TEAM_URL)
    for index in range(4):
        make_day(UserFactory(username=f"more{index}", role="sales_rep", team=org["south"]), project_a, timezone.now())
    client.force_login(type(director).objects.get(pk=director.pk))
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(TEAM_URL)
    assert len(response.context["rows"]) == 7


def test_the_report_page_query_count_is_bounded(client, rep, project_a, django_assert_max_num_queries):
    make_day(rep, project_a, timezone.now())
    client.force_login(rep)
    with django_assert_max_num_queries(40):
        client.get(URL)
    assert Opportunity.objects.filter(owner=rep).count() == 2
