"""The profitability class (004): terciles of the owners' net profit, a tree trained on the newest earlier night's
owners, prospects' predicted class with the path through the tree, and the customer page in both languages."""

import datetime
from decimal import Decimal

import pandas as pd
import pytest
from django.utils import timezone

from analytics import profit_class
from analytics.models import CustomerScore, JobRun
from analytics.services.jobs import job_start
from customers import listfilters
from customers.models import Customer, Interaction, PurchaseIntent
from tests.analytics.conftest import contract

pytestmark = pytest.mark.django_db

# Net profit by income band on the training night: the class is determined by the band alone.
PROFIT_BY_BAND = {
    Customer.IncomeBand.LOW: Decimal("1000"),
    Customer.IncomeBand.MIDDLE: Decimal("50000"),
    Customer.IncomeBand.TOP: Decimal("500000"),
}


def training_night(rep, project, night, per_band=15):
    """A finished scores run on `night` whose snapshot holds `per_band` owners per income band (3 bands)."""
    customers = Customer.objects.bulk_create(
        [
            Customer(name=f"O-{band}-{index}", owner=rep, project=project, income_band=band)
            for band in PROFIT_BY_BAND
            for index in range(per_band)
        ]
    )
    CustomerScore.objects.bulk_create(
        [
            CustomerScore(
                night=night,
                customer=customer,
                owner=rep,
                project=project,
                contracts=1,
                net_profit=PROFIT_BY_BAND[customer.income_band] + index,
            )
            for index, customer in enumerate(customers)
        ]
    )
    JobRun.objects.create(name="scores", night=night, status=JobRun.Status.SUCCEEDED, started_at=timezone.now())
    return customers


def prospect(rep, project, band, name):
    return Customer.objects.create(name=name, owner=rep, project=project, income_band=band)


def test_terciles_on_hand_computed_net_profits():
    profits = pd.Series([600, 100, 400, 200, 500, 300], index=list("abcdef"))
    # Sorted 100 … 600: the 1/3 quantile is 100 + 5/3 × 100 = 266.67, the 2/3 quantile 100 + 10/3 × 100 = 433.33.
    bounds = profit_class.terciles(profits)
    assert bounds == (266.6667, 433.3333)
    assert profit_class.classify(profits, bounds).to_dict() == {
        "a": "high", "b": "low", "c": "medium", "d": "low", "e": "high", "f": "medium",
    }  # fmt: skip
    # A value on a bound belongs to the class below it: 1, 2, 3, 4 → bounds 2 and 3.
    four = pd.Series([1, 2, 3, 4])
    assert profit_class.terciles(four) == (2.0, 3.0)
    assert profit_class.classify(four, (2.0, 3.0)).tolist() == ["low", "low", "medium", "high"]


def test_owners_get_their_actual_class_and_without_history_prospects_get_none(world, night):
    """The conftest world: c1 net 450,000 and c2 net 100,000 are the owners; terciles of the two are
    100,000 + 350,000/3 = 216,666.67 and 100,000 + 700,000/3 = 333,333.33 → c1 high, c2 low."""
    run = job_start("scores", night)
    assert run.status == JobRun.Status.SUCCEEDED, run.error
    model = run.figures["profit_class"]
    assert model["trained"] is False and model["reason"] == "not enough history: no earlier scored night"
    assert run.figures["profit_class_bounds"] == [216666.6667, 333333.3333]
    assert run.figures["profit_classes"] == {"high": 1, "low": 1}
    rows = {row.customer_id: row for row in CustomerScore.objects.filter(night=night)}
    assert rows[world["c1"].pk].profit_class == "high" and profit_class.path_of(rows[world["c1"].pk]) == []
    assert rows[world["c2"].pk].profit_class == "low"
    assert rows[world["c3"].pk].profit_class == "" and rows[world["c4"].pk].profit_class == ""


