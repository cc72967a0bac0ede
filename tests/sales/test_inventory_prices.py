"""Price lists: bulk adjustments by building / floors / layout, their arithmetic, history rows and the rules."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from sales.models import PriceAdjustment, Unit, UnitPriceChange
from sales.services import inventory as services
from tests.sales.factories import BuildingFactory, UnitFactory

PERCENT, PER_M2, SET_PER_M2 = PriceAdjustment.Mode.PERCENT, PriceAdjustment.Mode.PER_M2, PriceAdjustment.Mode.SET_PER_M2


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        (PERCENT, Decimal("3"), Decimal("2060000.00")),
        (PERCENT, Decimal("-2.5"), Decimal("1950000.00")),
        (PERCENT, Decimal("0.333"), Decimal("2006660.00")),
        (PER_M2, Decimal("150"), Decimal("2015000.00")),
        (PER_M2, Decimal("-200.50"), Decimal("1979950.00")),
        (SET_PER_M2, Decimal("23456.78"), Decimal("2345678.00")),
    ],
)
def test_adjusted_price_arithmetic(mode, value, expected):
    assert services.adjusted_price(price=Decimal("2000000.00"), area=Decimal("100"), mode=mode, value=value) == expected


def test_adjusted_price_rounds_half_up_to_the_cent():
    result = services.adjusted_price(price=Decimal("100.01"), area=Decimal("1"), mode=PERCENT, value=Decimal("5"))
    assert result == Decimal("105.01")  # 105.0105 → 105.01
    result = services.adjusted_price(price=Decimal("0.10"), area=Decimal("1"), mode=PERCENT, value=Decimal("5"))
    assert result == Decimal("0.11")  # 0.105 → 0.11


@given(
    price=st.decimals(min_value=Decimal("1.00"), max_value=Decimal("999999999.99"), places=2),
    percent=st.decimals(min_value=Decimal("-99.00"), max_value=Decimal("500.00"), places=2),
)
def test_percent_adjustments_keep_prices_positive_and_in_cents(price, percent):
    result = services.adjusted_price(price=price, area=Decimal("100"), mode=PERCENT, value=percent)
    assert result > 0
    assert result == result.quantize(Decimal("0.01"))
    assert result.as_tuple().exponent == -2


@pytest.fixture
def project_units(db, project_a):
    building = BuildingFactory(project=project_a, name="A")
    other = BuildingFactory(project=project_a, name="B")
    units = {
        "a1": UnitFactory(building=building, floor=1, number="101", rooms=2),
        "a5": UnitFactory(building=building, floor=5, number="501", rooms=3),
        "a9": UnitFactory(building=building, floor=9, number="901", rooms=3),
        "sold": UnitFactory(building=building, floor=5, number="502", rooms=3, status=Unit.Status.CONTRACTED),
        "handed": UnitFactory(building=building, floor=5, number="503", rooms=3, status=Unit.Status.DELIVERED),
        "b5": UnitFactory(building=other, floor=5, number="501", rooms=3),
    }
    return building, units


def prices(units):
    return {key: Unit.objects.get(pk=unit.pk).list_price for key, unit in units.items()}


def test_adjustment_by_building_floor_and_layout_records_history(project_units, project_a, team_lead):
    building, units = project_units
    adjustment = services.price_adjust(
        project=project_a,
        building=building,
        floor_from=2,
        floor_to=9,
        rooms=3,
        mode=PERCENT,
        value=Decimal("5"),
        reason="Spring price rise",
        by=team_lead,
    )
    after = prices(units)
    assert after["a5"] == after["a9"] == Decimal("2100000.00")
    assert after["a1"] == after["b5"] == Decimal("2000000.00")  # outside the floors / building
    assert after["sold"] == after["handed"] == Decimal("2000000.00")  # contracted and delivered are kept
    assert adjustment.units_changed == 2
    assert adjustment.by == team_lead
    changes = UnitPriceChange.objects.filter(adjustment=adjustment)
    assert {(change.unit_id, change.old_price, change.new_price) for change in changes} == {
        (units["a5"].pk, Decimal("2000000.00"), Decimal("2100000.00")),
        (units["a9"].pk, Decimal("2000000.00"), Decimal("2100000.00")),
    }


def test_set_price_per_m2_on_the_whole_project(project_units, project_a, team_lead):
    _building, units = project_units
    services.price_adjust(project=project_a, mode=SET_PER_M2, value=Decimal("30000"), reason="New list", by=team_lead)
    after = prices(units)
    assert after["a1"] == after["b5"] == Decimal("3000000.00")
    assert after["sold"] == Decimal("2000000.00")


def test_a_price_that_would_not_be_positive_changes_nothing(project_units, project_a, team_lead):
    _building, units = project_units
    before = prices(units)
    with pytest.raises(ValidationError, match="positive"):
        services.price_adjust(project=project_a, mode=PER_M2, value=Decimal("-20000"), reason="Too much", by=team_lead)
    assert prices(units) == before
    assert not PriceAdjustment.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"value": Decimal("-100")}, "value"),
        ({"value": Decimal("0")}, "value"),
        ({"floor_from": 9, "floor_to": 2}, "floor_to"),
        ({"mode": "double"}, "mode"),
    ],
)
def test_bad_input_is_refused(project_units, project_a, team_lead, kwargs, field):
    arguments = {"mode": PERCENT, "value": Decimal("3"), "reason": "ok", **kwargs}
    with pytest.raises(ValidationError) as error:
        services.price_adjust(project=project_a, by=team_lead, **arguments)
    assert field in error.value.message_dict
    assert not PriceAdjustment.objects.exists()


def test_nothing_matching_is_a_clear_error(project_units, project_a, team_lead):
    with pytest.raises(ValidationError, match="No unit"):
        services.price_adjust(project=project_a, rooms=7, mode=PERCENT, value=Decimal("3"), reason="x", by=team_lead)


def test_building_of_another_project_is_refused(project_units, project_b, team_lead):
    building, _units = project_units
    with pytest.raises(ValidationError):
        services.price_adjust(
            project=project_b, building=building, mode=PERCENT, value=Decimal("3"), reason="x", by=team_lead
        )


# --- pages ---------------------------------------------------------------------------------------------------


def test_manager_adjusts_prices_through_the_page(client, project_units, project_a, team_lead):
    building, units = project_units
    client.force_login(team_lead)
    url = f"/sales/projects/{project_a.pk}/prices/adjust/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"building": building.pk, "rooms": "2", "mode": PER_M2, "value": "100", "reason": "Corner units"}
    )
    assert response.status_code == 302
    assert prices(units)["a1"] == Decimal("2010000.00")
    history = client.get(response["Location"])
    html = history.content.decode()
    assert "Corner units" in html
    assert 'data-testid="price-changes"' in html
    panel = client.get(f"/sales/units/{units['a1'].pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "Corner units" in panel


def test_form_errors_are_shown_not_500(client, project_units, project_a, team_lead):
    client.force_login(team_lead)
    url = f"/sales/projects/{project_a.pk}/prices/adjust/"
    response = client.post(url, {"mode": PERCENT, "value": "3", "reason": "x", "rooms": "8"})
    assert response.status_code == 200
    assert "No unit" in response.content.decode()
    response = client.post(url, {"mode": PERCENT, "value": "3", "reason": ""})
    assert response.status_code == 200
    assert not PriceAdjustment.objects.exists()


def test_rep_may_not_adjust_prices_but_may_read_the_history(client, project_units, project_a, rep):
    client.force_login(rep)
    url = f"/sales/projects/{project_a.pk}/prices/adjust/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"mode": PERCENT, "value": "3", "reason": "x"}).status_code == 403
    assert client.get(f"/sales/projects/{project_a.pk}/prices/").status_code == 200


def test_price_history_of_a_project_outside_scope_is_not_found(client, project_b, service_agent):
    client.force_login(service_agent)
    assert client.get(f"/sales/projects/{project_b.pk}/prices/").status_code == 404
