"""Product analysis on hand-computed data.

Demand (newest intent of active customers): c1 (rep, intending) 3 rooms, 90–110 m² (→ 100), 180–220 万 (→ 200),
floors 5–10 (→ 7.5), south (an older intent of 2 rooms does not count); c2 (rep, prospect) 4 rooms, from 150 m²,
up to 600 万, any floor and orientation; c4 (other_rep, prospect) 3 rooms only; c3 (an owner) is not active.
Supply (available homes): u1 3 rooms, 100 m², floor 8, south, 2,500,000; u2 2 rooms, 80 m², floor 2, north,
1,500,000; a contracted unit and a shop are not counted.
Everyone: rooms 3 asked by 2, one available → short; rooms 4 (1 vs 0), area ≥ 144 (1 vs 0), budget ≥ 500 万 (1 vs 0)
short: four bands. The rep alone: rooms 3 is 1 vs 1, so three.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from analytics.selectors.product import product_analysis
from customers.models import Customer, PurchaseIntent
from sales.models import Unit
from tests.factories import CustomerFactory
from tests.sales.factories import UnitFactory

pytestmark = pytest.mark.django_db
D = Decimal
URL = reverse("analytics:product")


def rows(chart) -> dict:
    return {str(row[0]): row[1:3] for row in chart.rows}


@pytest.fixture
def market(org, project_a):
    rep, other = org["rep"], org["other_rep"]
    c1 = CustomerFactory(owner=rep, status=Customer.Status.INTENDING)
    PurchaseIntent.objects.create(customer=c1, rooms=2)
    PurchaseIntent.objects.create(customer=c1, rooms=3, area_min=90, area_max=110, budget_min=D("180"),
                                  budget_max=D("220"), floor_min=5, floor_max=10, orientation="S")  # fmt: skip
    c2 = CustomerFactory(owner=rep, status=Customer.Status.PROSPECT)
    PurchaseIntent.objects.create(customer=c2, rooms=4, area_min=150, budget_max=D("600"))
    c3 = CustomerFactory(owner=rep, status=Customer.Status.OWNER)
    PurchaseIntent.objects.create(customer=c3, rooms=2)
    c4 = CustomerFactory(owner=other, status=Customer.Status.PROSPECT)
    PurchaseIntent.objects.create(customer=c4, rooms=3)
    UnitFactory(building__project=project_a, rooms=3, building_area=D("100"), floor=8, orientation="S",
                list_price=D("2500000"))  # fmt: skip
    UnitFactory(building__project=project_a, rooms=2, building_area=D("80"), floor=2, orientation="N",
                list_price=D("1500000"))  # fmt: skip
    UnitFactory(building__project=project_a, status=Unit.Status.CONTRACTED)
    UnitFactory(building__project=project_a, use=Unit.Use.SHOP)
    return org


def test_demand_against_inventory_by_band(market):
    page = product_analysis(user=market["executive"])
    charts = page["charts"]
    assert page["kpis"] == {"intents": 3, "units": 2, "short": 4}
    assert rows(charts["rooms"]) == {"1": [0, 0], "2": [0, 1], "3": [2, 1], "4": [1, 0], "5+": [0, 0]}
    assert rows(charts["area"]) == {"< 70 m²": [0, 0], "70–90 m²": [0, 1], "90–120 m²": [1, 1],
                                    "120–144 m²": [0, 0], "≥ 144 m²": [1, 0]}  # fmt: skip
    assert rows(charts["budget"]) == {"< 100万": [0, 0], "100–200万": [0, 1], "200–300万": [1, 1],
                                      "300–500万": [0, 0], "≥ 500万": [1, 0]}  # fmt: skip
    assert rows(charts["floor"]) == {"1–3": [0, 1], "4–10": [1, 1], "11–20": [0, 0], "≥ 21": [0, 0]}
    assert rows(charts["orientation"])["South"] == [1, 1] and rows(charts["orientation"])["North"] == [0, 1]
    assert charts["rooms"].rows[2][3:] == [D("0.50"), "Short"]
    assert [row[0] for row in charts["gaps"].rows] == ["Rooms: 3", "Rooms: 4", "Area band: ≥ 144 m²",
                                                       "Budget / price band: ≥ 500万"]  # fmt: skip


def test_a_rep_counts_only_their_customers_demand(market):
    page = product_analysis(user=market["rep"])
    assert page["kpis"] == {"intents": 2, "units": 2, "short": 3}
    assert rows(page["charts"]["rooms"])["3"] == [1, 1]


def test_a_project_filter_limits_demand_and_supply(market, project_b):
    page = product_analysis(user=market["executive"], project=project_b)
    assert page["kpis"] == {"intents": 0, "units": 0, "short": 0}


def test_the_page_and_export(market, client):
    client.force_login(market["team_lead"])
    response = client.get(URL)
    assert response.status_code == 200 and b'data-testid="chart-gaps"' in response.content
    exported = client.get(URL, {"export": "rooms", "format": "csv"})
    table = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert table[0][:3] == ["Rooms", "Customers asking", "Available units"] and table[3][:3] == [
        "3",
        "1",
        "1",
    ]  # Team North: c1 only
    assert client.get(URL, {"export": "rooms", "format": "xlsx"}).status_code == 200
    client.force_login(market["rep"])
    assert client.get(URL).status_code == 403