def test_the_tree_learns_the_income_band_and_predicts_prospects_with_the_path(org, project_a, night, settings):
    settings.ANALYTICS = {"profit_class_min_examples": 30}
    rep = org["rep"]
    training_night(rep, project_a, night - datetime.timedelta(days=1))
    rich = prospect(rep, project_a, Customer.IncomeBand.TOP, "Rich prospect")
    modest = prospect(rep, project_a, Customer.IncomeBand.LOW, "Modest prospect")
    run = job_start("scores", night)
    assert run.status == JobRun.Status.SUCCEEDED, run.error
    model = run.figures["profit_class"]
    assert model["trained"] is True, model
    assert model["training_night"] == str(night - datetime.timedelta(days=1))
    assert model["examples"] == 45 and model["class_counts"] == {"high": 15, "low": 15, "medium": 15}
    assert model["test_examples"] == 12  # a held-out quarter, stratified: 4 of each class
    assert model["accuracy"] == 1.0 and model["baseline"] == 0.333
    assert "income_band" in model["rules"]
    assert set(model["tree"]) == {"feature", "threshold", "left", "right", "classes", "shares"}
    rich_score = CustomerScore.objects.get(night=night, customer=rich)
    assert rich_score.profit_class == "high"
    path = profit_class.path_of(rich_score)
    assert path
    assert {step["feature"] for step in path} == {"income_band"}
    assert path[-1]["op"] == ">"
    assert CustomerScore.objects.get(night=night, customer=modest).profit_class == "low"
    # The training owners have no contract tonight: they are prospects too, each predicted its band's class.
    predicted = CustomerScore.objects.filter(night=night, customer__name__startswith="O-low")
    assert sorted(set(predicted.values_list("profit_class", flat=True))) == ["low"] and predicted.count() == 15


def test_a_class_of_one_owner_still_trains(org, project_a, night, settings):
    """Ties: 29 owners with net profit 0 and one with 100 → bounds (0, 0): 29 low, 1 high (not stratifiable)."""
    settings.ANALYTICS = {"profit_class_min_examples": 30}
    past = night - datetime.timedelta(days=1)
    owners = training_night(org["rep"], project_a, past, per_band=10)
    CustomerScore.objects.filter(night=past).update(net_profit=0)
    CustomerScore.objects.filter(night=past, customer=owners[0]).update(net_profit=100)
    model = profit_class.train(night)
    assert model["trained"] is True and model["class_counts"] == {"high": 1, "low": 29}


def test_too_few_owners_are_refused_and_the_page_says_so(client, org, project_a, night):
    rep = org["rep"]
    training_night(rep, project_a, night - datetime.timedelta(days=1), per_band=3)
    someone = prospect(rep, project_a, Customer.IncomeBand.TOP, "Someone")
    run = job_start("scores", night)
    model = run.figures["profit_class"]
    assert model["trained"] is False and model["examples"] == 9
    assert model["reason"].startswith("not enough history: 9 owners")
    assert not CustomerScore.objects.filter(night=night).exclude(profit_class="").exists()
    client.force_login(rep)
    html = client.get(someone.get_absolute_url()).content.decode()
    assert "Not predicted (not enough history)" in html


def _rows(night):
    return list(
        CustomerScore.objects.filter(night=night)
        .order_by("customer_id")
        .values_list("customer_id", "profit_class", "profit_class_leaf", "net_profit", "quadrant", "churn")
    )


def test_running_the_night_twice_gives_the_same_rows(world, org, project_a, night, settings):
    settings.ANALYTICS = {"profit_class_min_examples": 30}
    training_night(org["rep"], project_a, night - datetime.timedelta(days=1))
    prospect(org["rep"], project_a, Customer.IncomeBand.MIDDLE, "Middle prospect")
    job_start("scores", night)
    first = _rows(night)
    job_start("scores", night)
    assert _rows(night) == first
    assert CustomerScore.objects.filter(night=night).count() == len(first)


