"""Reports cached per period and scope: one entry per reach and parts, a new one after a write of the facts,
viewers of another scope never share it; the team board and the collection report use it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm_site import reportcache
from sales.models import Opportunity
from tests.factories import CustomerFactory
from tests.sales.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_an_entry_per_reach_and_parts_until_the_facts_change(rep, other_rep, executive):
    calls, compute = counter()
    assert reportcache.cached("t", ("may",), rep, compute) == 1
    assert reportcache.cached("t", ("may",), rep, compute) == 1
    assert reportcache.cached("t", ("june",), rep, compute) == 2
    assert reportcache.cached("t", ("may",), other_rep, compute) == 3  # another scope
    assert reportcache.cached("t", ("may",), executive, compute) == 4
    reportcache.changed("t")
    assert reportcache.cached("t", ("may",), rep, compute) == 5


def test_an_entry_per_language_because_reports_carry_translated_labels(rep):
    from django.utils import translation

    calls, compute = counter()
    with translation.override("en"):
        assert reportcache.cached("t", ("may",), rep, compute) == 1
    with translation.override("zh-hans"):
        assert reportcache.cached("t", ("may",), rep, compute) == 2
        assert reportcache.cached("t", ("may",), rep, compute) == 2
    with translation.override("en"):
        assert reportcache.cached("t", ("may",), rep, compute) == 1


def test_the_funnel_report_is_computed_once_per_period_and_scope(client, executive):
    client.force_login(executive)
    url = reverse("sales:funnel-report")
    client.get(url)
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as third:
        assert client.get(url, {"date_from": "2026-01-01", "date_to": "2026-01-31"}).status_code == 200
    funnel_reads = [q["sql"] for q in second.captured_queries if "sales_stagechange" in q["sql"]]
    assert funnel_reads == []
    assert any("sales_stagechange" in q["sql"] for q in third.captured_queries)  # another period: computed


def test_zero_seconds_turns_it_off(rep, settings):
    settings.REPORT_CACHE_SECONDS = 0
    calls, compute = counter()
    reportcache.cached("t", (), rep, compute)
    reportcache.cached("t", (), rep, compute)
    assert len(calls) == 2


def test_a_stage_change_shows_on_the_cached_team_board(client, org):
    lead = org["team_lead"]
    opportunity = OpportunityFactory(customer=CustomerFactory(owner=org["rep"]))
    client.force_login(lead)
    url = reverse("sales:opportunity-board") + "?who=team"
    first = client.get(url)
    lead_column = next(column for column in first.context["columns"] if column.stage == Opportunity.Stage.LEAD)
    assert lead_column.count == 1
    opportunity.stage = Opportunity.Stage.VISITED
    opportunity.save()
    second = client.get(url)
    counts = {column.stage: column.count for column in second.context["columns"]}
    assert counts[Opportunity.Stage.LEAD] == 0 and counts[Opportunity.Stage.VISITED] == 1


def test_the_collection_report_is_read_once_per_month_and_scope(client, executive):
    client.force_login(executive)
    url = reverse("sales:collection-report")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not any("sales_installment" in query["sql"] for query in queries)


def test_the_filter_options_survive_a_login_but_not_a_renamed_user(client, rep):
    """The "choices" namespace ignores a login's last_login and a language switch; a name change drops it."""
    from crm_site.forms import CHOICES

    calls, compute = counter()
    assert reportcache.cached(CHOICES, ("owners",), rep, compute) == 1
    client.force_login(rep)  # writes last_login
    rep.staff.language = "zh-hans"
    rep.staff.save(update_fields=["language"])
    assert reportcache.cached(CHOICES, ("owners",), rep, compute) == 1
    rep.first_name = "Renamed"
    rep.save()
    assert reportcache.cached(CHOICES, ("owners",), rep, compute) == 2
