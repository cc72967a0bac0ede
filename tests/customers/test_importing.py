"""The customer importer: encodings, XLSX, column guesses, per-row validation, duplicates, the
all-or-nothing commit, custom fields, file-level rejections and the import_customers command.

Row numbers in reports are the spreadsheet's: the header is row 1, so data row n is row n + 1.
"""

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from crm_site import spreadsheets
from crm_site.models import AuditEntry, CustomField
from customers import importing
from customers.identity import id_check_digit
from customers.models import Customer, CustomerPhone
from tests.factories import CustomerFactory, CustomFieldFactory, ProjectFactory

User = get_user_model()

HEADER = ["姓名", "手机", "身份证号", "邮箱", "性别", "级别", "来源", "状态"]
ID_FIRST17 = "11010519850612341"
ID_NUMBER = ID_FIRST17 + id_check_digit(ID_FIRST17)
OTHER_FIRST17 = "31010419920101002"
OTHER_ID = OTHER_FIRST17 + id_check_digit(OTHER_FIRST17)


@pytest.fixture(autouse=True)
def clean_cache():
    """Custom-field definitions are cached, and a rolled-back test does not invalidate them."""
    cache.clear()
    yield
    cache.clear()


def fresh(user):
    return User.objects.get(pk=user.pk)


def csv_bytes(rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check(data, user, *, filename="customers.csv", encoding="auto", mapping=None, **options):
    sheet = importing.read(data, filename=filename, encoding=encoding)
    definitions = CustomField.objects.filter(active=True).order_by("order", "key")
    mapping = mapping or importing.guess_mapping(sheet.headers, list(definitions))
    return importing.validate(sheet, mapping, by=fresh(user), **options)


def import_file(data, user, **options):
    report = check(data, user, **options)
    assert report.ok, report.lines()
    return importing.commit(report, by=fresh(user), source=options.get("filename", "customers.csv"))


def many_rows(count, *, bad_row=None):
    rows = [["姓名", "手机"]]
    for index in range(1, count + 1):
        rows.append([f"客户{index}", "1381234" if index == bad_row else f"138{index:08d}"])
    return rows


# Encodings


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("gbk", "GB18030 / GBK"), ("gb18030", "GB18030 / GBK")],
)
def test_a_file_in_each_encoding_excel_writes_imports_its_chinese_text(team_lead, encoding, label):
    rows = [HEADER, ["王芳", "13812345678", ID_NUMBER, "wang@example.com", "女", "A级", "来访", "潜在客户"]]
    sheet = importing.read(csv_bytes(rows, encoding), filename="客户.csv")
    assert sheet.encoding_label == label
    assert import_file(csv_bytes(rows, encoding), team_lead) == 1
    customer = Customer.objects.get()
    assert (customer.name, customer.phone, customer.id_number, customer.email) == (
        "王芳",
        "13812345678",
        ID_NUMBER,
        "wang@example.com",
    )
    assert (customer.gender, customer.level, customer.source, customer.status) == ("f", "A", "walk_in", "prospect")


def test_gb18030_characters_outside_gbk_are_read(team_lead):
    name = "王㐀"  # U+3400 has no GBK code: only GB18030 can carry it
    with pytest.raises(UnicodeEncodeError):
        name.encode("gbk")
    import_file(csv_bytes([["姓名", "手机"], [name, "13812345678"]], "gb18030"), team_lead)
    assert Customer.objects.get().name == name


def test_a_gbk_file_read_as_utf8_is_refused_with_a_message(team_lead):
    data = csv_bytes([["姓名", "手机"], ["王芳", "13812345678"]], "gbk")
    with pytest.raises(importing.FileRejected, match="not valid UTF-8"):
        importing.read(data, filename="a.csv", encoding="utf-8")


def test_a_utf8_file_read_as_gbk_is_refused_instead_of_turning_into_mojibake(team_lead):
    data = csv_bytes([["姓名", "手机"], ["王芳", "13812345678"]], "utf-8")
    with pytest.raises(importing.FileRejected, match="written in UTF-8"):
        importing.read(data, filename="a.csv", encoding="gbk")


def test_excels_unicode_text_utf16_tab_separated_is_read(team_lead):
    data = "姓名\t手机\r\n王芳\t13812345678\r\n".encode("utf-16")
    sheet = importing.read(data, filename="客户.txt")
    assert (sheet.encoding_label, sheet.headers, sheet.rows) == (
        "UTF-16",
        ["姓名", "手机"],
        [(2, ["王芳", "13812345678"])],
    )


