"""Recommendations on hand-computed data.

Intent: 3 rooms, 90–110 m², budget 180–220 (万), floors 5–10, south, project A preferred. Weights: budget 30, area 20,
rooms 20, floor 10, orientation 10, project 10.
    u1 (A, 3 rooms, 100 m², floor 8, S, 2,000,000): every part matches → 100.
    u3 (B, otherwise like u1): not a preferred project → 90.
    u2 (A, 2 rooms, 100 m², floor 12, SE, 2,300,000): budget 1 − 100,000 / (2,200,000 × 0.2) = 0.7727 → 23.18;
        area 20; rooms one off 10; floor two above → 1 − 2/5 → 6; south-east next to south 5; project 10 → 74.2.
    Not candidates: a contracted unit, a shop, a unit at 3,000,000 (over the budget + 20 %).
Similar intent: c2 (3 rooms, 190–210 万) bought a 3-2-2 in project A; c3 (2 rooms) is not similar.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from analytics.selectors.recommendations import customer_recommendations, recommend, similar_bought
from customers.models import Customer, PurchaseIntent
from sales.models import Deal, Unit
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, UnitFactory

pytestmark = pytest.mark.django_db
D = Decimal


def intent_for(customer, project=None, **values):
    intent = PurchaseIntent.objects.create(customer=customer, **values)
    if project is not None:
        intent.projects.add(project)
    return intent


@pytest.fixture
def shop_window(org, project_a, project_b):
    def unit(project, **values):
        defaults = {"rooms": 3, "building_area": D("100"), "floor": 8, "orientation": "S", "list_price": D("2000000")}
        return UnitFactory(building__project=project, **{**defaults, **values})

    units = {
        "u1": unit(project_a),
        "u2": unit(project_a, rooms=2, floor=12, orientation="SE", list_price=D("2300000")),
        "u3": unit(project_b),
        "sold": unit(project_a, status=Unit.Status.CONTRACTED),
        "shop": unit(project_a, use=Unit.Use.SHOP),
        "dear": unit(project_a, list_price=D("3000000")),
    }
    customer = CustomerFactory(owner=org["rep"], status=Customer.Status.INTENDING)
    intent = intent_for(customer, project_a, rooms=3, area_min=90, area_max=110, budget_min=D("180"),
                        budget_max=D("220"), floor_min=5, floor_max=10, orientation="S")  # fmt: skip
    return {**org, **units, "customer": customer, "intent": intent, "project_a": project_a}


def test_units_ranked_by_the_stated_weighted_score(shop_window, django_assert_max_num_queries):
    # The preferred projects, the candidate ids (one UNION on PostgreSQL, six scans on SQLite), the units.
    with django_assert_max_num_queries(3 if connection.features.supports_slicing_ordering_in_compound else 8):
        ranked = recommend(shop_window["intent"])
    assert [(item.unit.pk, item.score) for item in ranked] == [
        (shop_window["u1"].pk, D("100.0")), (shop_window["u3"].pk, D("90.0")), (shop_window["u2"].pk, D("74.2")),
    ]  # fmt: skip
    parts = {str(label): points for label, _weight, points in ranked[2].parts}
    assert parts == {"Budget": D("23.2"), "Area": D("20.0"), "Rooms": D("10.0"), "Floor": D("6.0"),
                     "Orientation": D("5.0"), "Project": D("10.0")}  # fmt: skip


def test_an_open_intent_matches_everything_available(shop_window):
    open_intent = intent_for(CustomerFactory(owner=shop_window["rep"]))
    ranked = recommend(open_intent, limit=10)
    assert {item.score for item in ranked} == {D("100.0")}
    assert len(ranked) == 4  # u1, u2, u3, dear: not the contracted unit, not the shop


def test_buyers_with_a_similar_intent_bought(shop_window):
    project_a = shop_window["project_a"]
    c2 = CustomerFactory(owner=shop_window["rep"])
    intent_for(c2, rooms=3, budget_min=D("190"), budget_max=D("210"))
    DealFactory(opportunity__customer=c2, opportunity__project=project_a, stage=Deal.Stage.CONTRACT,
                price=D("2000000"))  # fmt: skip
    c3 = CustomerFactory(owner=shop_window["rep"])
    intent_for(c3, rooms=2, budget_min=D("190"), budget_max=D("210"))
    DealFactory(opportunity__customer=c3, opportunity__project=project_a, stage=Deal.Stage.CONTRACT,
                unit__rooms=2, price=D("1500000"))  # fmt: skip
    assert similar_bought(shop_window["intent"], customer_id=shop_window["customer"].pk) == [
        {"project": "Project A", "layout": "3-2-2", "buyers": 1}
    ]


def test_the_section_on_the_customer_page_with_a_reserve_link(shop_window, client):
    customer = shop_window["customer"]
    client.force_login(shop_window["rep"])
    response = client.get(customer.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="customer-recommendations"' in content
    reserve = f"{reverse('sales:deal-reserve')}?unit={shop_window['u1'].pk}&amp;customer={customer.pk}"
    assert reserve in content
    assert (
        client.get(f"{reverse('sales:deal-reserve')}?unit={shop_window['u1'].pk}&customer={customer.pk}").status_code
        == 200
    )


def test_no_section_for_an_owner_or_without_an_intent(shop_window):
    customer = shop_window["customer"]
    assert customer_recommendations(customer=customer, user=shop_window["rep"]) is not None
    bare = CustomerFactory(owner=shop_window["rep"], status=Customer.Status.INTENDING)
    assert customer_recommendations(customer=bare, user=shop_window["rep"]) is None
    Customer.objects.filter(pk=customer.pk).update(status=Customer.Status.OWNER)
    customer.refresh_from_db()
    assert customer_recommendations(customer=customer, user=shop_window["rep"]) is None
