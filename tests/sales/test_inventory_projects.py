"""Projects and buildings: the list with counts and sold value (one query), detail, create and edit."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sales.models import Building, Deal, Project, Unit
from sales.selectors import inventory as selectors
from tests.factories import ProjectFactory
from tests.sales.factories import BuildingFactory, DealFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_project_list_counts_statuses_and_sold_value(rep, project_a):
    building = BuildingFactory(project=project_a)
    UnitFactory(building=building, floor=1, number="101")
    UnitFactory(building=building, floor=1, number="102", status=Unit.Status.CONTRACTED)
    DealFactory(
        opportunity__project=project_a,
        unit__building=building,
        stage=Deal.Stage.CONTRACT,
        price=Decimal("1900000"),
    )
    DealFactory(opportunity__project=project_a, unit__building=building, state=Deal.State.CANCELLED)
    projects = {project.pk: project for project in selectors.project_list_with_counts(user=rep)}
    project = projects[project_a.pk]
    counts = {status: count for status, _label, count in project.counts}
    assert counts["available"] == 3  # two deal units were created available
    assert counts["contracted"] == 1
    assert project.unit_total == 4
    assert project.sold_value == Decimal("1900000.00")


def test_project_list_is_one_query_however_many_projects(rep):
    for index in range(5):
        UnitFactory(building=BuildingFactory(project=ProjectFactory(code=f"p{index}")))
    rep.staff  # noqa: B018 - load the profile the scope reads
    selectors.project_list_with_counts(user=rep)
    with CaptureQueriesContext(connection) as queries:
        selectors.project_list_with_counts(user=rep)
    assert len(queries) == 1


def test_project_pages(client, rep, project_a):
    building = BuildingFactory(project=project_a, name="9栋")
    UnitFactory(building=building)
    client.force_login(rep)
    listing = client.get("/sales/projects/").content.decode()
    assert project_a.name in listing
    detail = client.get(f"/sales/projects/{project_a.pk}/").content.decode()
    assert "9栋" in detail
    assert f"/sales/buildings/{building.pk}/" in detail


def test_admin_creates_and_edits_a_project(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/sales/projects/new/", {"name": "湖畔", "code": "lakeside", "active": "on"})
    project = Project.objects.get(code="lakeside")
    assert response["Location"] == project.get_absolute_url()
    response = client.post(f"/sales/projects/{project.pk}/edit/", {"name": "湖畔二期", "code": "lakeside"})
    project.refresh_from_db()
    assert (project.name, project.active) == ("湖畔二期", False)


def test_admin_creates_and_edits_buildings_with_unique_names(client, admin_user, project_a):
    client.force_login(admin_user)
    url = f"/sales/projects/{project_a.pk}/buildings/new/"
    assert client.post(url, {"name": "1栋", "floors": "18"}).status_code == 302
    response = client.post(url, {"name": "1栋", "floors": "18"})
    assert response.status_code == 200
    assert "already has a building" in response.content.decode()
    building = Building.objects.get(project=project_a, name="1栋")
    client.post(f"/sales/buildings/{building.pk}/edit/", {"name": "1号楼", "floors": "20", "sale_permit": "预2026-1"})
    building.refresh_from_db()
    assert (building.name, building.floors) == ("1号楼", 20)


def test_managers_and_reps_may_not_create_projects_or_buildings(client, rep, team_lead, project_a):
    building = BuildingFactory(project=project_a)
    for user in (rep, team_lead):
        client.force_login(user)
        assert client.get("/sales/projects/new/").status_code == 403
        assert client.post(f"/sales/projects/{project_a.pk}/edit/", {"name": "x", "code": "x"}).status_code == 403
        assert client.get(f"/sales/projects/{project_a.pk}/buildings/new/").status_code == 403
        assert client.get(f"/sales/buildings/{building.pk}/edit/").status_code == 403
    project_a.refresh_from_db()
    assert project_a.name == "Project A"
