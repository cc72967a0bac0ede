"""The sampling benchmark stays honest on small data: every scenario that takes an id or a term draws several
distinct inputs with a fixed seed, the 360 page's draws reach files with payments and the heaviest decile, and
every scenario answers 200 through `manage.py bench`."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from crm_site.bench import SCENARIOS, rng_for, sample_ids
from crm_site.management.commands.bench import load_scenarios, user_for
from customers.bench import HEAVY_GROUP, RANDOM_GROUP
from customers.models import Customer, Interaction
from sales.models import Deal, Payment
from sales.services import money as money_services
from sales.services.money import Plan
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, LeaseFactory

pytestmark = pytest.mark.django_db


def name_of(n: int) -> str:
    """Names of two, three and four characters over ten surnames (Faker's would make the draws vary by run)."""
    surnames, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋"
    name = surnames[n % 10] + given[n % 7] + given[(n // 3) % 10]
    return name[:2] if n % 4 == 0 else name + given[n % 5] if n % 4 == 1 else name


@pytest.fixture
def data(org):
    """40 files of the rep, 10 of another; a few with many contacts; four contracts with payments; a tenant."""
    rep = org["rep"]
    files = [CustomerFactory(owner=rep, name=name_of(n)) for n in range(40)]
    files += [CustomerFactory(owner=org["other_rep"], name=name_of(n)) for n in range(40, 50)]
    now = timezone.now()
    Interaction.objects.bulk_create(
        Interaction(customer=customer, channel="call", direction="out", occurred_at=now, staff=rep, summary="x")
        for customer in files[:6]
        for _ in range(12)
    )
    today = timezone.localdate()
    for customer in files[10:14]:
        deal = DealFactory(
            opportunity__customer=customer, stage=Deal.Stage.CONTRACT, price=Decimal("1000.00"), signed_on=today
        )
        line = money_services.schedule_create(
            deal=deal, plan=Plan.FULL, by=rep, first_due=today - datetime.timedelta(days=3)
        )[0]
        money_services.payment_record(installment=line, amount=Decimal("400.00"), received_on=today, by=rep)
    LeaseFactory(tenant=files[20])
    # Club members for the member scenarios (lookups and the member page draw random members).
    from members import services as member_services
    from members.defaults import ensure_default_tiers
    from members.models import Tier

    ensure_default_tiers(Tier)
    for customer in files[30:40]:
        member_services.member_enrol(customer=customer, by=rep)
    load_scenarios()
    return files


def drawing():
    load_scenarios()
    return sorted(name for name, scenario in SCENARIOS.items() if scenario.draw is not None)


def test_every_page_that_takes_an_input_draws_it():
    load_scenarios()
    for name in ("customers.detail", "customers.search.phone", "customers.search.name1", "customers.search.name2"):
        assert SCENARIOS[name].draw is not None, name
    assert len(drawing()) >= 15


@pytest.mark.parametrize("name", drawing())
def test_each_drawing_scenario_gives_distinct_inputs_with_a_fixed_seed(data, name):
    scenario = SCENARIOS[name]
    user = user_for(scenario.role)
    first = scenario.inputs(user, rng_for(name, 9), 30)
    assert len({item.url for item in first}) >= scenario.min_distinct, [item.url for item in first]
    assert [item.url for item in scenario.inputs(user, rng_for(name, 9), 30)] == [item.url for item in first]


def test_the_360_page_draws_reach_payments_the_heaviest_decile_and_random_files(data, rep):
    scenario = SCENARIOS["customers.detail"]
    inputs = scenario.inputs(user_for("sales_rep"), rng_for(scenario.name, 9), 50)
    groups = {group for item in inputs for group in item.groups}
    assert {RANDOM_GROUP, HEAVY_GROUP, "with payments", "with deal", "with opportunity"} <= groups
    ids = {int(re.search(r"/customers/(\d+)/", item.url)[1]) for item in inputs}
    assert Payment.objects.filter(installment__deal__customer_id__in=ids).exists()
    assert Customer.objects.visible_to(rep).filter(pk__in=ids).count() == len(ids)  # only the rep's files
    heavy = {int(re.search(r"(\d+)", item.url)[1]) for item in inputs if HEAVY_GROUP in item.groups}
    assert heavy & {customer.pk for customer in data[:6] + data[10:14]}


def test_sample_ids_spreads_over_the_id_range_and_stays_in_the_set(data, rep):
    ids = sample_ids(Customer.objects.filter(owner=rep), rng_for("x", 1), 200)
    assert set(ids) <= set(Customer.objects.filter(owner=rep).values_list("pk", flat=True))
    assert len(set(ids)) >= 25
    assert sample_ids(Customer.objects.none(), rng_for("x", 1), 5) == []


def test_the_command_reports_median_p95_inputs_queries_and_groups(data):
    out = io.StringIO()
    call_command("bench", runs=20, warmup=2, only="customers.detail", stdout=out)
    lines = out.getvalue().splitlines()
    assert "inputs" in lines[1] and "queries" in lines[1]
    rep_line = next(line for line in lines if line.startswith("customers.detail "))
    median, p95, distinct, queries, status = rep_line.split()[2:7]
    assert float(median) <= float(p95) and int(distinct) >= 10 and status == "200"
    assert re.fullmatch(r"\d+(–\d+)?", queries)
    assert any(line.strip().startswith(f"· {HEAVY_GROUP}") for line in lines)
    assert any(line.strip().startswith("· with payments") for line in lines)


def test_every_scenario_answers_200(data):
    out = io.StringIO()
    call_command("bench", runs=3, warmup=0, stdout=out)
    rows = [line for line in out.getvalue().splitlines()[2:] if not line.startswith("  ·")]
    assert len(rows) == len(SCENARIOS)
    for line in rows:
        assert "(no user" not in line, line
        if "(no data)" in line:
            continue
        name = line.split()[0]
        expected = "302" if "302" in SCENARIOS[name].note else "200"  # a lookup redirects to the member's page
        assert re.search(rf"\s{expected}( |$|×)", line), line
