"""The churn tree: refuses too little history, trains on a time split with its figures recorded, and scores
today's prospects with the path through the tree."""

import datetime

import pandas as pd
import pytest
from django.utils import timezone

from analytics import churn
from analytics.models import CustomerScore, JobRun
from analytics.services.jobs import job_start
from customers.models import Customer, Interaction
from sales.models import Opportunity

pytestmark = pytest.mark.django_db


def cohort(
    owner, project, size, *, opened_days_ago, lost_days_ago, contact_days_ago, lost_share=0.5, won_days_ago=None
):
    """`size` prospects whose opportunity opened `opened_days_ago`; the first `lost_share` lose it
    `lost_days_ago` and were never contacted; the rest had three contacts `contact_days_ago` and stay open (or are
    won `won_days_ago`)."""

    def outcome(index):
        if index < lost:
            return Opportunity.Stage.LOST, now - datetime.timedelta(days=lost_days_ago)
        if won_days_ago is not None:
            return Opportunity.Stage.WON, now - datetime.timedelta(days=won_days_ago)
        return Opportunity.Stage.INTENDING, None

    now = timezone.now()
    customers = Customer.objects.bulk_create(
        [Customer(name=f"P{opened_days_ago}-{index}", owner=owner, project=project) for index in range(size)]
    )
    ids = [customer.pk for customer in customers]
    Customer.objects.filter(pk__in=ids).update(created_at=now - datetime.timedelta(days=opened_days_ago + 10))
    lost = int(size * lost_share)
    opportunities = Opportunity.objects.bulk_create(
        [
            Opportunity(
                customer=customer,
                project=project,
                owner=owner,
                stage=outcome(index)[0],
                stage_changed_at=now,
                closed_at=outcome(index)[1],
            )
            for index, customer in enumerate(customers)
        ]
    )
    Opportunity.objects.filter(pk__in=[o.pk for o in opportunities]).update(
        created_at=now - datetime.timedelta(days=opened_days_ago)
    )
    Interaction.objects.bulk_create(
        [
            Interaction(
                customer=customer,
                staff=owner,
                summary="call",
                occurred_at=now - datetime.timedelta(days=contact_days_ago + shift),
            )
            for customer in customers[lost:]
            for shift in range(3)
        ]  # fmt: skip
    )
    return customers


def test_too_little_history_is_refused_and_nobody_is_scored(world, night):
    run = job_start("scores", night)
    model = run.figures["churn"]
    assert model["trained"] is False
    assert "not enough history" in model["reason"]
    assert not CustomerScore.objects.filter(night=night, churn__isnull=False).exists()


def test_one_class_only_is_refused_too(org, project_a, night, settings):
    settings.ANALYTICS = {"churn_min_examples": 10, "churn_min_per_class": 5}
    cohort(org["rep"], project_a, 30, opened_days_ago=390, lost_days_ago=300, contact_days_ago=370, lost_share=0)
    result = churn.train(night)
    assert result["trained"] is False and result["examples"] == 30 and result["churned"] == 0


def test_the_tree_trains_on_the_past_records_its_figures_and_explains_each_prospect(org, project_a, night):
    rep = org["rep"]
    # Training cohort: open a year and a bit ago (night − 360 days), outcome within the next 180 days.
    cohort(rep, project_a, 240, opened_days_ago=390, lost_days_ago=300, contact_days_ago=370, won_days_ago=250)
    # Test cohort: open at night − 180 days, outcome by the night.
    cohort(rep, project_a, 60, opened_days_ago=200, lost_days_ago=100, contact_days_ago=185)
    # Today's prospects: one never contacted, one contacted this week.
    quiet, busy = cohort(rep, project_a, 2, opened_days_ago=20, lost_days_ago=0, contact_days_ago=2, lost_share=0)
    Interaction.objects.filter(customer=quiet).delete()
    run = job_start("scores", night)
    assert run.status == JobRun.Status.SUCCEEDED, run.error
    model = run.figures["churn"]
    assert model["trained"] is True
    assert (model["examples"], model["churned"]) == (240, 120)
    assert model["test_examples"] == 60
    assert model["baseline"] == 0.5  # majority class of the test cohort
    assert model["precision"] == model["recall"] == model["accuracy"] == 1.0
    assert "interactions_90" in model["rules"] or "days_since_contact" in model["rules"]
    quiet_score = CustomerScore.objects.get(customer=quiet, night=night)
    busy_score = CustomerScore.objects.get(customer=busy, night=night)
    assert quiet_score.churn == 1 and busy_score.churn == 0
    step = quiet_score.churn_reasons[0]
    assert step["feature"] in churn.FEATURES and step["op"] in ("<=", ">")
    # Only today's prospects are scored: the 2 new ones and the 30 open of the test cohort (lost and won are not).
    assert CustomerScore.objects.filter(night=night, churn__isnull=False).count() == 2 + 30


def test_explain_walks_the_tree():
    tree = {"feature": [0, -2, -2], "threshold": [1.5, -2, -2], "left": [1, -1, -1], "right": [2, -1, -1],
            "churned": [0.5, 0.9, 0.1]}  # fmt: skip
    row = dict.fromkeys(churn.FEATURES, 0.0)
    assert churn.explain(tree, row) == (
        0.9,
        [{"feature": "interactions_90", "op": "<=", "threshold": 1.5, "value": 0.0}],
    )
    row["interactions_90"] = 3
    assert churn.explain(tree, row)[0] == 0.1


def test_walk_scores_each_row_as_explain_does_and_leaves_the_others_unscored():
    tree = {"feature": [0, 1, -2, -2, -2], "threshold": [1.5, 10.5, -2, -2, -2], "left": [1, 2, -1, -1, -1],
            "right": [4, 3, -1, -1, -1], "churned": [0.5, 0.4, 0.25, 0.75, 0.9]}  # fmt: skip
    names = ["interactions_90", "days_since_contact"]
    table = pd.DataFrame(
        {"interactions_90": [0.0, 1.0, 0.0, 5.0], "days_since_contact": [3.0, 30.0, 3.0, 999.0]},
        index=pd.Index([11, 12, 13, 14], name="customer_id"),
    )
    out = churn.walk({"trained": True, "tree": tree}, table, names, churn.unscored([10, 11, 12, 13, 14]))
    assert out["churn"].tolist()[0] != out["churn"].tolist()[0]  # NaN: 10 is not in the table
    assert out.loc[10, "churn_reasons"] == []
    for customer, row in table.iterrows():
        share, path = churn.explain(tree, row, names)
        assert (out.loc[customer, "churn"], out.loc[customer, "churn_reasons"]) == (share, path)
    assert out.loc[11, "churn"] == 0.25 and out.loc[12, "churn"] == 0.75 and out.loc[14, "churn"] == 0.9
    assert out.loc[14, "churn_reasons"] == [{"feature": "interactions_90", "op": ">", "threshold": 1.5, "value": 5.0}]
    # A tree of one leaf scores everyone with its share and no reason.
    root = {"feature": [-2], "threshold": [-2.0], "left": [-1], "right": [-1], "churned": [0.3]}
    alone = churn.walk({"trained": True, "tree": root}, table, names, churn.unscored([11, 12, 13, 14]))
    assert alone["churn"].tolist() == [0.3] * 4 and alone["churn_reasons"].tolist() == [[]] * 4
