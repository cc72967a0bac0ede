"""The inventory API: projects, buildings, units (scoped, paginated), and holds through PATCH status."""

import json

import pytest

from sales.models import Unit
from tests.sales.factories import BuildingFactory, UnitFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/inventory"


def patch(client, unit, status):
    return client.patch(
        f"{API}/units/{unit.pk}/status/", data=json.dumps({"status": status}), content_type="application/json"
    )


def test_anonymous_is_refused(client):
    assert client.get(f"{API}/projects/").status_code == 401


def test_projects_with_counts(client, rep, project_a):
    building = BuildingFactory(project=project_a)
    UnitFactory(building=building, floor=1, number="101")
    UnitFactory(building=building, floor=1, number="102", status=Unit.Status.HELD)
    client.force_login(rep)
    body = client.get(f"{API}/projects/").json()
    project = next(item for item in body if item["id"] == project_a.pk)
    assert project["unit_total"] == 2
    assert project["counts"]["available"] == 1
    assert project["counts"]["held"] == 1


def test_buildings_of_a_project(client, rep, project_a):
    building = BuildingFactory(project=project_a, name="7栋")
    UnitFactory(building=building)
    client.force_login(rep)
    body = client.get(f"{API}/projects/{project_a.pk}/buildings/").json()
    assert [(item["name"], item["unit_total"]) for item in body] == [("7栋", 1)]


def test_units_are_paginated_and_filtered_by_status(client, rep):
    building = BuildingFactory()
    for number in range(120):
        UnitFactory(building=building, floor=number // 10 + 1, number=f"U{number:03d}")
    UnitFactory(building=building, floor=1, number="H1", status=Unit.Status.HELD)
    client.force_login(rep)
    first = client.get(f"{API}/buildings/{building.pk}/units/").json()
    assert first["count"] == 121
    assert len(first["items"]) == 100
    held = client.get(f"{API}/buildings/{building.pk}/units/", {"status": "held"}).json()
    assert [item["number"] for item in held["items"]] == ["H1"]
    assert client.get(f"{API}/buildings/{building.pk}/units/", {"status": "sold"}).status_code == 422


def test_unit_detail(client, rep):
    unit = UnitFactory(number="808")
    client.force_login(rep)
    body = client.get(f"{API}/units/{unit.pk}/").json()
    assert body["number"] == "808"
    assert body["list_price"] == "2000000.00"
    assert body["price_per_m2"] == "20000.00"
    assert "cost_basis" not in body


def test_scope_hides_other_projects(client, service_agent, project_a, project_b):
    theirs = UnitFactory(building__project=project_b)
    client.force_login(service_agent)
    assert client.get(f"{API}/units/{theirs.pk}/").status_code == 404
    assert client.get(f"{API}/buildings/{theirs.building_id}/units/").status_code == 404
    assert client.get(f"{API}/projects/{project_b.pk}/buildings/").status_code == 404
    assert {item["id"] for item in client.get(f"{API}/projects/").json()} == {project_a.pk}


def test_roles_without_view_unit_get_403(client, org):
    client.force_login(org["marketing"])
    assert client.get(f"{API}/projects/").status_code == 403


def test_hold_and_release(client, rep):
    unit = UnitFactory()
    client.force_login(rep)
    response = patch(client, unit, "held")
    assert response.status_code == 200
    assert response.json()["status"] == "held"
    assert response.json()["held_by_id"] == rep.pk
    assert patch(client, unit, "held").status_code == 409  # held already
    response = patch(client, unit, "available")
    assert response.status_code == 200
    unit.refresh_from_db()
    assert unit.status == Unit.Status.AVAILABLE


def test_conflicting_status_is_409(client, rep):
    unit = UnitFactory(status=Unit.Status.CONTRACTED)
    client.force_login(rep)
    response = patch(client, unit, "held")
    assert response.status_code == 409
    assert response.json()["status"] == "contracted"


def test_bad_status_is_422(client, rep):
    unit = UnitFactory()
    client.force_login(rep)
    assert patch(client, unit, "contracted").status_code == 422
    assert client.patch(f"{API}/units/{unit.pk}/status/", data="{}", content_type="application/json").status_code == 422
    unit.refresh_from_db()
    assert unit.status == Unit.Status.AVAILABLE


def test_permissions_of_status_changes(client, rep, other_rep, team_lead, executive):
    unit = UnitFactory(status=Unit.Status.HELD, held_by=other_rep)
    client.force_login(rep)
    assert patch(client, unit, "available").status_code == 403  # a colleague's hold
    assert patch(client, unit, "not_for_sale").status_code == 403
    client.force_login(executive)
    assert patch(client, UnitFactory(), "held").status_code == 403
    client.force_login(team_lead)
    assert patch(client, unit, "not_for_sale").status_code == 200
    assert patch(client, unit, "available").status_code == 200
    unit.refresh_from_db()
    assert unit.status == Unit.Status.AVAILABLE
