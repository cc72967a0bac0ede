"""Custom fields on opportunities, deals and units: the same definitions as customers' drive the create form,
the details page, the detail pages, the list filters, the exports and the API."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from crm_site import customfields
from crm_site.models import ApiToken, AuditEntry, CustomField
from sales.models import Deal, Opportunity, Unit
from tests.factories import CustomerFactory
from tests.forms import rendered_form_data
from tests.sales.factories import BuildingFactory, DealFactory, OpportunityFactory, UnitFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

ENTITIES = ("opportunity", "deal", "unit")
# One field of each type: (key, type, choices, a valid form value, its stored value, its detail-page text)
FIELDS = [
    ("note_x", "text", "", "Corner flat", "Corner flat", "Corner flat"),
    ("budget", "number", "", "1234567.5", "1234567.5", "1,234,567.5"),
    ("visit", "date", "", "2026-03-05", "2026-03-05", "2026-03-05"),
    ("grade", "choice", "a|Alpha|甲\nb|Beta|乙", "b", "b", "Beta"),
    ("media", "multi", "tv|TV|电视\nweb|Web|网络", ["web", "tv"], ["tv", "web"], "TV, Web"),
    ("vip", "bool", "", "true", True, "Yes"),
]


def define(entity: str, **overrides) -> dict[str, CustomField]:
    fields = {}
    for order, (key, field_type, choices, *_rest) in enumerate(FIELDS, start=1):
        fields[key] = CustomField.objects.create(
            entity=entity,
            key=key,
            label_en=f"{entity} {key}",
            label_zh=f"{key}中文",
            field_type=field_type,
            choices=choices,
            order=order * 10,
            **overrides,
        )
    return fields


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def rep(org):
    return fresh(org["rep"])


@pytest.fixture
def lead(org):
    return fresh(org["team_lead"])


def opportunity_of(user, project, **kwargs):
    customer = CustomerFactory(owner=user, team=user.staff.team)
    return OpportunityFactory(customer=customer, owner=user, project=project, stage="intending", **kwargs)


def form_values() -> dict:
    return {"cf_" + key: value for key, _type, _choices, value, _stored, _shown in FIELDS}


def stored_values() -> dict:
    return {key: stored for key, _type, _choices, _value, stored, _shown in FIELDS}


# --- the registry and the settings page -----------------------------------------------------------------------


def test_sales_registers_its_record_kinds_next_to_customers():
    kinds = dict(customfields.entity_choices())
    assert {"customer", "opportunity", "deal", "unit"} <= set(kinds)
    assert [key for key, _label in customfields.entity_choices()][:4] == ["customer", "opportunity", "deal", "unit"]


def test_admin_defines_a_deal_field_and_the_settings_page_lists_fields_per_kind(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/settings/fields/new/?entity=deal")
    assert page.context["form"].initial["entity"] == "deal"
    assert '<option value="deal" selected>' in page.text
    data = {"entity": "deal", "key": "", "label_en": "Loan bank", "label_zh": "贷款银行", "field_type": "text"}
    response = client.post("/settings/fields/new/", {**data, "order": "10", "active": "on"})
    assert response.status_code == 302 and response["Location"] == "/settings/fields/?entity=deal"
    assert CustomField.objects.get(key="loan_bank").entity == "deal"
    CustomField.objects.create(entity="customer", key="hobby", label_en="Hobby")
    deals_only = client.get("/settings/fields/?entity=deal")
    assert "Loan bank" in deals_only.text and "Hobby" not in deals_only.text
    everything = client.get("/settings/fields/")
    assert [key for key, _label, _fields in everything.context["groups"]] == ["customer", "deal"]


def test_an_unregistered_record_kind_is_refused(client, admin_user):
    client.force_login(admin_user)
    data = {"entity": "spaceship", "key": "x", "label_en": "X", "field_type": "text", "order": "1", "active": "on"}
    response = client.post("/settings/fields/new/", data)
    assert response.status_code == 200 and "entity" in response.context["form"].errors
    assert not CustomField.objects.exists()


# --- opportunities ---------------------------------------------------------------------------------------------


def test_opportunity_form_shows_validates_and_saves_every_custom_field(client, rep, project_a):
    define("opportunity")
    customer = CustomerFactory(owner=rep, team=rep.staff.team)
    client.force_login(rep)
    page = client.get(f"/sales/opportunities/new/?customer={customer.pk}")
    for key, *_rest in FIELDS:
        assert f'name="cf_{key}"' in page.text
    bad = rendered_form_data(page, project=project_a.pk, **{**form_values(), "cf_budget": "lots", "cf_grade": "zzz"})
    response = client.post("/sales/opportunities/new/", bad)
    assert response.status_code == 200
    assert {"cf_budget", "cf_grade"} <= set(response.context["form"].errors)
    assert not Opportunity.objects.exists()
    response = client.post("/sales/opportunities/new/", rendered_form_data(page, project=project_a.pk, **form_values()))
    assert response.status_code == 302, response.context["form"].errors
    opportunity = Opportunity.objects.get()
    assert opportunity.custom == stored_values()
    detail = client.get(response["Location"]).text
    for key, *_rest, shown in FIELDS:
        assert f"opportunity {key}" in detail
        assert f'<dd class="col-7" data-testid="custom-value">{shown}</dd>' in detail


def test_a_required_opportunity_field_left_empty_is_refused(client, rep, project_a):
    CustomField.objects.create(entity="opportunity", key="source_note", label_en="Source note", required=True)
    customer = CustomerFactory(owner=rep, team=rep.staff.team)
    client.force_login(rep)
    page = client.get(f"/sales/opportunities/new/?customer={customer.pk}")
    response = client.post("/sales/opportunities/new/", rendered_form_data(page, project=project_a.pk))
    assert set(response.context["form"].errors) == {"cf_source_note"}
    assert not Opportunity.objects.exists()


def test_opportunity_detail_shows_chinese_labels_to_a_chinese_reader(client, rep, project_a):
    define("opportunity")
    opportunity = opportunity_of(rep, project_a, custom=stored_values())
    client.force_login(rep)
    page = client.get(f"/sales/opportunities/{opportunity.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "grade中文" in page and ">乙<" in page and "电视, 网络" in page and ">是<" in page


def test_details_page_edits_an_opportunitys_custom_fields_and_is_audited(client, rep, project_a):
    define("opportunity")
    opportunity = opportunity_of(rep, project_a)
    client.force_login(rep)
    url = f"/sales/opportunities/{opportunity.pk}/details/"
    response = client.post(url, {"cf_budget": "-", "cf_grade": "b"})
    assert response.status_code == 200 and "cf_budget" in response.context["form"].errors
    opportunity.refresh_from_db()
    assert opportunity.custom == {}
    response = client.post(url, {"cf_budget": "2000.00", "cf_grade": "b", "cf_vip": "false"})
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.custom == {"budget": "2000", "grade": "b", "vip": False}
    entry = AuditEntry.objects.filter(model="sales.opportunity", object_id=str(opportunity.pk)).latest("at")
    assert entry.actor == rep and "custom" in entry.changes


def test_details_page_of_an_opportunity_out_of_scope_is_404(client, org, project_a):
    define("opportunity")
    opportunity = opportunity_of(fresh(org["other_rep"]), project_a)
    client.force_login(org["rep"])
    assert client.get(f"/sales/opportunities/{opportunity.pk}/details/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"cf_grade": "b"}, {"match"}),
        ({"cf_media": "web"}, {"match"}),
        ({"cf_vip": "yes"}, {"match"}),
        ({"cf_vip": "no"}, {"other"}),
        ({"cf_budget": "1234567.5"}, {"match"}),
        ({"cf_visit": "2026-03-05"}, {"match"}),
        ({"cf_note_x": "corner"}, {"match"}),
        ({"cf_budget": "not a number"}, set()),
        ({}, {"match", "other"}),
    ],
)
def test_opportunity_list_filters_by_custom_fields(client, rep, project_a, query, expected):
    define("opportunity")
    opportunity_of(rep, project_a, custom=stored_values(), note="match")
    opportunity_of(rep, project_a, custom={"grade": "a", "vip": False, "media": ["tv"]}, note="other")
    client.force_login(rep)
    response = client.get("/sales/opportunities/", query)
    assert response.status_code == 200
    assert {row.note for row in response.context["page"].object_list} == expected
    if query:
        assert next(iter(query)) in response.text  # the filter is on the page (under "More filters")


def test_opportunity_export_has_the_custom_columns_and_the_lists_filters(client, rep, project_a):
    define("opportunity")
    opportunity_of(rep, project_a, custom=stored_values())
    opportunity_of(rep, project_a, custom={"grade": "a"})
    client.force_login(rep)
    response = client.get("/sales/opportunities/export/", {"cf_grade": "b", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-6:] == [f"opportunity {key}" for key, *_rest in FIELDS]
    assert len(rows) == 2
    assert rows[1][-6:] == ["Corner flat", "1234567.5", "2026-03-05", "Beta", "TV; Web", "Yes"]
    xlsx = client.get("/sales/opportunities/export/", {"format": "xlsx"})
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content).startswith(b"PK")
    assert client.get("/sales/opportunities/export/", {"format": "pdf"}).status_code == 302


# --- deals -----------------------------------------------------------------------------------------------------


def test_reserve_form_shows_validates_and_saves_deal_fields(client, rep, project_a):
    define("deal")
    opportunity = opportunity_of(rep, project_a)
    unit = UnitFactory(building=BuildingFactory(project=project_a))
    client.force_login(rep)
    page = client.get(f"/sales/deals/reserve/?unit={unit.pk}&opportunity={opportunity.pk}")
    for key, *_rest in FIELDS:
        assert f'name="cf_{key}"' in page.text
    base = rendered_form_data(page, deposit="50000", **form_values())
    response = client.post(page.request["PATH_INFO"] + f"?unit={unit.pk}", {**base, "cf_visit": "05/13/2026x"})
    assert response.status_code == 200 and "cf_visit" in response.context["form"].errors
    assert not Deal.objects.exists()
    response = client.post(page.request["PATH_INFO"] + f"?unit={unit.pk}", base)
    assert response.status_code == 302, response.context["form"].errors
    deal = Deal.objects.get()
    assert deal.custom == stored_values()
    detail = client.get(f"/sales/deals/{deal.pk}/").text
    for key, *_rest, shown in FIELDS:
        assert f"deal {key}" in detail
        assert f'<dd class="col-7" data-testid="custom-value">{shown}</dd>' in detail
    assert f"/sales/deals/{deal.pk}/details/" in detail


def test_deal_details_page_edits_and_keeps_a_deactivated_fields_value(client, rep, project_a):
    fields = define("deal")
    deal = DealFactory(opportunity=opportunity_of(rep, project_a), custom={"grade": "a", "note_x": "kept"})
    fields["note_x"].active = False
    fields["note_x"].save()
    client.force_login(rep)
    response = client.post(f"/sales/deals/{deal.pk}/details/", {"cf_grade": "b", "cf_budget": "3"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.custom == {"grade": "b", "budget": "3", "note_x": "kept"}


@pytest.mark.parametrize(("query", "count"), [({"cf_grade": "b"}, 1), ({"cf_grade": "a"}, 1), ({"cf_vip": "yes"}, 1)])
def test_deal_list_filters_and_exports_by_custom_fields(client, rep, project_a, query, count):
    define("deal")
    DealFactory(opportunity=opportunity_of(rep, project_a), custom=stored_values())
    DealFactory(opportunity=opportunity_of(rep, project_a), custom={"grade": "a"})
    client.force_login(rep)
    response = client.get("/sales/deals/", query)
    assert len(response.context["page"].object_list) == count
    exported = client.get("/sales/deals/export/", {**query, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-6:] == [f"deal {key}" for key, *_rest in FIELDS]
    assert len(rows) == 1 + count


# --- units -----------------------------------------------------------------------------------------------------


def test_unit_details_page_validates_saves_shows_and_audits(client, lead, project_a):
    define("unit")
    unit = UnitFactory(building=BuildingFactory(project=project_a))
    client.force_login(lead)
    url = f"/sales/units/{unit.pk}/details/"
    page = client.get(url)
    for key, *_rest in FIELDS:
        assert f'name="cf_{key}"' in page.text
    response = client.post(url, {**form_values(), "cf_vip": "maybe"})
    assert response.status_code == 200 and "cf_vip" in response.context["form"].errors
    assert Unit.objects.get(pk=unit.pk).custom == {}
    assert client.post(url, form_values()).status_code == 302
    assert Unit.objects.get(pk=unit.pk).custom == stored_values()
    detail = client.get(f"/sales/units/{unit.pk}/").text
    for *_rest, shown in FIELDS:
        assert f'<dd class="col-7" data-testid="custom-value">{shown}</dd>' in detail
    entry = AuditEntry.objects.get(model="sales.unit", object_id=str(unit.pk))
    assert entry.actor == lead and entry.changes["custom"][1]["grade"] == "b"


def test_a_rep_may_not_edit_a_units_custom_fields(client, rep, project_a):
    define("unit")
    unit = UnitFactory(building=BuildingFactory(project=project_a))
    client.force_login(rep)
    assert client.post(f"/sales/units/{unit.pk}/details/", form_values()).status_code == 403


def test_grid_dims_units_not_matching_a_custom_filter_and_exports_the_matching_ones(client, lead, project_a):
    define("unit")
    building = BuildingFactory(project=project_a)
    match = UnitFactory(building=building, custom=stored_values())
    UnitFactory(building=building, custom={"grade": "a"})
    client.force_login(lead)
    response = client.get(f"/sales/buildings/{building.pk}/", {"cf_grade": "b"})
    assert response.context["matched"] == 1 and response.context["total"] == 2
    cells = [cell for floor in response.context["floors"] for cell in floor.cells]
    assert {cell["id"] for cell in cells if cell["match"]} == {str(match.pk)}
    exported = client.get(f"/sales/buildings/{building.pk}/units/export/", {"cf_grade": "b", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == match.number
    assert rows[1][-6:] == ["Corner flat", "1234567.5", "2026-03-05", "Beta", "TV; Web", "Yes"]


# --- the API ---------------------------------------------------------------------------------------------------


def token_for(user) -> dict:
    _token, raw = ApiToken.issue(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


API_VALUES = {"note_x": "Corner flat", "budget": 1234567.5, "visit": "2026-03-05", "grade": "Beta",
              "media": ["web", "tv"], "vip": True}  # fmt: skip


def test_api_creates_an_opportunity_with_custom_values_and_names_a_bad_one(client, rep, project_a):
    define("opportunity")
    customer = CustomerFactory(owner=rep, team=rep.staff.team)
    auth = token_for(rep)
    body = {"customer_id": customer.pk, "project_id": project_a.pk, "custom": {**API_VALUES, "budget": "lots"}}
    response = client.post("/api/v1/funnel/opportunities/", body, "application/json", headers=auth)
    assert response.status_code == 422
    assert set(response.json()["errors"]["custom"]) == {"budget"}
    assert not Opportunity.objects.exists()
    body["custom"] = API_VALUES
    response = client.post("/api/v1/funnel/opportunities/", body, "application/json", headers=auth)
    assert response.status_code == 201, response.json()
    assert response.json()["custom"] == stored_values()
    pk = response.json()["id"]
    assert client.get(f"/api/v1/funnel/opportunities/{pk}/", headers=auth).json()["custom"] == stored_values()


@pytest.mark.parametrize("entity", ENTITIES)
def test_api_round_trips_custom_values_of_each_record(client, org, project_a, entity):
    define(entity)
    lead = fresh(org["team_lead"])
    opportunity = opportunity_of(lead, project_a)
    record = {
        "opportunity": lambda: opportunity,
        "deal": lambda: DealFactory(opportunity=opportunity),
        "unit": lambda: UnitFactory(building=BuildingFactory(project=project_a)),
    }[entity]()
    url = {
        "opportunity": f"/api/v1/funnel/opportunities/{record.pk}/",
        "deal": f"/api/v1/funnel/deals/{record.pk}/",
        "unit": f"/api/v1/inventory/units/{record.pk}/",
    }[entity]
    auth = token_for(lead)
    bad = client.put(url + "custom/", {"custom": {"grade": "Gamma", "shoe": "42"}}, "application/json", headers=auth)
    assert bad.status_code == 422
    assert set(bad.json()["errors"]["custom"]) == {"grade", "shoe"}
    assert type(record).objects.get(pk=record.pk).custom == {}
    good = client.put(url + "custom/", {"custom": API_VALUES}, "application/json", headers=auth)
    assert good.status_code == 200, good.json()
    assert good.json()["custom"] == stored_values()
    assert client.get(url, headers=auth).json()["custom"] == stored_values()
    assert type(record).objects.get(pk=record.pk).custom == stored_values()


def test_api_reserve_validates_deal_custom_values(client, rep, project_a):
    CustomField.objects.create(entity="deal", key="bank", label_en="Bank", required=True)
    opportunity = opportunity_of(rep, project_a)
    unit = UnitFactory(building=BuildingFactory(project=project_a))
    auth = token_for(rep)
    body = {"opportunity_id": opportunity.pk, "unit_id": unit.pk, "deposit": "50000"}
    response = client.post("/api/v1/funnel/deals/", body, "application/json", headers=auth)
    assert response.status_code == 422 and "bank" in response.json()["errors"]["custom"]
    body["custom"] = {"bank": "ICBC"}
    response = client.post("/api/v1/funnel/deals/", body, "application/json", headers=auth)
    assert response.status_code == 201 and response.json()["custom"] == {"bank": "ICBC"}


def test_api_custom_update_of_a_record_out_of_scope_is_404(client, org, project_a):
    define("opportunity")
    opportunity = opportunity_of(fresh(org["other_rep"]), project_a)
    response = client.put(
        f"/api/v1/funnel/opportunities/{opportunity.pk}/custom/",
        {"custom": {"grade": "a"}},
        "application/json",
        headers=token_for(fresh(org["rep"])),
    )
    assert response.status_code == 404


def test_number_values_show_the_languages_separators_on_detail_pages(rep, project_a):
    define("deal")
    deal = DealFactory(opportunity=opportunity_of(rep, project_a), custom={"budget": "1234567.5"})
    rows = dict(customfields.display_rows("deal", deal.custom))
    assert rows["deal budget"] == "1,234,567.5"
    assert Decimal(customfields.export_cell(CustomField.objects.get(entity="deal", key="budget"), "1234567.5")) == (
        Decimal("1234567.5")
    )
