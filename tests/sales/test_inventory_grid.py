"""The sales-control grid (销控表): floors × units, status legend, dimming filters, one query, scope and permissions."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sales.models import Unit
from sales.selectors import inventory as selectors
from sales.selectors.inventory import GridFilters
from tests.sales.factories import BuildingFactory, DealFactory, UnitFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def make_units(building, floors, per_floor, **extra):
    return [
        UnitFactory(building=building, floor=floor, number=f"{floor}{position:02d}", **extra)
        for floor in range(1, floors + 1)
        for position in range(1, per_floor + 1)
    ]


def grid_url(building):
    return f"/sales/buildings/{building.pk}/"


def test_grid_groups_units_by_floor_with_the_top_floor_first():
    building = BuildingFactory(floors=3)
    make_units(building, 3, 2)
    grid = selectors.building_grid(building=building, filters=None)
    assert [floor.number for floor in grid["floors"]] == [3, 2, 1]
    assert [cell["number"] for cell in grid["floors"][0].cells] == ["301", "302"]
    assert grid["total"] == 6
    assert grid["matched"] == 6
    assert not grid["filtered"]


def test_grid_cells_carry_display_strings():
    building = BuildingFactory()
    UnitFactory(building=building, floor=1, number="101", list_price=Decimal("2345678"), building_area=Decimal("118.5"))
    cell = selectors.building_grid(building=building)["floors"][0].cells[0]
    assert cell["price"] == "234.6"
    assert cell["line"] == "3-2-2 · 118.5m²"
    assert "19,795" in cell["tip"]  # price per m²


def test_legend_counts_every_status():
    building = BuildingFactory()
    UnitFactory(building=building, floor=1, number="101", status=Unit.Status.AVAILABLE)
    UnitFactory(building=building, floor=1, number="102", status=Unit.Status.AVAILABLE)
    UnitFactory(building=building, floor=2, number="201", status=Unit.Status.CONTRACTED)
    legend = {status: count for status, _label, count in selectors.building_grid(building=building)["legend"]}
    assert legend["available"] == 2
    assert legend["contracted"] == 1
    assert legend["held"] == 0
    assert set(legend) == set(Unit.Status.values)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "held"}, {"102"}),
        ({"rooms": 2}, {"201"}),
        ({"rooms": 5}, {"202"}),
        ({"price_min": Decimal("3000000")}, {"202"}),
        ({"price_max": Decimal("1500000")}, {"201"}),
        ({"area_min": Decimal("120")}, {"202"}),
        ({"area_max": Decimal("80"), "rooms": 2}, {"201"}),
    ],
)
def test_filters_dim_cells_that_do_not_match(filters, expected):
    building = BuildingFactory()
    UnitFactory(building=building, floor=1, number="101")
    UnitFactory(building=building, floor=1, number="102", status=Unit.Status.HELD)
    UnitFactory(
        building=building,
        floor=2,
        number="201",
        rooms=2,
        list_price=Decimal("1200000"),
        building_area=Decimal("75"),
    )
    UnitFactory(
        building=building,
        floor=2,
        number="202",
        rooms=6,
        list_price=Decimal("3600000"),
        building_area=Decimal("160"),
    )
    grid = selectors.building_grid(building=building, filters=GridFilters(**filters))
    cells = [cell for floor in grid["floors"] for cell in floor.cells]
    assert {cell["number"] for cell in cells if cell["match"]} == expected
    assert all(cell["css"].endswith(" dim") for cell in cells if not cell["match"])
    assert grid["matched"] == len(expected)
    assert grid["total"] == 4  # dimmed, not hidden


def test_grid_page_renders_cells_legend_polling_and_filter(client, rep):
    building = BuildingFactory()
    make_units(building, 2, 2)
    client.force_login(rep)
    response = client.get(grid_url(building))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 15s' in html
    assert html.count('data-bs-target="#unit-panel"') == 4
    assert 'data-testid="legend"' in html
    assert 'data-testid="grid-filter"' in html
    assert html.index(">2F<") < html.index(">1F<")


def test_grid_htmx_request_renders_only_the_partial_with_filters(client, rep):
    building = BuildingFactory()
    UnitFactory(building=building, floor=1, number="101", rooms=2)
    UnitFactory(building=building, floor=1, number="102", rooms=3)
    client.force_login(rep)
    response = client.get(grid_url(building), {"rooms": "2"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.startswith('\n<div id="grid"') or html.lstrip().startswith('<div id="grid"')
    assert html.count(" dim") == 1
    assert "1 of 2 units match" in html


def test_bad_filter_values_are_ignored_not_a_500(client, rep):
    building = BuildingFactory()
    UnitFactory(building=building, floor=1, number="101")
    client.force_login(rep)
    response = client.get(grid_url(building), {"price_min": "abc", "rooms": "99", "status": "nope"})
    assert response.status_code == 200
    assert " dim" not in response.content.decode()


def test_grid_never_shows_customer_names(client, rep):
    deal = DealFactory(opportunity__customer__name="王秘密客户", opportunity__owner=rep)
    deal.unit.status = Unit.Status.RESERVED
    deal.unit.save()
    client.force_login(rep)
    html = client.get(grid_url(deal.unit.building)).content.decode()
    assert "王秘密客户" not in html


def test_grid_query_count_does_not_grow_with_units(client, rep):
    small, large = BuildingFactory(), BuildingFactory()
    make_units(small, 5, 4)  # 20 units
    make_units(large, 20, 10)  # 200 units
    client.force_login(rep)
    client.get(grid_url(small))  # warm up session and permission caches

    def count(building):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(grid_url(building)).status_code == 200
        return len(queries)

    assert count(small) == count(large)
    with CaptureQueriesContext(connection) as queries:
        selectors.building_grid(building=large)
    assert len(queries) == 1


def test_grid_of_a_project_outside_the_users_projects_is_not_found(client, service_agent, project_a, project_b):
    mine = BuildingFactory(project=project_a)
    theirs = BuildingFactory(project=project_b)
    client.force_login(service_agent)
    assert client.get(grid_url(mine)).status_code == 200
    assert client.get(grid_url(theirs)).status_code == 404
    assert client.get(f"/sales/projects/{project_b.pk}/").status_code == 404


def test_roles_without_view_unit_are_forbidden(client, org):
    building = BuildingFactory()
    client.force_login(org["marketing"])
    assert client.get(grid_url(building)).status_code == 403
    assert client.get("/sales/projects/").status_code == 403


def test_missing_building_is_not_found(client, rep):
    client.force_login(rep)
    assert client.get("/sales/buildings/999999/").status_code == 404


def test_cell_text_is_escaped(client, rep):
    building = BuildingFactory()
    UnitFactory(building=building, floor=1, number='<b id="x">1</b>')
    client.force_login(rep)
    html = client.get(grid_url(building)).content.decode()
    assert '<b id="x">' not in html
    assert "&lt;b id=&quot;x&quot;&gt;1&lt;/b&gt;" in html
