"""The funnel report's rep and customer-source filters (scoped), the previous-period comparison, the drill-down from
each stage to the opportunity list, won conversion, and the page in both languages. Numbers are worked out by hand
from the histories below (days ago; the report's period is the last 30 local days, the previous one the 30 before)."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from sales.models import Opportunity, StageChange
from sales.selectors import funnel as selectors
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
Source = Customer.Source
REPORT = "sales:funnel-report"


@pytest.fixture
def cast(org):
    return {key: User.objects.get(pk=value.pk) if isinstance(value, User) else value for key, value in org.items()}


def today():
    return timezone.localdate()


def period():
    return {"date_from": today() - datetime.timedelta(days=29), "date_to": today()}


def opened(owner, project, source, *steps):
    """An opportunity of `owner`'s customer from `source` whose whole history is `steps`: (stage, days ago)."""
    customer = CustomerFactory(owner=owner, team=owner.staff.team, source=source)
    opportunity = OpportunityFactory(customer=customer, owner=owner, project=project)
    StageChange.objects.filter(opportunity=opportunity).delete()
    previous, at = "", None
    for stage, days in steps:
        at = timezone.now() - datetime.timedelta(days=days)
        StageChange.objects.create(opportunity=opportunity, from_stage=previous, to_stage=stage, at=at, by=owner)
        previous = stage
    closed = at if previous in Opportunity.CLOSED_STAGES else None
    Opportunity.objects.filter(pk=opportunity.pk).update(stage=previous, stage_changed_at=at, closed_at=closed)
    opportunity.refresh_from_db()
    return opportunity


@pytest.fixture
def book(cast, project_a, project_b):
    """rep's and rep2's opportunities (Team North) and one of other_rep (Team South)."""
    rep, rep2 = cast["rep"], cast["other_rep_same_team"]
    return {
        # this period
        "a": opened(rep, project_a, Source.WEB, ("lead", 20), ("visited", 15), ("intending", 10)),
        "b": opened(rep, project_a, Source.WEB, ("lead", 18)),
        "g": opened(rep, project_a, Source.WEB, ("lead", 8)),
        "c": opened(rep, project_a, Source.PHONE, ("lead", 25), ("visited", 12)),
        "d": opened(rep2, project_a, Source.WEB, ("lead", 22), ("visited", 5)),
        "x": opened(rep, project_b, Source.WEB, ("lead", 16)),  # another project
        "south": opened(cast["other_rep"], project_a, Source.WEB, ("lead", 19)),  # another team
        # the previous period
        "e": opened(rep, project_a, Source.WEB, ("lead", 50), ("visited", 40)),
        "f": opened(rep, project_a, Source.WEB, ("lead", 45), ("lost", 35)),
    }


def rows_of(report):
    return {row.stage: row for row in report["rows"]}


def get_report(client, user, **params):
    client.force_login(user)
    query = {key: f"{value:%Y-%m-%d}" if isinstance(value, datetime.date) else value for key, value in params.items()}
    return client.get(reverse(REPORT), {**{k: f"{v:%Y-%m-%d}" for k, v in period().items()}, **query})


# --- filters ----------------------------------------------------------------------------------------------------


def test_rep_and_source_filters_count_only_that_reps_opportunities_from_that_source(client, cast, book, project_a):
    lead = cast["team_lead"]  # sees Team North: rep and rep2
    rep, rep2 = cast["rep"], cast["other_rep_same_team"]

    def lead_row(**params):
        response = get_report(client, lead, project=project_a.pk, **params)
        assert response.status_code == 200
        assert response.context["form"].is_valid(), response.context["form"].errors
        return rows_of(response.context["report"])

    assert lead_row()["lead"].entered == 5  # a, b, g, c, d (not x: project B; not south: another team)
    assert lead_row(owner=rep.pk)["lead"].entered == 4  # a, b, g, c
    by_rep_web = lead_row(owner=rep.pk, source=Source.WEB)
    assert (by_rep_web["lead"].entered, by_rep_web["lead"].in_stage, by_rep_web["lead"].advanced) == (3, 3, 1)
    assert by_rep_web["lead"].conversion == 33.3  # a went on, b and g did not
    assert by_rep_web["visited"].in_stage == 2  # a entered; e was there since 40 days ago
    assert lead_row(source=Source.WEB)["lead"].entered == 4  # a, b, g, d
    assert lead_row(source=Source.PHONE)["visited"].entered == 1  # c
    only_rep2 = lead_row(owner=rep2.pk)["lead"]
    assert (only_rep2.entered, only_rep2.advanced, only_rep2.conversion) == (1, 1, 100.0)  # d


