"""The unit panel and its actions: hold, release, not for sale; who may do what; the live deal shown by scope."""

import pytest
from django.core.exceptions import ValidationError

from sales.models import Deal, Unit
from sales.services import inventory as services
from tests.sales.factories import DealFactory, UnitFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def url(unit, action=""):
    return f"/sales/units/{unit.pk}/{action + '/' if action else ''}"


def status_of(unit):
    unit.refresh_from_db()
    return unit.status


# --- services ------------------------------------------------------------------------------------------------


def test_hold_marks_an_available_unit_held_by_the_user(rep):
    unit = UnitFactory()
    services.unit_hold(unit=unit, by=rep)
    unit.refresh_from_db()
    assert unit.status == Unit.Status.HELD
    assert unit.held_by == rep
    assert unit.status_changed_at is not None


@pytest.mark.parametrize("status", [Unit.Status.HELD, Unit.Status.RESERVED, Unit.Status.CONTRACTED, "not_for_sale"])
def test_hold_refuses_a_unit_that_is_not_available(rep, status):
    unit = UnitFactory(status=status)
    with pytest.raises(ValidationError) as error:
        services.unit_hold(unit=unit, by=rep)
    assert error.value.code == services.CONFLICT
    assert status_of(unit) == status


def test_hold_loses_to_a_change_made_since_the_unit_was_read(rep, other_rep):
    unit = UnitFactory()
    stale = Unit.objects.get(pk=unit.pk)
    services.unit_hold(unit=unit, by=other_rep)
    with pytest.raises(ValidationError):
        services.unit_hold(unit=stale, by=rep)
    unit.refresh_from_db()
    assert unit.held_by == other_rep


def test_release_by_the_holder_or_a_manager(rep, other_rep, team_lead):
    unit = UnitFactory(status=Unit.Status.HELD, held_by=rep)
    with pytest.raises(ValidationError):
        services.unit_release(unit=unit, by=other_rep)
    assert status_of(unit) == Unit.Status.HELD
    services.unit_release(unit=unit, by=team_lead)
    unit.refresh_from_db()
    assert (unit.status, unit.held_by) == (Unit.Status.AVAILABLE, None)


def test_not_for_sale_and_back(team_lead):
    unit = UnitFactory(status=Unit.Status.HELD, held_by=team_lead)
    services.unit_set_availability(unit=unit, for_sale=False, by=team_lead)
    assert status_of(unit) == Unit.Status.NOT_FOR_SALE
    services.unit_set_availability(unit=unit, for_sale=True, by=team_lead)
    assert status_of(unit) == Unit.Status.AVAILABLE
    contracted = UnitFactory(status=Unit.Status.CONTRACTED)
    with pytest.raises(ValidationError):
        services.unit_set_availability(unit=contracted, for_sale=False, by=team_lead)


# --- views ---------------------------------------------------------------------------------------------------


def test_unit_page_and_panel(client, rep):
    unit = UnitFactory(number="1801")
    client.force_login(rep)
    page = client.get(url(unit))
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    panel = client.get(url(unit), headers=HX)
    html = panel.content.decode()
    assert "<html" not in html
    assert 'data-testid="unit-panel"' in html
    assert "1801" in html
    assert "Hold" in html
    assert "Cost basis" not in html  # reps do not see the cost


def test_manager_sees_cost_basis_and_availability_action(client, team_lead):
    unit = UnitFactory()
    client.force_login(team_lead)
    html = client.get(url(unit), headers=HX).content.decode()
    assert "Cost basis" in html
    assert "Not for sale" in html


def test_hold_through_htmx_redraws_the_panel_and_refreshes_the_grid(client, rep):
    unit = UnitFactory()
    client.force_login(rep)
    response = client.post(url(unit, "hold"), headers=HX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "inventory-changed"
    assert "Release hold" in response.content.decode()
    assert status_of(unit) == Unit.Status.HELD


def test_hold_conflict_shows_the_error_in_the_panel(client, rep):
    unit = UnitFactory(status=Unit.Status.CONTRACTED)
    client.force_login(rep)
    response = client.post(url(unit, "hold"), headers=HX)
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert "nothing was changed" in response.content.decode()


def test_hold_without_htmx_redirects_to_the_unit(client, rep):
    unit = UnitFactory()
    client.force_login(rep)
    response = client.post(url(unit, "hold"))
    assert response.status_code == 302
    assert response["Location"] == url(unit)


def test_release_of_a_colleagues_hold_is_refused(client, rep, other_rep):
    unit = UnitFactory(status=Unit.Status.HELD, held_by=other_rep)
    client.force_login(rep)
    client.post(url(unit, "release"), headers=HX)
    assert status_of(unit) == Unit.Status.HELD


def test_rep_may_not_change_availability(client, rep):
    unit = UnitFactory()
    client.force_login(rep)
    assert client.post(url(unit, "availability"), {"for_sale": "0"}).status_code == 403
    assert status_of(unit) == Unit.Status.AVAILABLE


def test_manager_takes_a_unit_off_the_market(client, team_lead):
    unit = UnitFactory()
    client.force_login(team_lead)
    response = client.post(url(unit, "availability"), {"for_sale": "0"}, headers=HX)
    assert response.status_code == 200
    assert status_of(unit) == Unit.Status.NOT_FOR_SALE


@pytest.mark.parametrize("role", ["executive", "service_agent"])
def test_roles_without_hold_rights_get_403(client, org, project_a, role):
    unit = UnitFactory(building__project=project_a)
    client.force_login(org[role])
    assert client.post(url(unit, "hold")).status_code == 403
    assert status_of(unit) == Unit.Status.AVAILABLE


def test_actions_need_post(client, rep):
    unit = UnitFactory()
    client.force_login(rep)
    assert client.get(url(unit, "hold")).status_code == 405


def test_panel_shows_the_deal_customer_only_to_who_may_see_the_deal(client, rep, other_rep):
    deal = DealFactory(opportunity__customer__name="张三", opportunity__customer__owner=rep)
    assert deal.state == Deal.State.LIVE
    client.force_login(rep)
    assert "张三" in client.get(url(deal.unit), headers=HX).content.decode()
    client.force_login(other_rep)
    html = client.get(url(deal.unit), headers=HX).content.decode()
    assert "张三" not in html
    assert "A colleague&#x27;s customer" in html or "A colleague's customer" in html


def test_panel_of_a_unit_outside_the_users_projects_is_not_found(client, service_agent, project_b):
    unit = UnitFactory(building__project=project_b)
    client.force_login(service_agent)
    assert client.get(url(unit)).status_code == 404
    assert client.get("/sales/units/999999/").status_code == 404
