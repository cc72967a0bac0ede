"""Exporting the customer list: the viewer's scope and filters, masking and the access log, formula
neutralisation in CSV and XLSX, the row cap, and the export → import round trip."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from crm_site.models import AccessLog
from crm_site.spreadsheets import spreadsheet_safe, spreadsheet_text
from customers import exporting, importing
from customers.models import Customer
from tests.factories import CustomerFactory, CustomFieldFactory, UserFactory

User = get_user_model()

DANGEROUS = ['=HYPERLINK("x")', "+8613800000000", "-1", "@SUM(A1)"]
URL = "/customers/import/export/"


@pytest.fixture(autouse=True)
def clean_cache():
    """Custom-field definitions are cached, and a rolled-back test does not invalidate them."""
    cache.clear()
    yield
    cache.clear()


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def customers(org):
    rep = fresh(org["rep"])
    own = [
        CustomerFactory(
            name=name, owner=rep, team=org["north"], phone=f"1380000000{index}", level="A" if index < 3 else "C"
        )
        for index, name in enumerate(DANGEROUS, start=1)
    ]
    other = fresh(org["other_rep"])
    foreign = CustomerFactory(name="Other customer", owner=other, team=org["south"], phone="13900000009")
    return {"own": own, "foreign": foreign}


@pytest.fixture
def marketing(org):
    """Marketing sees every customer but no sensitive field; here it may also export."""
    user = org["marketing"]
    user.user_permissions.add(Permission.objects.get(codename="export_customer"))
    return fresh(user)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def xlsx_sheet(response):
    body = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]


def test_spreadsheet_safe_neutralises_every_formula_start_and_nothing_else():
    for start in ("=", "+", "-", "@", "\t", "\r", "\0"):
        assert spreadsheet_safe(f"{start}1") == f"'{start}1"
        assert spreadsheet_text(spreadsheet_safe(f"{start}1")) == f"{start}1"
    assert spreadsheet_safe("'quoted") == "''quoted"  # so the importer's unescaping stays exact
    assert [spreadsheet_safe(value) for value in ("王芳", "a=b", " =1", 42, None)] == ["王芳", "a=b", " =1", "42", ""]


def test_csv_export_holds_only_the_reps_own_customers_with_formulas_neutralised(client, rep, customers):
    client.force_login(rep)
    response = client.get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="customers-{today}.csv"'
    header, *rows = csv_rows(response)
    assert header == ["Name", "Phone", "Interest level", "Status", "Source", "Owner", "Last contact"]
    assert sorted(row[0] for row in rows) == sorted(['\'=HYPERLINK("x")', "'+8613800000000", "'-1", "'@SUM(A1)"])
    assert sorted(row[1] for row in rows) == ["13800000001", "13800000002", "13800000003", "13800000004"]


def test_xlsx_export_writes_every_cell_as_neutralised_text(client, rep, customers):
    client.force_login(rep)
    response = client.get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == exporting.CONTENT_TYPES["xlsx"]
    assert f"customers-{timezone.localdate().isoformat()}.xlsx" in response["Content-Disposition"]
    sheet = xlsx_sheet(response)
    rows = list(sheet.iter_rows(min_row=2))
    assert sorted(row[0].value for row in rows) == sorted(['\'=HYPERLINK("x")', "'+8613800000000", "'-1", "'@SUM(A1)"])
    assert all(cell.data_type == "s" for row in rows for cell in row if cell.value is not None)  # no formula, no number
    assert sorted(row[1].value for row in rows) == ["13800000001", "13800000002", "13800000003", "13800000004"]


def test_unmasked_exports_write_one_access_log_row_per_customer(client, rep, customers):
    client.force_login(rep)
    csv_rows(client.get(URL, {"format": "csv"}))
    logs = AccessLog.objects.filter(user=rep, purpose=AccessLog.Purpose.EXPORT)
    assert sorted(int(log.object_id) for log in logs) == sorted(customer.pk for customer in customers["own"])
    assert {log.fields for log in logs} == {"phone"}


def test_a_masked_role_exports_every_customer_in_scope_with_masked_phones_and_no_log(client, marketing, customers):
    client.force_login(marketing)
    header, *rows = csv_rows(client.get(URL, {"format": "csv"}))
    assert len(rows) == 5
    assert sorted(row[1] for row in rows) == ["138****0001", "138****0002", "138****0003", "138****0004", "139****0009"]
    assert not AccessLog.objects.filter(purpose=AccessLog.Purpose.EXPORT).exists()
    sheet = xlsx_sheet(client.get(URL, {"format": "xlsx"}))
    assert "138****0001" in [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_export_applies_the_list_filters(client, rep, customers):
    client.force_login(rep)
    _header, *rows = csv_rows(client.get(URL, {"format": "csv", "level": "A", "sort": "name"}))
    assert [row[0] for row in rows] == sorted(['\'=HYPERLINK("x")', "'+8613800000000"])
    _header, *rows = csv_rows(client.get(URL, {"q": "SUM"}))  # CSV is the default format
    assert [row[0] for row in rows] == ["'@SUM(A1)"]


def test_export_of_selected_rows_keeps_to_them_and_to_the_scope(client, rep, customers):
    client.force_login(rep)
    chosen = customers["own"][:2]
    ids = ",".join([str(chosen[0].pk), str(chosen[1].pk), str(customers["foreign"].pk), "junk"])
    _header, *rows = csv_rows(client.get(URL, {"ids": ids, "format": "csv"}))
    assert sorted(row[1] for row in rows) == ["13800000001", "13800000002"]  # not other_rep's customer
    response = client.get(URL, {"ids": "junk", "format": "csv"}, follow=True)
    assert "Select at least one customer" in response.text


def test_export_adds_custom_fields_with_their_display_values(client, rep, org):
    CustomFieldFactory(key="budget", label_en="Budget", field_type="number", order=1)
    CustomFieldFactory(key="media", label_en="Media", field_type="multi", choices="tv|TV|电视\nweb|Web|网络", order=2)
    CustomFieldFactory(key="parking", label_en="Parking", field_type="bool", order=3)
    CustomerFactory(
        name="Wang",
        owner=fresh(rep),
        custom={"budget": "1200000", "media": ["tv", "web"], "parking": True},
        last_contact_at=timezone.make_aware(datetime.datetime(2024, 5, 1, 23, 30)),
    )
    client.force_login(rep)
    header, row = csv_rows(client.get(URL))
    assert header[-4:] == ["Last contact", "Budget", "Media", "Parking"]
    assert row[-4:] == ["2024-05-01", "1200000", "TV; Web", "Yes"]


def test_an_export_over_the_row_cap_is_refused_with_a_message(client, rep, customers, monkeypatch):
    monkeypatch.setattr(exporting, "ROW_CAP", 3)
    client.force_login(rep)
    response = client.get(URL, {"format": "xlsx", "level": ""})
    assert response.status_code == 302
    assert response["Location"] == "/customers/?level="
    page = client.get(response["Location"])
    assert "at most 3" in page.text and "Narrow the filters" in page.text
    assert not AccessLog.objects.filter(purpose=AccessLog.Purpose.EXPORT).exists()


def test_an_unknown_format_is_answered_with_a_message(client, rep, customers):
    client.force_login(rep)
    response = client.get(URL, {"format": "pdf"}, follow=True)
    assert response.redirect_chain == [("/customers/", 302)]
    assert "Choose CSV or Excel" in response.text


def test_export_needs_the_export_permission(client, org):
    client.force_login(org["service_manager"])
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page


def test_a_big_export_streams_in_chunks_and_logs_every_row(rep, org):
    owner = fresh(rep)
    CustomerFactory.create_batch(25, owner=owner)
    chunks = list(exporting.rows(Customer.objects.order_by("pk"), user=owner, chunk_size=10))
    assert len(chunks) == 26
    assert AccessLog.objects.filter(purpose=AccessLog.Purpose.EXPORT).count() == 25


NAMES = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=100
).filter(lambda name: name.strip())


class ExportImportRoundTripTest(TestCase):
    """Any name survives export → import as text: the protecting apostrophe comes off again, and the
    surrounding whitespace the importer trims is the only difference. (NUL is left out: PostgreSQL
    cannot store it, and the importer drops it.)"""

    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="round_trip_admin", role="admin")

    def setUp(self):
        cache.clear()  # no custom-field definitions left over from other tests

    @settings(max_examples=30, deadline=None)
    @given(name=NAMES)
    @example(name='=HYPERLINK("http://x")')
    @example(name="'=already quoted")
    @example(name=" \t'+1 ")
    @example(name="\r\n@SUM(A1)")
    @example(name="王芳 _x000D_ a\rb\x01\uffff")
    def test_any_name_survives_export_and_import(self, name):
        admin = User.objects.get(pk=self.admin.pk)
        CustomerFactory(name=name, owner=admin, phone="13812345678")
        files = {}
        for fmt in ("csv", "xlsx"):
            customers = Customer.objects.order_by("pk")
            if fmt == "csv":
                files[fmt] = b"".join(exporting.csv_stream(customers, user=admin))
            else:
                with exporting.xlsx_file(customers, user=admin) as file:
                    files[fmt] = file.read()
        Customer.objects.all().delete()
        for fmt, data in files.items():
            sheet = importing.read(data, filename=f"export.{fmt}")
            mapping = importing.guess_mapping(sheet.headers, [])
            assert mapping == ["name", "phone", "level", "status", "source", "owner", ""]
            report = importing.validate(sheet, mapping, by=admin, definitions=[])
            assert report.ok, report.lines()
            importing.commit(report, by=admin)
            assert Customer.objects.get().name == name.strip(), fmt
            Customer.objects.all().delete()