def test_the_cache_keeps_each_rep_source_and_compare_choice_apart(client, cast, book, project_a):
    lead, rep = cast["team_lead"], cast["rep"]
    everyone = get_report(client, lead, project=project_a.pk).context["report"]
    mine = get_report(client, lead, project=project_a.pk, owner=rep.pk).context["report"]
    web = get_report(client, lead, project=project_a.pk, owner=rep.pk, source=Source.WEB).context["report"]
    assert [rows_of(report)["lead"].entered for report in (everyone, mine, web)] == [5, 4, 3]
    compared = get_report(client, lead, project=project_a.pk, owner=rep.pk, source=Source.WEB, compare="1")
    assert compared.context["comparison"] is not None
    assert get_report(client, lead, project=project_a.pk, owner=rep.pk, source=Source.WEB).context["comparison"] is None


# --- scope and bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("param", "who"),
    [("owner", "other_rep"), ("owner", "other_rep_same_team"), ("team", "south"), ("owner", None), ("source", None)],
)
def test_a_rep_cannot_filter_by_someone_outside_their_scope(client, cast, book, param, who):
    """A rep sees their own rows: another team's rep, a teammate, another team, junk: a form error, no report."""
    value = {"owner": "abc", "source": "martian"}[param] if who is None else cast[who].pk
    response = get_report(client, cast["rep"], **{param: value})
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_valid() and param in form.errors
    assert response.context["report"] is None
    assert "Select a valid choice" in response.text


def test_the_report_offers_only_reps_in_the_viewers_scope(cast):
    form = report_form(cast["team_lead"])
    offered = {pk for pk, _label in form.fields["owner"].widget.choices if pk}
    assert offered == {cast["team_lead"].pk, cast["rep"].pk, cast["other_rep_same_team"].pk}


def report_form(user):
    from sales.forms.funnel import FunnelReportForm

    return FunnelReportForm({}, user=user)


# --- compare with the previous period ---------------------------------------------------------------------------


def test_the_previous_period_is_the_same_length_just_before():
    assert selectors.previous_period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)) == (
        datetime.date(2026, 1, 29),
        datetime.date(2026, 2, 28),
    )
    assert selectors.previous_period(datetime.date(2026, 12, 7), datetime.date(2026, 12, 7)) == (
        datetime.date(2026, 12, 6),
        datetime.date(2026, 12, 6),
    )


def test_compare_shows_both_periods_and_the_change_per_stage(client, cast, book, project_a):
    rep = cast["rep"]
    response = get_report(client, rep, project=project_a.pk, owner=rep.pk, source=Source.WEB, compare="1")
    comparison = response.context["comparison"]
    assert (comparison["previous"]["date_from"], comparison["previous"]["date_to"]) == (
        today() - datetime.timedelta(days=59),
        today() - datetime.timedelta(days=30),
    )
    stages = {item.stage: item for item in comparison["stages"]}
    lead, visited, intending = stages["lead"], stages["visited"], stages["intending"]
    # This period: a, b, g entered lead, a went on (5 days in lead); before: e and f entered, e went on (10 days each).
    assert (lead.current.entered, lead.current.in_stage, lead.current.advanced) == (3, 3, 1)
    assert (lead.previous.entered, lead.previous.in_stage, lead.previous.advanced) == (2, 2, 1)
    assert (lead.current.conversion, lead.previous.conversion) == (33.3, 50.0)
    assert (lead.current.median_days, lead.previous.median_days) == (5.0, 10.0)
    assert lead.changes == {"entered": 1, "in_stage": 1, "advanced": 0, "conversion": -16.7, "median_days": -5.0}
    # Visited: now a entered (went on after 5 days) and e was still there; before, e entered and stayed.
    assert (visited.current.in_stage, visited.current.advanced, visited.current.conversion) == (2, 1, 50.0)
    assert (visited.previous.in_stage, visited.previous.advanced, visited.previous.conversion) == (1, 0, 0.0)
    assert visited.changes == {"entered": 0, "in_stage": 1, "advanced": 1, "conversion": 50.0, "median_days": None}
    assert (intending.current.entered, intending.previous.entered, intending.changes["entered"]) == (1, 0, 1)
    # Won: none in either; lost: f, 35 days ago (the previous period).
    assert (comparison["current"]["won"], comparison["previous"]["won"], comparison["won_change"]) == (0, 0, 0)
    assert (comparison["current"]["lost"], comparison["previous"]["lost"], comparison["lost_change"]) == (0, 1, -1)
    page = response.text
    assert 'data-testid="compare-period"' in page
    assert 'data-change="-16.7"' in page and "-16.7 pp" in page  # the lead conversion, in percentage points
    assert page.count('data-testid="previous-entered"') == len(Opportunity.ORDER)