def test_no_leakage_later_facts_and_contracts_do_not_change_a_past_night(org, project_a, night, settings):
    settings.ANALYTICS = {"profit_class_min_examples": 30}
    rep = org["rep"]
    past = night - datetime.timedelta(days=1)
    owners = training_night(rep, project_a, past)
    x_before, y_before = profit_class.owner_dataset(past)
    target = prospect(rep, project_a, Customer.IncomeBand.TOP, "Prospect")
    job_start("scores", night)
    before = CustomerScore.objects.get(night=night, customer=target)
    # After the night: a visit, a referral and an intent for an owner, and a contract for the prospect.
    later = timezone.now() + datetime.timedelta(days=3)
    Interaction.objects.create(
        customer=owners[0], staff=rep, summary="visit", channel=Interaction.Channel.VISIT, occurred_at=later
    )
    referred = Customer.objects.create(name="Referred later", owner=rep, referrer=owners[0])
    Customer.objects.filter(pk=referred.pk).update(created_at=later)
    PurchaseIntent.objects.create(customer=owners[0], budget_max=Decimal("900"), recorded_at=later)
    deal = contract(target, project_a, "3000000", "1000000")
    type(deal).objects.filter(pk=deal.pk).update(signed_on=timezone.localdate() + datetime.timedelta(days=2))
    x_after, y_after = profit_class.owner_dataset(past)
    pd.testing.assert_frame_equal(x_before, x_after)
    pd.testing.assert_series_equal(y_before, y_after)
    assert x_after.loc[owners[0].pk, ["visits", "referrals", "intent_budget"]].tolist() == [0.0, 0.0, 0.0]
    job_start("scores", night)
    after = CustomerScore.objects.get(night=night, customer=target)
    assert after.contracts == 0
    assert (after.profit_class, after.profit_class_leaf) == (before.profit_class, before.profit_class_leaf)


def test_features_as_of_the_night():
    files = pd.DataFrame(
        {
            "income_band": ["top", "", "middle"],
            "birth_date": [datetime.date(1980, 6, 1), None, datetime.date(2000, 1, 2)],
            "source": ["referral", "walk_in", "web"],
            "district": ["Pudong", "", ""],
        },
        index=[1, 2, 3],
    )
    known = pd.DataFrame({"intent_budget": [0.0, 2_000_000.0], "visits": [2.0, 0.0], "referrals": [1.0, 0.0],
                          "tenure_days": [400.0, 10.0], "contracts": [0.0, 0.0]}, index=[1, 2])  # fmt: skip
    day = timezone.make_aware(datetime.datetime(2026, 1, 1))
    out = profit_class.features(files, known, day)
    assert list(out.columns) == profit_class.FEATURES
    assert out["income_band"].tolist() == [4.0, 0.0, 2.0]  # Customer.IncomeBand order, unknown = 0
    assert out["age_years"].tolist() == [45.0, 0.0, 25.0]
    assert out["source_referral"].tolist() == [1.0, 0.0, 0.0] and out["source_web"].tolist() == [0.0, 0.0, 1.0]
    assert out["has_district"].tolist() == [1.0, 0.0, 0.0]
    assert out["intent_budget"].tolist() == [0.0, 2_000_000.0, 0.0]  # a file without facts reads 0
    assert out["visits"].tolist() == [2.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Likely profit class", "High", "Income: Over 1m / year or higher"]),
        ("zh-hans", ["可能的利润等级", "高", "收入：100 万元以上 / 年或更高"]),
    ],
)
def test_the_customer_page_shows_the_class_and_path_in_both_languages(
    client, org, project_a, night, settings, language, texts
):
    settings.ANALYTICS = {"profit_class_min_examples": 30}
    rep = org["rep"]
    training_night(rep, project_a, night - datetime.timedelta(days=1))
    rich = prospect(rep, project_a, Customer.IncomeBand.TOP, "Rich prospect")
    job_start("scores", night)
    client.force_login(rep)
    html = client.get(rich.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    section = html[html.index('data-testid="score-profit-class"') :][:1500]
    for text in texts:
        assert text in section, (text, section)


def test_owners_page_shows_the_actual_class_and_the_list_filters_by_it(client, world, night):
    job_start("scores", night)
    client.force_login(world["rep"])
    html = client.get(world["c1"].get_absolute_url()).content.decode()
    section = html[html.index('data-testid="score-profit-class"') :][:800]
    assert "Profit class" in section and "High" in section and "tercile" in section
    in_high = Customer.objects.filter(listfilters.FILTERS["profit_class"].query("high"))
    assert list(in_high) == [world["c1"]]
    assert set(Customer.objects.filter(listfilters.FILTERS["profit_class"].query("low"))) == {world["c2"]}
