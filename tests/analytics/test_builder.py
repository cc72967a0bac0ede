"""The report builder: hand-computed groups and totals, the viewer's scope and masking, the whitelist, exports.

The world: rep (team North) owns customers A1 (phone 13811112222) and A2; other_rep (team South) owns B1.
Deals: A1 contract 2,000,000; A2 reservation 1,000,000 (no price: list price only); B1 contract 3,000,000.
"""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import SavedReport
from analytics.selectors import builder as selectors
from crm_site.models import AccessLog
from sales.models import Deal
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory

D = Decimal


@pytest.fixture
def world(org, project_a):
    rep, other_rep = org["rep"], org["other_rep"]
    a1 = CustomerFactory(owner=rep, project=project_a, name="A1", phone="13811112222")
    a2 = CustomerFactory(owner=rep, project=project_a, name="A2")
    b1 = CustomerFactory(owner=other_rep, project=project_a, name='=HYPERLINK("http://x")')
    DealFactory(opportunity__customer=a1, opportunity__project=project_a, stage=Deal.Stage.CONTRACT, price=D("2000000"))
    DealFactory(opportunity__customer=a2, opportunity__project=project_a, stage=Deal.Stage.RESERVATION, price=None)
    DealFactory(opportunity__customer=b1, opportunity__project=project_a, stage=Deal.Stage.CONTRACT, price=D("3000000"))
    return {"a1": a1, "a2": a2, "b1": b1}


def login(client, user):
    client.force_login(user)
    return client


def definition(**raw):
    return selectors.parse({"type": "deals", **raw})


def test_grouped_counts_sums_and_averages_equal_hand_computed_values(org, world):
    report = definition(
        group=["stage"],
        aggregates=[{"fn": "count"}, {"fn": "sum", "field": "price"}, {"fn": "avg", "field": "price"}],
    )
    result = selectors.run(report, user=org["executive"])
    by_stage = {row[0]: row[1:] for row in result.rows}
    contract = str(Deal.Stage.CONTRACT.label)
    reservation = str(Deal.Stage.RESERVATION.label)
    # Contracts: 2,000,000 + 3,000,000 = 5,000,000 over 2 → average 2,500,000.
    assert by_stage[contract] == [2, D("5000000.00"), D("2500000.00")]
    # The reservation has no price: counted, no sum, no average.
    assert by_stage[reservation] == [1, None, None]
    assert result.totals[1:] == [3, D("5000000.00"), D("2500000.00")]
    chart = result.chart.data()
    # The chart draws the first sum chosen (the count is in the table); no sum is a gap, not a zero.
    assert dict(zip(chart["categories"], chart["series"][0]["data"], strict=True)) == {
        contract: 5_000_000.0,
        reservation: None,
    }


def test_two_group_levels_and_filters(org, world):
    report = definition(
        group=["stage", "owner"],
        filters=[{"field": "price", "op": "gte", "value": "2500000"}],
        aggregates=[{"fn": "sum", "field": "price"}],
    )
    result = selectors.run(report, user=org["executive"])
    assert len(result.rows) == 1
    assert result.rows[0][0] == str(Deal.Stage.CONTRACT.label)
    assert result.rows[0][2] == D("3000000.00")
    assert report.described_filters() == ["Price is at least 2500000"]
    # Two levels: a cross table, a series per owner.
    chart = result.chart.data()
    assert chart["categories"] == [str(Deal.Stage.CONTRACT.label)]
    assert [series["data"] for series in chart["series"]] == [[3_000_000.0]]


def test_a_rep_running_a_managers_shared_report_sees_only_own_rows(client, org, world):
    manager = org["team_lead"]
    report = SavedReport.objects.create(
        name="All deals",
        owner=manager,
        team=org["department"],
        record_type="deals",
        definition=definition(columns=["customer", "price"]).as_json(),
    )
    assert selectors.run(selectors.parse(report.definition), user=org["executive"]).total == 3
    page = login(client, org["rep"]).get(reverse("analytics:builder-run", args=[report.pk]))
    assert page.status_code == 200
    names = {row[0] for row in page.context["result"].rows}
    assert names == {"A1", "A2"}
    assert "=HYPERLINK" not in page.content.decode()
    # The list shows it (shared with the department above the rep's team).
    listing = client.get(reverse("analytics:builder-list"))
    assert "All deals" in listing.content.decode()