def test_semicolon_and_tab_separated_files_are_read():
    for separator in (";", "\t"):
        data = f"姓名{separator}手机\n王芳{separator}13812345678\n".encode()
        assert importing.read(data, filename="a.csv").rows == [(2, ["王芳", "13812345678"])]


# XLSX


def test_xlsx_import_reads_numbers_and_dates_as_excel_stores_them(team_lead):
    import datetime

    data = xlsx_bytes(
        [
            ["Name", "Mobile", "Birthday", "Level", "Status", "Source"],
            ["Chen Jing", 13812345678, datetime.datetime(1990, 3, 7), "B", "Intending", "Referral"],
            [None, None, None, None, None, None],
            ["Li Lei", "139 1234 5678", "1985/12/01", "c – cool", "buyer", "exhibition"],
        ]
    )
    report = check(data, team_lead, filename="list.xlsx")
    assert [row.row for row in report.rows] == [2, 4]  # the blank row 3 keeps its number
    importing.commit(report, by=fresh(team_lead))
    chen, li = Customer.objects.order_by("name")
    assert (chen.phone, chen.birth_date.isoformat(), chen.level, chen.status, chen.source) == (
        "13812345678",
        "1990-03-07",
        "B",
        "intending",
        "referral",
    )
    assert (li.phone, li.birth_date.isoformat(), li.level, li.status) == ("13912345678", "1985-12-01", "C", "buyer")


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (51 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024  # small on disk, 51 MB unpacked

    def must_not_load(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_load)
    with pytest.raises(importing.FileRejected, match="unpacks to more than 50 MB"):
        importing.read(data, filename="bomb.xlsx")


def test_an_xlsx_over_10_mb_and_a_csv_over_30_mb_are_refused():
    with pytest.raises(importing.FileRejected, match="larger than 10 MB"):
        importing.read(b"PK\x03\x04" + b"x" * (10 * 1024 * 1024), filename="big.xlsx")
    with pytest.raises(importing.FileRejected, match="larger than 30 MB"):
        importing.read(b"name,phone\n" + b"x" * (30 * 1024 * 1024), filename="big.csv")


def test_a_csv_of_100000_realistic_rows_is_not_too_large():
    row = (
        "王芳芳,138 1234 5678,110105198506123410,wang.fang@example.com,女,1985-06-12,A,老带新,潜在客户,浦东新区,备注\n"
    )
    data = ("姓名,手机,身份证,邮箱,性别,生日,级别,来源,状态,区域,备注\n" + row * 100_000).encode("utf-8-sig")
    assert 10 * 1024 * 1024 < len(data) < 30 * 1024 * 1024
    assert len(importing.read(data, filename="big.csv").rows) == 100_000


def test_more_filled_cells_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_CELLS", 20)
    with pytest.raises(importing.FileRejected, match="more than 20 filled cells"):
        importing.read(csv_bytes(many_rows(10)), filename="a.csv")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.csv", "empty"),
        ("姓名,手机\n".encode(), "a.csv", "no rows below"),
        (b"\n\n ,  \n", "a.csv", "no rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", "Upload a CSV or Excel"),
        (b"name,phone\n\x00\x01\x02\x03", "a.csv", "binary data"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.xls", "Old Excel files"),
        (b"this is not a zip", "list.xlsx", "not a valid Excel"),
        (b"PK\x03\x04 broken zip", "list.xlsx", "not a valid Excel"),
        (b"name,phone\n", "report.pdf", "Upload a CSV or Excel"),
        (b"name,phone\n\x81\x30\xff", "a.csv", "neither UTF-8 nor GBK"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(data, filename, message):
    with pytest.raises(importing.FileRejected, match=message):
        importing.read(data, filename=filename)


def test_an_xlsx_that_is_a_zip_but_no_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(importing.FileRejected, match="could not be opened"):
        importing.read(buffer.getvalue(), filename="list.xlsx")


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 10)
    with pytest.raises(importing.FileRejected, match="more than 10 rows"):
        importing.read(csv_bytes(many_rows(11)), filename="a.csv")


# Column guesses


def test_mapping_guesses_chinese_headers():
    headers = ["客户姓名", "手机号码", "电话", "身份证号码", "电子邮箱", "性别", "客户级别", "来源渠道", "客户状态"]
    headers += ["备注", "置业顾问", "意向项目", "出生日期", "居住区域", "标签", "序号"]
    assert importing.guess_mapping(headers, []) == [
        "name",
        "phone",
        "other_phones",
        "id_number",
        "email",
        "gender",
        "level",
        "source",
        "status",
        "notes",
        "owner",
        "project",
        "birth_date",
        "district",
        "tags",
        "",
    ]


def test_mapping_guesses_english_headers_and_marks_like_required_stars():
    headers = ["Name*", "Mobile No.", "E-mail", "ID number", "Level", "Status", "Source", "Owner (username)", "X"]
    assert importing.guess_mapping(headers, []) == [
        "name",
        "phone",
        "email",
        "id_number",
        "level",
        "status",
        "source",
        "owner",
        "",
    ]


def test_mapping_guesses_custom_fields_by_label_in_either_language_or_key(db):
    budget = CustomFieldFactory(key="budget", label_en="Budget", label_zh="预算", field_type="number")
    parking = CustomFieldFactory(key="parking", label_en="Parking spaces", label_zh="车位")
    mapping = importing.guess_mapping(["姓名", "预算(万)", "Parking spaces", "cf_parking"], [budget, parking])
    assert mapping == ["name", "cf_budget", "cf_parking", ""]


def test_mapping_with_a_missing_or_doubled_field_is_refused(team_lead):
    sheet = importing.read(csv_bytes([["a", "b"], ["王芳", "13812345678"]]), filename="a.csv")
    with pytest.raises(importing.FileRejected, match="holds “Phone”"):
        importing.validate(sheet, ["name", ""], by=fresh(team_lead))
    with pytest.raises(importing.FileRejected, match="more than one column"):
        importing.validate(sheet, ["name", "name"], by=fresh(team_lead))


# Per-row validation and the all-or-nothing commit


def test_the_import_creates_files_like_customer_create_with_phones_team_and_audit(team_lead, org):
    data = csv_bytes(
        [
            ["姓名", "手机", "其他电话", "身份证", "出生日期", "标签", "备注"],
            [
                "王芳",
                "+86 138-1234-5678",
                "010-6552 9988; 13912345678",
                ID_NUMBER.lower(),
                "1985年6月12日",
                "VIP，学区",
                "",
            ],
        ]
    )
    import_file(data, team_lead)
    customer = Customer.objects.get()
    assert (customer.owner, customer.team, customer.id_number) == (fresh(team_lead), org["north"], ID_NUMBER)
    assert customer.owned_since is not None
    assert customer.birth_date.isoformat() == "1985-06-12"
    assert customer.tags == ["VIP", "学区"]
    phones = list(CustomerPhone.objects.filter(customer=customer).order_by("-primary", "number"))
    assert [(phone.number, phone.primary) for phone in phones] == [
        ("13812345678", True),
        ("01065529988", False),
        ("13912345678", False),
    ]
    entry = AuditEntry.objects.get(model="customers.customer", object_id=str(customer.pk))
    assert (entry.action, entry.actor, entry.changes["phone"]) == ("+", fresh(team_lead), "13812345678")


@pytest.mark.parametrize("writer", ["orm", "copy"])
def test_imported_names_get_their_pinyin_from_either_writer(team_lead, monkeypatch, writer):
    if writer == "copy" and connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    if writer == "orm":
        monkeypatch.setattr(importing, "_write_with_copy", importing._write_with_orm)
    import_file(csv_bytes([["姓名", "手机"], ["曾志伟", "13812345678"], ["Emma Li", "13912345678"]]), team_lead)
    assert dict(Customer.objects.values_list("name", "name_pinyin")) == {"曾志伟": "zengzhiwei zzw", "Emma Li": ""}
    assert not AuditEntry.objects.filter(changes__has_key="name_pinyin").exists()


def test_a_bad_phone_on_row_500_of_1000_commits_nothing_and_the_report_names_it(team_lead):
    report = check(csv_bytes(many_rows(1000, bad_row=500)), team_lead)
    assert (report.total, report.valid_count, report.invalid_count, report.ok) == (1000, 999, 1, False)
    # Data row 500 sits under the header row: spreadsheet row 501.
    assert report.lines() == [(501, "B · 手机", "“1381234” is not a valid phone number.")]
    with pytest.raises(ValidationError):
        importing.commit(report, by=fresh(team_lead))
    assert not Customer.objects.exists()
    assert not CustomerPhone.objects.exists()


def test_a_crash_in_the_middle_of_the_commit_leaves_nothing_behind(team_lead, monkeypatch):
    report = check(csv_bytes(many_rows(1000)), team_lead)
    assert report.ok
    audit_changes = importing._audit_changes

    def crash_on_row_501(row):
        if row.row == 501:
            raise RuntimeError("disk full")
        return audit_changes(row)

    monkeypatch.setattr(importing, "_audit_changes", crash_on_row_501)
    entries = AuditEntry.objects.count()
    # On PostgreSQL the error surfaces through COPY as a database error.
    with pytest.raises((RuntimeError, DatabaseError)):
        importing.commit(report, by=fresh(team_lead))
    assert (Customer.objects.count(), CustomerPhone.objects.count(), AuditEntry.objects.count()) == (0, 0, entries)


def test_each_bad_cell_is_reported_with_its_row_and_column(team_lead, project_a):
    data = csv_bytes(
        [
            ["姓名", "手机", "身份证", "邮箱", "生日", "级别", "状态", "项目", "同意营销"],
            ["", "13812345678", "", "", "", "", "", "", ""],
            [
                "王芳",
                "13812345679",
                "110105198506123410",
                "not-an-email",
                "1990-02-30",
                "Z",
                "maybe",
                "nowhere",
                "perhaps",
            ],
            ["李雷", "13812345670", "", "", "2999-01-01", "", "", project_a.code, "是"],
        ]
    )
    lines = check(data, team_lead).lines()
    assert lines[0] == (2, "A · 姓名", "Name is required.")
    assert {(row, column) for row, column, _message in lines} == {
        (2, "A · 姓名"),
        (3, "C · 身份证"),
        (3, "D · 邮箱"),
        (3, "E · 生日"),
        (3, "F · 级别"),
        (3, "G · 状态"),
        (3, "H · 项目"),
        (3, "I · 同意营销"),
        (4, "E · 生日"),
    }
    messages = {column: message for row, column, message in lines if row == 3}
    assert "check digit" in messages["C · 身份证"]
    assert "YYYY-MM-DD" in messages["E · 生日"]
    assert "A – hot" in messages["F · 级别"]  # the message lists what is accepted


def test_choices_are_read_by_value_or_label_in_either_language(team_lead):
    data = csv_bytes(
        [
            ["Name", "Phone", "Gender", "Level", "Status", "Source", "Kind", "Income"],
            ["A", "13800000001", "男", "a", "潜在客户", "来访", "企业", "over 1m / year"],
            ["B", "13800000002", "Female", "B – warm", "Intending", "Referral", "family", ""],
            ["C", "13800000003", "f", "D级", "lost", "WEB", "Individual", "high"],
        ]
    )
    import_file(data, team_lead)
    values = list(
        Customer.objects.order_by("name").values_list("gender", "level", "status", "source", "kind", "income_band")
    )
    assert values == [
        ("m", "A", "prospect", "walk_in", "enterprise", "top"),
        ("f", "B", "intending", "referral", "family", ""),
        ("f", "D", "lost", "web", "individual", "high"),
    ]


def test_the_apostrophe_that_protects_formulas_in_exports_is_taken_off_again(team_lead):
    data = csv_bytes(
        [["姓名", "手机", "备注"], ["'=SUM(A1)", "13800000001", "'+1"], ["'O'Brien", "13800000002", "''@x"]]
    )
    import_file(data, team_lead)
    assert list(Customer.objects.order_by("phone").values_list("name", "notes")) == [
        ("=SUM(A1)", "+1"),
        ("'O'Brien", "'@x"),
    ]


def test_an_owner_column_assigns_colleagues_in_scope_and_refuses_others(team_lead, org):
    rep = org["rep"]
    User.objects.filter(pk=rep.pk).update(first_name="Fang", last_name="Wang")
    data = csv_bytes(
        [
            ["姓名", "手机", "负责人"],
            ["A", "13800000001", "rep"],
            ["B", "13800000002", "Fang Wang"],
            ["C", "13800000003", ""],
            ["D", "13800000004", "other_rep"],  # Team South: not team_lead's to assign
        ]
    )
    report = check(data, team_lead)
    assert report.lines() == [(5, "C · 负责人", "“other_rep” is not a colleague you may give customers to.")]
    owners = {row.fields["name"]: (row.owner_id, row.team_id) for row in report.rows}
    assert owners == {
        "A": (rep.pk, org["north"].pk),
        "B": (rep.pk, org["north"].pk),
        "C": (team_lead.pk, org["north"].pk),
    }


def test_a_default_owner_takes_the_rows_without_an_owner(team_lead, org):
    report = check(csv_bytes([["姓名", "手机"], ["A", "13800000001"]]), team_lead, default_owner=fresh(org["rep"]))
    importing.commit(report, by=fresh(team_lead))
    assert Customer.objects.get().owner == org["rep"]


def test_custom_fields_are_imported_from_their_columns(team_lead):
    CustomFieldFactory(key="budget", label_en="Budget", label_zh="预算", field_type="number", order=1)
    CustomFieldFactory(
        key="layout",
        label_en="Layout",
        label_zh="户型",
        field_type="choice",
        choices="big|Big|大户型\nsmall|Small|小户型",
        order=2,
    )
    CustomFieldFactory(
        key="media", label_en="Media", label_zh="媒体", field_type="multi", choices="tv|TV|电视\nweb|Web|网络", order=3
    )
    CustomFieldFactory(key="parking", label_en="Parking", label_zh="车位", field_type="bool", order=4)
    CustomFieldFactory(key="visit", label_en="First visit", label_zh="首访日期", field_type="date", order=5)
    data = csv_bytes(
        [
            ["姓名", "手机", "预算", "户型", "Media", "cf_parking", "首访日期"],
            ["王芳", "13800000001", "1,200,000", "大户型", "电视; Web", "是", "2024/05/01"],
            ["李雷", "13800000002", "", "small", "", "no", ""],
            ["张伟", "13800000003", "lots", "huge", "radio", "maybe", "someday"],
        ]
    )
    report = check(data, team_lead)
    assert {(row, column) for row, column, _message in report.lines()} == {
        (4, "C · 预算"),
        (4, "D · 户型"),
        (4, "E · Media"),
        (4, "F · cf_parking"),
        (4, "G · 首访日期"),
    }
    # Without the bad row, the file imports with stored JSON-native values.
    report = check(data[: data.index("张伟".encode())], team_lead)
    importing.commit(report, by=fresh(team_lead))
    customs = dict(Customer.objects.values_list("name", "custom"))
    assert Decimal(customs["王芳"].pop("budget")) == Decimal("1200000")
    assert customs == {
        "王芳": {"layout": "big", "media": ["tv", "web"], "parking": True, "visit": "2024-05-01"},
        "李雷": {"layout": "small", "parking": False},
    }


def test_a_required_custom_field_must_be_mapped_and_filled(team_lead):
    CustomFieldFactory(key="budget", label_en="Budget", label_zh="预算", field_type="number", required=True)
    with pytest.raises(importing.FileRejected, match="Budget"):
        check(csv_bytes([["姓名", "手机"], ["王芳", "13800000001"]]), team_lead)
    report = check(csv_bytes([["姓名", "手机", "预算"], ["王芳", "13800000001", ""]]), team_lead)
    assert report.lines() == [(2, "C · 预算", "Budget is required.")]


# Duplicates


def test_duplicates_inside_the_file_are_reported_against_their_first_row(team_lead):
    data = csv_bytes(
        [
            ["姓名", "手机", "其他电话", "身份证"],
            ["A", "13812345678", "", ID_NUMBER],
            ["B", "+86 138 1234 5678", "", ""],  # the same number, written differently
            ["C", "13900000000", "13812345678", ID_NUMBER.lower()],
        ]
    )
    report = check(data, team_lead)
    assert not report.ok
    assert [(d.row, d.column, d.value, d.other_row) for d in report.duplicates] == [
        (3, "B · 手机", "13812345678", 2),
        (4, "C · 其他电话", "13812345678", 2),
        (4, "D · 身份证", ID_NUMBER, 2),
    ]
    assert report.duplicates[0].message == "Also on row 2 of this file."
    assert (report.valid_count, report.invalid_count) == (1, 2)


def test_duplicates_against_the_database_name_the_file_only_when_the_importer_may_see_it(team_lead, org):
    own = CustomerFactory(owner=org["rep"], phone="13811110000")  # Team North: team_lead sees it
    foreign = CustomerFactory(owner=org["other_rep"], phone="13822220000", id_number=OTHER_ID)
    CustomerPhone.objects.create(customer=foreign, number="01065529988")
    data = csv_bytes(
        [
            ["姓名", "手机", "其他电话", "身份证"],
            ["A", "138 1111 0000", "", ""],
            ["B", "13833330000", "010 6552 9988", OTHER_ID],
            ["C", "13844440000", "", ""],
        ]
    )
    report = check(data, team_lead)
    clashes = [(d.row, d.column, d.value, d.customer_id, d.message) for d in report.duplicates]
    assert clashes == [
        (2, "B · 手机", "13811110000", own.pk, f"Already on file as customer #{own.pk}."),
        (3, "C · 其他电话", "01065529988", None, "Already registered by a colleague."),
        (3, "D · 身份证", OTHER_ID, None, "Already registered by a colleague."),
    ]
    with pytest.raises(ValidationError):
        importing.commit(report, by=fresh(team_lead))
    assert Customer.objects.count() == 2


def test_importing_the_same_file_twice_creates_no_duplicates(team_lead):
    data = csv_bytes(many_rows(20))
    import_file(data, team_lead)
    report = check(data, team_lead)
    assert len(report.duplicates) == 20 and not report.ok
    assert Customer.objects.count() == 20


def test_a_number_registered_between_check_and_commit_rolls_the_whole_import_back(team_lead, org):
    report = check(csv_bytes(many_rows(10)), team_lead)
    CustomerFactory(owner=org["other_rep"], phone=report.rows[5].fields["phone"])
    with pytest.raises(ValidationError, match="registered by someone else"):
        importing.commit(report, by=fresh(team_lead))
    assert Customer.objects.count() == 1


def test_lookups_take_a_few_queries_per_thousand_rows_not_one_per_row(team_lead):
    project = ProjectFactory(code="p1")
    user = fresh(team_lead)

    def queries_for(count):
        rows = [["姓名", "手机", "身份证", "负责人", "项目"]]
        rows += [[f"客户{i}", f"138{i:08d}", "", "rep", project.code] for i in range(1, count + 1)]
        sheet = importing.read(csv_bytes(rows), filename="a.csv")
        with CaptureQueriesContext(connection) as queries:
            assert importing.validate(sheet, importing.guess_mapping(sheet.headers, []), by=user, definitions=[]).ok
        return len(queries)

    few, many = queries_for(10), queries_for(3000)
    assert few <= 20
    assert many - few <= 3  # only the IN lists grow: one more query per 1,000 numbers


# The command line


def test_cli_without_commit_checks_and_writes_nothing(team_lead, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes(csv_bytes(many_rows(5), "gbk"))
    out = io.StringIO()
    call_command("import_customers", str(path), "--user", "team_lead", stdout=out)
    assert "5 rows read (GB18030 / GBK): 5 valid" in out.getvalue()
    assert "B · 手机 → Phone" in out.getvalue()
    assert "--commit" in out.getvalue()
    assert not Customer.objects.exists()


def test_cli_with_commit_and_an_invalid_row_writes_nothing_and_exits_1(team_lead, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes(csv_bytes(many_rows(1000, bad_row=500)))
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_customers", str(path), "--user", "team_lead", "--commit", stdout=out)
    assert raised.value.returncode == 1
    assert "row 501\tB · 手机\t“1381234” is not a valid phone number." in out.getvalue()
    assert not Customer.objects.exists()


def test_cli_with_commit_imports_a_valid_file_as_the_given_user(team_lead, tmp_path):
    path = tmp_path / "customers.xlsx"
    path.write_bytes(xlsx_bytes(many_rows(3)))
    out = io.StringIO()
    call_command("import_customers", str(path), "--user", "team_lead", "--commit", stdout=out)
    assert "Imported 3 customers" in out.getvalue()
    assert set(Customer.objects.values_list("owner__username", flat=True)) == {"team_lead"}


def test_cli_maps_columns_by_hand_for_a_file_without_headers(team_lead, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes(csv_bytes([["13800000001", "王芳", "x"], ["13800000002", "李雷", "y"]]))
    args = [str(path), "--user", "team_lead", "--no-header", "--map", "A=phone", "--map", "b=name", "--commit"]
    call_command("import_customers", *args, stdout=io.StringIO())
    assert dict(Customer.objects.values_list("phone", "name")) == {"13800000001": "王芳", "13800000002": "李雷"}
    with pytest.raises(CommandError, match="no column “Q”"):
        call_command("import_customers", str(path), "--user", "team_lead", "--map", "Q=name", stdout=io.StringIO())


def test_cli_defaults_to_the_first_superuser_and_reports_unreadable_files(db, tmp_path):
    User.objects.create_superuser("root", password="x" * 12)
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="empty") as raised:
        call_command("import_customers", str(path), stdout=io.StringIO())
    assert raised.value.returncode == 1
    path.write_bytes(csv_bytes(many_rows(2)))
    call_command("import_customers", str(path), "--commit", stdout=io.StringIO())
    assert set(Customer.objects.values_list("owner__username", flat=True)) == {"root"}
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_customers", str(tmp_path / "missing.csv"), stdout=io.StringIO())