def test_without_compare_the_page_shows_one_period(client, cast, book):
    response = get_report(client, cast["rep"])
    assert response.context["comparison"] is None
    assert 'data-testid="previous-entered"' not in response.text


# --- drill-down ---------------------------------------------------------------------------------------------------


def listed(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {row.pk for row in response.context["page"].object_list}


def test_each_stage_links_to_the_opportunity_list_with_the_same_filters(client, cast, book, project_a):
    lead, rep = cast["team_lead"], cast["rep"]
    north = cast["north"]
    response = get_report(client, lead, project=project_a.pk, team=north.pk, owner=rep.pk, source=Source.WEB)
    links = response.context["links"]
    for stage in ("lead", "visited", "intending", "won", "lost"):
        assert f'href="{links[stage].replace("&", "&amp;")}" data-testid="drill-{stage}"' in response.text
    visited = urlsplit(links["visited"])
    assert visited.path == reverse("sales:opportunity-list")
    assert parse_qs(visited.query) == {
        "project": [str(project_a.pk)],
        "team": [str(north.pk)],
        "owner": [str(rep.pk)],
        "source": ["web"],
        "stage": ["visited"],
    }
    # The list shows exactly the opportunities now in the stage under those filters.
    assert listed(client, links["lead"]) == {book["b"].pk, book["g"].pk}  # not x (project B), not d (rep2)
    assert listed(client, links["visited"]) == {book["e"].pk}  # not c (phone), not d (rep2)
    assert listed(client, links["intending"]) == {book["a"].pk}
    assert listed(client, links["lost"]) == {book["f"].pk}
    assert listed(client, links["won"]) == set()


def test_the_list_filters_by_customer_source_within_its_scope(client, cast, book):
    client.force_login(cast["rep"])
    url = reverse("sales:opportunity-list")
    assert listed(client, f"{url}?source=phone") == {book["c"].pk}
    # rep2's web opportunity (d) and other_rep's (south) stay out of the rep's list.
    assert listed(client, f"{url}?source=web") == {book[key].pk for key in ("a", "b", "g", "x", "e", "f")}


# --- won conversion -----------------------------------------------------------------------------------------------


def test_contract_to_won_conversion_is_not_zero_when_contracts_are_won_in_the_period(client, cast, project_a):
    rep = cast["rep"]
    opened(
        rep,
        project_a,
        Source.WEB,
        ("lead", 60),
        ("reservation", 50),
        ("subscription", 40),
        ("contract", 20),
        ("won", 5),
    )
    opened(
        rep,
        project_a,
        Source.WEB,
        ("lead", 90),
        ("reservation", 80),
        ("subscription", 70),
        ("contract", 60),
        ("won", 3),
    )
    opened(rep, project_a, Source.WEB, ("lead", 90), ("reservation", 80), ("subscription", 70), ("contract", 10))
    report = selectors.funnel_report(user=rep, **period())
    contract = rows_of(report)["contract"]
    # In contract: one signed in the period, one signed before it (won in it), one signed and waiting: 2 of 3 won.
    assert (contract.entered, contract.in_stage, contract.advanced) == (2, 3, 2)
    assert contract.conversion == 66.7
    assert report["won"] == 2
    page = get_report(client, rep, compare="1").text
    assert "66.7%" in page


# --- languages ----------------------------------------------------------------------------------------------------


def test_the_report_renders_in_english_and_chinese(client, cast, book):
    client.force_login(cast["rep"])
    params = {"compare": "1", "source": "web"}
    english = client.get(reverse(REPORT), params, HTTP_ACCEPT_LANGUAGE="en")
    assert "Compare with the previous period" in english.text and "Customer source" in english.text
    chinese = client.get(reverse(REPORT), params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 200
    assert "与上一期对比" in chinese.text and "客户来源" in chinese.text
    assert "Compare with the previous period" not in chinese.text


def test_the_period_boxes_show_the_default_period(client, team_lead):
    client.force_login(team_lead)
    page = client.get(reverse("sales:funnel-report")).content.decode()
    today = timezone.localdate()
    assert f'value="{today.isoformat()}"' in page
    assert f'value="{(today - datetime.timedelta(days=89)).isoformat()}"' in page