def test_report_not_shared_with_the_viewer_is_not_found(client, org, world):
    report = SavedReport.objects.create(
        name="Mine", owner=org["team_lead"], record_type="deals", definition=definition().as_json()
    )
    response = login(client, org["other_rep"]).get(reverse("analytics:builder-run", args=[report.pk]))
    assert response.status_code == 404


def test_phone_is_masked_unless_the_viewer_may_see_it(org, world):
    report = selectors.parse({"type": "customers", "columns": ["name", "phone"]})
    # Marketing reads every customer (scope all) but holds no view_sensitive: masked, as on the lists.
    marketing = {row[0]: row[1] for row in selectors.run(report, user=org["marketing"]).rows}
    assert marketing["A1"] == "138****2222"
    assert not AccessLog.objects.filter(user=org["marketing"]).exists()
    # The owner sees their own customer's phone, and the view is logged.
    rep_rows = {row[0]: row[1] for row in selectors.run(report, user=org["rep"]).rows}
    assert rep_rows["A1"] == "13811112222"
    assert AccessLog.objects.filter(user=org["rep"], object_id=str(world["a1"].pk), fields="phone").exists()
    # A deal report masks the customer's phone the same way.
    deals = selectors.parse({"type": "deals", "columns": ["customer", "customer_phone"]})
    assert {row[0]: row[1] for row in selectors.run(deals, user=org["marketing"]).rows}["A1"] == "138****2222"
    # Masked columns can be neither filtered nor grouped.
    with pytest.raises(selectors.DefinitionError):
        selectors.parse({"type": "customers", "filters": [{"field": "phone", "op": "contains", "value": "138"}]})
    with pytest.raises(selectors.DefinitionError):
        selectors.parse({"type": "customers", "group": ["phone"]})


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "auth_user"},
        {"type": "deals", "columns": ["owner__password"]},
        {"type": "deals", "columns": ["price__gt"]},
        {"type": "deals", "filters": [{"field": "owner__is_superuser", "op": "eq", "value": "1"}]},
        {"type": "deals", "filters": [{"field": "price", "op": "regex", "value": ".*"}]},
        {"type": "deals", "filters": [{"field": "price", "op": "gte", "value": "NaN"}]},
        {"type": "deals", "filters": [{"field": "signed_on", "op": "gte", "value": "yesterday"}]},
        {"type": "deals", "filters": [{"field": "stage", "op": "eq", "value": "nope"}]},
        {"type": "deals", "group": ["customer"]},
        {"type": "deals", "aggregates": [{"fn": "sum", "field": "stage"}]},
        {"type": "deals", "aggregates": [{"fn": "max", "field": "price"}]},
    ],
)
def test_whitelist_refuses_anything_the_registry_does_not_offer(db, raw):
    with pytest.raises(selectors.DefinitionError) as error:
        selectors.parse(raw)
    assert error.value.messages


def test_bad_query_string_shows_a_message_not_a_500(client, org, world):
    login(client, org["team_lead"])
    response = client.get(reverse("analytics:builder"), {"type": "deals", "col": "owner__password", "ff0": "x"})
    assert response.status_code == 200
    assert response.context["errors"]
    response = client.get(reverse("analytics:builder"), {"type": "nope"})
    assert response.status_code == 200 and response.context["errors"]


