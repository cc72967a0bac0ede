"""Importing units from CSV (UTF-8, BOM, GBK) and XLSX: per-row report, duplicates, all or nothing."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sales import importing as importing_units
from sales.models import Building, Unit
from sales.services import inventory as services
from tests.sales.factories import BuildingFactory, UnitFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "building,floor,number,use,rooms,halls,baths,building_area,usable_area,orientation,list_price,cost_basis,for_lease"
)
CHINESE_HEADER = "楼栋,楼层,房号,用途,室,厅,卫,建筑面积,套内面积,朝向,总价,成本,可租"
GOOD_ROWS = [
    "1栋,1,101,住宅,3,2,2,118.50,95.2,南北,2370000,1650000,否",
    "1栋,2,201,home,2,1,1,89,,S,1780000.5,,no",
    "2栋,12,1201,商铺,0,0,1,60,50,东,1500000,,是",
]


def csv_bytes(rows, *, header=HEADER, encoding="utf-8"):
    return "\n".join([header, *rows]).encode(encoding)


def xlsx_bytes(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for row in rows:
        cells = row.split(",")
        # Numbers as Excel numbers, like a typed-in sheet.
        sheet.append([float(cell) if cell.replace(".", "", 1).isdigit() else cell for cell in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(project, data, by, filename="units.csv"):
    return services.units_import(project=project, data=data, filename=filename, by=by)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (csv_bytes(GOOD_ROWS), "units.csv"),
        (b"\xef\xbb\xbf" + csv_bytes(GOOD_ROWS), "units.csv"),
        (csv_bytes(GOOD_ROWS, header=CHINESE_HEADER, encoding="gbk"), "房源.csv"),
        (xlsx_bytes(GOOD_ROWS), "units.xlsx"),
    ],
    ids=["utf8", "utf8-bom", "gbk-chinese-headers", "xlsx"],
)
def test_good_files_create_units_and_missing_buildings(project_a, team_lead, data, filename):
    existing = BuildingFactory(project=project_a, name="1栋", floors=1)
    assert run_import(project_a, data, team_lead, filename) == 3
    unit = Unit.objects.get(building=existing, number="101")
    assert unit.project == project_a
    assert (unit.floor, unit.rooms, unit.halls, unit.baths) == (1, 3, 2, 2)
    assert unit.building_area == Decimal("118.50")
    assert unit.usable_area == Decimal("95.20")
    assert unit.orientation == Unit.Orientation.SOUTH_NORTH
    assert unit.list_price == Decimal("2370000.00")
    assert unit.cost_basis == Decimal("1650000.00")
    assert unit.status == Unit.Status.AVAILABLE
    second = Unit.objects.get(building=existing, number="201")
    assert second.usable_area is None
    assert second.list_price == Decimal("1780000.50")
    shop = Unit.objects.get(number="1201")
    assert shop.use == Unit.Use.SHOP
    assert shop.for_lease is True
    created = Building.objects.get(project=project_a, name="2栋")
    assert created.floors == 12
    existing.refresh_from_db()
    assert existing.floors == 2  # raised to the highest floor imported


def test_bad_rows_are_reported_per_row_and_nothing_is_written(project_a, team_lead):
    rows = [
        GOOD_ROWS[0],
        "1栋,two,102,住宅,3,2,2,100,,南,2000000,,否",  # floor not a number
        "1栋,3,301,住宅,3,2,2,100,120,南,2000000,,否",  # usable larger than building area
        "1栋,4,401,villa,3,2,2,100,,南,-5,,否",  # unknown use, negative price
        "1栋,1,101,住宅,3,2,2,100,,南,2000000,,否",  # same unit as row 2
        ",5,501,住宅,3,2,2,100,,上,2000000,,maybe",  # no building, bad orientation and for_lease
    ]
    report = importing_units.validate(importing_units.read(csv_bytes(rows), filename="u.csv"), project=project_a)
    assert not report.ok
    by_row = {}
    for error in report.errors:
        by_row.setdefault(error.row, []).append(error.message)
    assert set(by_row) == {3, 4, 5, 6, 7}
    assert any("whole number" in message for message in by_row[3])
    assert any("Larger than the building area" in message for message in by_row[4])
    assert len(by_row[5]) == 2
    assert any("also on row 2" in message for message in by_row[6])
    assert len(by_row[7]) == 3
    with pytest.raises(ValidationError):
        run_import(project_a, csv_bytes(rows), team_lead)
    assert not Unit.objects.exists()
    assert not Building.objects.filter(project=project_a).exists()


def test_units_already_on_file_are_duplicates(project_a, team_lead):
    building = BuildingFactory(project=project_a, name="1栋")
    UnitFactory(building=building, number="101")
    sheet = importing_units.read(csv_bytes(GOOD_ROWS), filename="u.csv")
    report = importing_units.validate(sheet, project=project_a)
    assert [(error.row, "already on file" in error.message) for error in report.errors] == [(2, True)]
    assert report.valid_count == 2
    with pytest.raises(ValidationError):
        run_import(project_a, csv_bytes(GOOD_ROWS), team_lead)
    assert Unit.objects.count() == 1


def test_the_same_number_in_another_project_is_no_duplicate(project_a, project_b, team_lead):
    UnitFactory(building=BuildingFactory(project=project_b, name="1栋"), number="101")
    assert run_import(project_a, csv_bytes(GOOD_ROWS), team_lead) == 3


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "u.csv", "empty"),
        (b"building,floor\n1,2\n", "u.csv", "no column for"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "u.png", "CSV or Excel"),
        (b"PK\x03\x04broken", "u.xlsx", "not a valid Excel"),
        (HEADER.encode() + b"\n", "u.csv", "no rows"),
    ],
)
def test_unreadable_files_are_rejected_with_a_message(project_a, team_lead, data, filename, message):
    with pytest.raises(ValidationError, match=message):
        run_import(project_a, data, team_lead, filename)
    assert not Unit.objects.exists()


# --- pages ---------------------------------------------------------------------------------------------------

START, REPORT, COMMIT = "/sales/units/import/", "/sales/units/import/report/", "/sales/units/import/commit/"


def upload(client, project, data, name="units.csv"):
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(START, {"project": project.pk, "file": file, "encoding": "auto"})


def test_upload_report_commit(client, project_a, team_lead):
    client.force_login(team_lead)
    assert client.get(START).status_code == 200
    response = upload(client, project_a, csv_bytes(GOOD_ROWS, header=CHINESE_HEADER, encoding="gbk"))
    assert response.status_code == 302
    assert response["Location"] == REPORT
    report = client.get(REPORT).content.decode()
    assert 'data-testid="import-ready"' in report
    assert "GB18030" in report
    assert not Unit.objects.exists()  # the report writes nothing
    response = client.post(COMMIT)
    assert response.status_code == 302
    assert response["Location"] == project_a.get_absolute_url()
    assert Unit.objects.filter(project=project_a).count() == 3
    assert client.post(COMMIT).status_code == 302  # the upload is gone: back to the start
    assert Unit.objects.count() == 3


def test_report_lists_errors_and_commit_writes_nothing(client, project_a, team_lead):
    client.force_login(team_lead)
    upload(client, project_a, csv_bytes([GOOD_ROWS[0], "1栋,x,102,住宅,3,2,2,100,,南,2000000,,否"]))
    report = client.get(REPORT).content.decode()
    assert 'data-testid="import-blocked"' in report
    assert 'data-testid="import-errors"' in report
    response = client.post(COMMIT)
    assert response["Location"] == REPORT
    assert not Unit.objects.exists()


def test_unreadable_upload_stays_on_the_form(client, project_a, team_lead):
    client.force_login(team_lead)
    response = upload(client, project_a, b"just,some\n1,2\n")
    assert response.status_code == 200
    assert "no column for" in response.content.decode()


def test_rep_may_not_import(client, project_a, rep):
    client.force_login(rep)
    assert client.get(START).status_code == 403
    assert upload(client, project_a, csv_bytes(GOOD_ROWS)).status_code == 403
    assert client.post(COMMIT).status_code == 403
    assert not Unit.objects.exists()
