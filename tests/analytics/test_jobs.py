"""The scores job on the hand-computed world (tests/analytics/conftest.py): exact rows, idempotent nights,
chunking that changes nothing, failures recorded, the command and the job page."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from analytics import facts
from analytics.models import CustomerScore, JobRun
from analytics.services.jobs import job_start

pytestmark = pytest.mark.django_db
D = Decimal


def snapshot(night) -> dict:
    fields = ("gross_profit", "net_profit", "demand", "quadrant", "potential_value", "incremental_value",
              "lifetime_value", "segment", "risk", "risk_reasons", "loyalty", "loyalty_factors", "campaign_cost")  # fmt: skip
    return {
        row["customer_id"]: {name: row[name] for name in fields}
        for row in CustomerScore.objects.filter(night=night).values("customer_id", *fields)
    }


def test_every_score_of_the_world_is_exact(world, night):
    run = job_start("scores", night)
    assert run.status == JobRun.Status.SUCCEEDED, run.error
    assert run.rows == 4
    rows = snapshot(night)
    c1, c2, c3, c4 = (rows[world[key].pk] for key in ("c1", "c2", "c3", "c4"))
    assert c1["gross_profit"] == D("450000.00") == c1["net_profit"]
    assert c1["demand"] == 3
    assert c1["potential_value"] == D("40000.00")
    assert c1["lifetime_value"] == D("490000.00")
    assert (c1["segment"], c1["risk"], c1["quadrant"]) == ("key", "medium", "troublesome")
    assert c1["risk_reasons"] == {"overdue_installments": 1, "broken_promises": 1}
    assert c1["loyalty"] == D("10.00") and c1["loyalty_factors"] == {"referrals": 10.0}
    assert (c2["net_profit"], c2["demand"], c2["lifetime_value"]) == (D("100000.00"), 0, D("120000.00"))
    assert (c2["segment"], c2["risk"], c2["quadrant"]) == ("keep", "low", "chicken_rib")
    assert c2["risk_reasons"] == {"cancelled_deals": 1}
    assert (c3["net_profit"], c3["campaign_cost"], c3["potential_value"]) == (
        D("-1500.00"),
        D("1500.00"),
        D("75000.00"),
    )
    assert (c3["segment"], c3["quadrant"]) == ("develop", "")
    assert (c4["potential_value"], c4["segment"], c4["net_profit"]) == (D("7500.00"), "basic", D("-1500.00"))
    assert run.figures["thresholds"] == {str(world["c1"].project_id): [275000.0, 1.5]}
    assert run.figures["quadrants"] == {"troublesome": 1, "chicken_rib": 1}


def test_running_a_night_again_replaces_its_snapshot(world, night):
    job_start("scores", night)
    first = snapshot(night)
    again = job_start("scores", night)
    assert again.status == JobRun.Status.SUCCEEDED
    assert snapshot(night) == first
    assert CustomerScore.objects.filter(night=night).count() == 4
    assert JobRun.objects.filter(name="scores", night=night).count() == 2  # both runs are on record


def test_small_chunks_give_the_same_snapshot(world, night, settings):
    job_start("scores", night)
    whole = snapshot(night)
    settings.ANALYTICS = {"chunk_size": 1}
    run = job_start("scores", night)
    assert run.chunks == run.chunks_done >= 4
    assert snapshot(night) == whole


def test_history_is_kept_and_feeds_the_loyalty_trend(world, night):
    yesterday = night - datetime.timedelta(days=1)
    job_start("scores", yesterday)
    job_start("scores", night)
    assert CustomerScore.objects.filter(customer=world["c1"]).count() == 2
    before = CustomerScore.objects.get(customer=world["c1"], night=yesterday)
    today = CustomerScore.objects.get(customer=world["c1"], night=night)
    # c4, the file c1 referred, was created today: yesterday's snapshot does not see the referral.
    assert (before.loyalty, today.loyalty) == (0, 10)
    assert today.loyalty_nights == 2  # both in the low band
    assert today.loyalty_slope == 10


def test_a_provider_registered_by_another_app_counts(world, night):
    import pandas as pd

    def service(lo, hi, day):
        return pd.DataFrame({"tickets": [2.0], "complaints": [1.0], "open_complaints": [1.0]},
                            index=pd.Index([world["c2"].pk], name="customer_id"))  # fmt: skip

    facts.register("service-test", service)
    try:
        job_start("scores", night)
    finally:
        facts.unregister("service-test")
    row = CustomerScore.objects.get(customer=world["c2"], night=night)
    assert row.service_cost == D("400.00")  # 2 tickets × 200
    assert row.net_profit == D("99600.00")
    assert row.demand == 3
    assert row.risk == "medium"  # cancelled deal 1 + open complaint 2 = 3 points
    assert row.loyalty == 0  # complaint −8, clipped


def test_a_failing_chunk_marks_the_run_failed_with_its_error(world, night):
    def broken(lo, hi, day):
        raise RuntimeError("facts unavailable")

    facts.register("broken-test", broken)
    try:
        with pytest.raises(Exception, match="facts unavailable"):
            job_start("scores", night)
    finally:
        facts.unregister("broken-test")
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.FAILED
    assert "facts unavailable" in run.error
    assert not CustomerScore.objects.exists()


def test_the_command_runs_a_night_and_prints_its_figures(world, night):
    out = StringIO()
    call_command("run_job", "scores", "--date", night.isoformat(), stdout=out)
    assert f"scores {night}: succeeded, 4 rows" in out.getvalue()
    assert "churn: trained=False" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("run_job", "nothing")
    with pytest.raises(CommandError):
        call_command("run_job", "scores", "--date", "yesterday")


def test_the_job_page_lists_runs_and_runs_one_for_admins_only(client, world, night):
    client.force_login(world["admin_user"])
    response = client.post(reverse("analytics:job-run"), {"name": "scores", "night": night.isoformat()})
    assert response.status_code == 302
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.SUCCEEDED and run.started_by == world["admin_user"]
    page = client.get(reverse("analytics:job-list"))
    assert page.status_code == 200 and b"scores" in page.content
    detail = client.get(reverse("analytics:job-detail", args=[run.pk]))
    assert b"not enough history" in detail.content
    for who in ("executive", "team_lead", "rep"):
        client.force_login(world[who])
        assert client.get(reverse("analytics:job-list")).status_code == 403
        assert client.post(reverse("analytics:job-run"), {"name": "scores", "night": night}).status_code == 403


def test_the_page_refuses_a_future_night_and_an_unknown_job(client, world, night):
    client.force_login(world["admin_user"])
    client.post(
        reverse("analytics:job-run"), {"name": "scores", "night": (night + datetime.timedelta(days=2)).isoformat()}
    )
    client.post(reverse("analytics:job-run"), {"name": "nope", "night": night.isoformat()})
    assert not JobRun.objects.exists()


def test_the_nightly_task_scores_yesterday(world):
    from django.utils import timezone

    from analytics.tasks import nightly_task

    nightly_task()
    assert JobRun.objects.get().night == timezone.localdate() - datetime.timedelta(days=1)


def test_the_nights_figures_from_the_chunks_totals_equal_its_rows(world, night, settings):
    """finish adds up the chunks' totals and counts what its UPDATE returns instead of reading the night again:
    the figures must be those of the rows written."""
    from django.db.models import Count, Sum

    settings.ANALYTICS = {"chunk_size": 2}
    run = job_start("scores", night)
    assert run.status == JobRun.Status.SUCCEEDED, run.error
    rows = CustomerScore.objects.filter(night=night)
    assert run.rows == rows.count() == 4
    assert run.figures["net_profit"] == float(rows.aggregate(total=Sum("net_profit"))["total"])
    owners = rows.filter(contracts__gt=0)
    assert run.figures["quadrants"] == dict(owners.values_list("quadrant").annotate(n=Count("pk")).order_by())
    classes = dict(rows.exclude(profit_class="").values_list("profit_class").annotate(n=Count("pk")).order_by())
    assert run.figures["profit_classes"] == classes


def test_the_copy_text_quotes_what_csv_needs_and_writes_missing_values_as_null():
    """The PostgreSQL COPY text of a chunk (analytics.services.scores._csv), read back by a CSV reader."""
    import csv
    import io

    import numpy as np
    import pandas as pd

    from analytics.services import scores

    values = {name: [0, 0] for name in scores.COLUMNS}
    values.update(
        night=[night_date := datetime.date(2026, 12, 1), night_date],
        customer_id=[7, 8],
        owner_id=pd.array([3, None], dtype="Int64"),
        status=["prospect", 'say "hi", then\nleave'],
        quadrant=["", "star"],
        net_profit=[1234.5, np.nan],
        churn=[np.nan, 0.25],
        loyalty_factors=[{"referrals": 10.0}, {}],
        risk_reasons=[{}, {"open_complaints": 1}],
        churn_reasons=[[], [{"feature": "visits", "op": "<=", "threshold": 1.5, "value": 0.0}]],
    )
    frame = pd.DataFrame(values)
    first, second = list(csv.reader(io.StringIO(scores._csv(frame))))
    named = dict(zip(scores.COLUMNS, first, strict=True)), dict(zip(scores.COLUMNS, second, strict=True))
    assert named[0]["night"] == "2026-12-01" and named[0]["customer_id"] == "7" and named[0]["owner_id"] == "3"
    assert named[1]["owner_id"] == scores.NULL and named[1]["net_profit"] == scores.NULL
    assert named[0]["net_profit"] == "1234.5" and named[0]["churn"] == scores.NULL and named[1]["churn"] == "0.25"
    assert named[1]["status"] == 'say "hi", then\nleave'
    assert named[0]["loyalty_factors"] == '{"referrals":10.0}' and named[1]["churn_reasons"].startswith('[{"feature"')
    # An empty text is quoted (unquoted it would read as NULL in PostgreSQL's csv format).
    assert ',"",' in scores._csv(frame).splitlines()[0]


def test_the_job_page_reads_in_words_and_in_chinese(client, world, night, admin_user):
    """Figures with labels and the language's number format, the job's name, and a tree refused for want of
    history explained in the reader's language (not the code's keys and Python values)."""
    from django.utils import translation

    run = job_start("scores", night)
    JobRun.objects.filter(pk=run.pk).update(
        figures={
            **run.figures,
            "net_profit": 35534356.17,
            "churn": {"examples": 1234, "churned": 154, "trained": False, "minimum": 2000, "per_class": 20},
        }
    )
    client.force_login(admin_user)
    page = client.get(reverse("analytics:job-detail", args=[run.pk])).content.decode()
    assert "Customer scores" in page and "Net profit, all customers" in page and "¥35,534,356.17" in page
    assert "history_nights" not in page and "{&#x27;" not in page
    # The three trees trained as parallel steps, each with its seconds.
    assert set(run.figures["step_seconds"]) == {"churn", "churn_owners", "profit_class"}
    assert "Models trained in parallel" in page and "Profit-class tree" in page and "step_seconds" not in page
    assert "Not enough history: 1,234 labelled examples (154 churned); the tree needs 2,000" in page
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        page = client.get(reverse("analytics:job-detail", args=[run.pk])).content.decode()
        label = str(translation.gettext("Customer scores"))
    assert label != "Customer scores" and label in page
    assert "Net profit, all customers" not in page and "not enough history" not in page.lower()


def test_the_owners_are_split_in_two_balanced_halves_of_projects():
    from analytics.services.scores import _halves

    thresholds = {1: (10.0, 1.0), 2: (20.0, 2.0), 3: (30.0, 3.0), None: (0.0, 0.0)}
    first, second = _halves(thresholds, {1: 500, 2: 300, 3: 250, None: 40})
    # Largest first, each to the lighter half: 1 (500) | 2 (300), 3 (250) → 550 | then the files without a project.
    assert first == {1: (10.0, 1.0), None: (0.0, 0.0)} and second == {2: (20.0, 2.0), 3: (30.0, 3.0)}


@pytest.mark.django_db(transaction=True)
def test_quadrants_of_several_projects_outside_a_transaction(org, project_a, project_b, night, monkeypatch):
    """Committed data, as in a worker: on PostgreSQL finish updates two halves of the projects on two connections
    at once; the quadrants are those of one update (project A's as the world's, project B's lone owner a chicken
    rib: its profit is its own median)."""
    from tests.analytics.conftest import build_world, contract
    from tests.factories import CustomerFactory

    world = build_world(org, project_a)
    lone = CustomerFactory(owner=org["rep"], project=project_b, name="Lone Owner")
    contract(lone, project_b, "300000", "200000")
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from analytics.services import scores

    pools = []
    monkeypatch.setattr(scores, "ThreadPoolExecutor", lambda **kw: pools.append(kw) or ThreadPoolExecutor(**kw))
    run = job_start("scores", night)
    assert pools == ([{"max_workers": 2}] if connection.vendor == "postgresql" else [])
    assert run.status == JobRun.Status.SUCCEEDED, run.error
    quadrants = dict(CustomerScore.objects.filter(night=night).values_list("customer_id", "quadrant"))
    assert quadrants[world["c1"].pk] == "troublesome" and quadrants[world["c2"].pk] == "chicken_rib"
    assert quadrants[lone.pk] == "chicken_rib"
    assert run.figures["quadrants"] == {"troublesome": 1, "chicken_rib": 2}