def test_the_builder_page_shows_groups_and_a_chart(client, org, world):
    login(client, org["executive"])
    response = client.get(
        reverse("analytics:builder"), {"type": "deals", "group": "stage", "agg": ["count", "sum:price"], "chart": "pie"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-chart="chart-data-builder"' in body
    assert response.context["result"].grouped


def test_export_neutralises_formulas_and_matches_the_screen(client, org, world):
    login(client, org["executive"])
    params = {"type": "deals", "col": ["customer", "price"], "export": "rows"}
    response = client.get(reverse("analytics:builder"), {**params, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(cell.startswith("=") for cell in cells)
    response = client.get(reverse("analytics:builder"), {**params, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [cell.value for row in book.active.iter_rows() for cell in row if cell.value]
    assert '\'=HYPERLINK("http://x")' in values
    assert "3000000.00" in values and "2000000.00" in values


def test_export_refuses_past_the_cap(client, org, world, monkeypatch):
    monkeypatch.setattr(selectors, "EXPORT_ROWS", 2)
    login(client, org["executive"])
    response = client.get(reverse("analytics:builder"), {"type": "deals", "export": "rows", "format": "csv"})
    assert response.status_code == 302


def test_save_and_share(client, org, world):
    login(client, org["team_lead"])
    response = client.post(
        reverse("analytics:builder-save"),
        {"type": "deals", "group": "stage", "agg": "sum:price", "name": "By stage", "team": org["north"].pk},
    )
    report = SavedReport.objects.get(name="By stage")
    assert response.status_code == 302
    assert report.owner == org["team_lead"] and report.team == org["north"]
    assert report.definition["group"] == ["stage"]
    # Bad input: no name → a message, nothing saved.
    client.post(reverse("analytics:builder-save"), {"type": "deals", "name": ""})
    client.post(reverse("analytics:builder-save"), {"type": "deals", "col": "owner__password", "name": "x"})
    assert SavedReport.objects.count() == 1


def test_reps_cannot_build(client, org, world):
    login(client, org["rep"])
    assert client.get(reverse("analytics:builder"), {"type": "deals"}).status_code == 403
    assert client.get(reverse("analytics:builder-list")).status_code == 200


@pytest.mark.parametrize("record_type", ["customers", "opportunities", "deals", "payments", "tickets", "members"])
def test_every_record_type_runs_grouped_and_listed(org, world, record_type):
    kind = selectors.records.get(record_type)
    assert kind is not None
    groupable = next(column for column in kind.columns if column.can_group)
    grouped = selectors.run(selectors.parse({"type": record_type, "group": [groupable.key]}), user=org["executive"])
    listed = selectors.run(selectors.parse({"type": record_type}), user=org["executive"])
    assert grouped.grouped and not listed.grouped
    assert sum(row[-1] for row in grouped.rows) == listed.total


@pytest.mark.parametrize("role", ["team_lead", "marketing", "executive"])
def test_managers_executives_and_marketing_reach_the_builder_from_the_reports_menu(client, org, role):
    login(client, org[role])
    page = client.get(reverse("analytics:builder-list"))
    assert page.status_code == 200
    assert f'href="{reverse("analytics:builder-list")}"' in page.content.decode()
    assert client.get(reverse("analytics:builder")).status_code == 200


def test_grouping_by_a_date_groups_by_month(org, world):
    report = selectors.parse({"type": "customers", "group": ["created", "level"], "aggregates": [{"fn": "count"}]})
    result = selectors.run(report, user=org["executive"])
    month = world["a1"].created_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m")
    assert {row[0] for row in result.rows} == {month}
    assert sum(row[-1] for row in result.rows) == 3
    deals = selectors.parse({"type": "deals", "group": ["signed_on"], "aggregates": [{"fn": "sum", "field": "price"}]})
    assert selectors.run(deals, user=org["executive"]).totals[-1] == D("5000000.00")


def test_a_choice_filter_takes_the_name_in_either_language_and_keeps_the_code(org, world):
    from django.utils import translation

    with translation.override("zh-hans"):
        chinese = str(Deal.Stage.CONTRACT.label)
        report = selectors.parse({"type": "deals", "filters": [{"field": "stage", "op": "eq", "value": chinese}]})
    assert report.as_json()["filters"] == [{"field": "stage", "op": "eq", "value": Deal.Stage.CONTRACT.value}]
    english = selectors.parse({"type": "deals", "filters": [{"field": "stage", "op": "eq", "value": "contract"}]})
    assert selectors.run(english, user=org["executive"]).total == 2
    assert selectors.run(report, user=org["executive"]).total == 2
