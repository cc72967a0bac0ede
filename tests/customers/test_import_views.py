"""The import pages: upload → map columns → report → commit, who may use them, and how every bad
input ends in a message instead of a 500 or a partial import."""

import csv
import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import Customer
from customers.views import imports
from tests.factories import CustomerFactory

User = get_user_model()

START, MAP, REPORT, COMMIT = (
    "/customers/import/",
    "/customers/import/map/",
    "/customers/import/report/",
    "/customers/import/commit/",
)
HEADER = ["客户姓名", "手机号码", "客户级别", "来源", "备注"]


@pytest.fixture(autouse=True)
def clean_cache():
    """Custom-field definitions are cached, and a rolled-back test does not invalidate them."""
    cache.clear()
    yield
    cache.clear()


def csv_file(rows, encoding="gbk", name="客户.csv"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def good_rows(count=3):
    return [HEADER, *[[f"客户{index}", f"1380000000{index}", "A", "来访", ""] for index in range(1, count + 1)]]


def upload(client, file, **data):
    return client.post(START, {"file": file, "encoding": "auto", "has_header": "on", **data})


def selected(html, name):
    """The selected option value of the <select name=...> in `html`."""
    block = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    found = re.search(r'<option value="([^"]*)"[^>]*selected', block)
    return found.group(1) if found else ""


@pytest.fixture
def manager(team_lead):
    return User.objects.get(pk=team_lead.pk)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_a_rep_may_not_import(client, rep):
    client.force_login(rep)
    assert client.get(START).status_code == 403
    assert upload(client, csv_file(good_rows())).status_code == 403
    assert client.get(MAP).status_code == 403
    assert client.get(REPORT).status_code == 403
    assert client.post(COMMIT).status_code == 403
    assert not Customer.objects.exists()


def test_commit_answers_get_with_405(manager_client):
    assert manager_client.get(COMMIT).status_code == 405


def test_the_upload_page_offers_file_encoding_header_and_owner(manager_client):
    response = manager_client.get(START)
    assert response.status_code == 200
    for name in ('name="file"', 'name="encoding"', 'value="auto"', 'value="gbk"', 'name="has_header"', 'name="owner"'):
        assert name in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_a_manager_imports_a_gbk_file_through_map_report_and_commit(manager_client, manager, org):
    response = upload(manager_client, csv_file(good_rows()))
    assert response.status_code == 302 and response["Location"] == MAP

    page = manager_client.get(MAP)
    assert page.status_code == 200
    assert [selected(page.text, f"column_{index}") for index in range(5)] == [
        "name",
        "phone",
        "level",
        "source",
        "notes",
    ]
    assert "客户1" in page.text and "13800000001" in page.text  # the preview
    assert "GB18030 / GBK" in page.text

    response = manager_client.post(
        MAP, {f"column_{index}": key for index, key in enumerate(["name", "phone", "level", "", ""])}
    )
    assert response.status_code == 302 and response["Location"] == REPORT

    report = manager_client.get(REPORT)
    assert report.status_code == 200
    assert "Commit import" in report.text and 'action="/customers/import/commit/"' in report.text
    assert not Customer.objects.exists()  # checking writes nothing

    token = manager_client.session[imports.UPLOAD.session_key]["token"]
    response = manager_client.post(COMMIT, follow=True)
    assert response.redirect_chain == [("/customers/", 302)]
    assert "Imported 3 customers." in response.text
    assert set(Customer.objects.values_list("owner", "team", "level", "source")) == {
        (manager.pk, org["north"].pk, "A", "walk_in")  # source left unmapped: the default
    }
    assert imports.UPLOAD.session_key not in manager_client.session
    assert cache.get(imports.UPLOAD.cache_prefix + token) is None  # the kept upload is gone


def test_an_owner_chosen_on_upload_owns_the_imported_customers(manager_client, org):
    upload(manager_client, csv_file(good_rows(1)), owner=org["rep"].pk)
    manager_client.post(MAP, {"column_0": "name", "column_1": "phone"})
    manager_client.post(COMMIT)
    assert Customer.objects.get().owner == org["rep"]


def test_an_owner_outside_the_managers_scope_cannot_be_chosen(manager_client, org):
    response = upload(manager_client, csv_file(good_rows(1)), owner=org["other_rep"].pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert imports.UPLOAD.session_key not in manager_client.session


def test_a_file_with_errors_shows_the_per_row_report_and_cannot_be_committed(manager_client, org):
    existing = CustomerFactory(owner=org["rep"], phone="13800000009")
    rows = good_rows(2) + [
        ["坏号码", "12345", "A", "", ""],
        ["重复", "13800000001", "Z", "", ""],
        ["老客户", "13800000009", "", "", ""],
    ]
    upload(manager_client, csv_file(rows, "utf-8-sig"))
    manager_client.post(MAP, {"column_0": "name", "column_1": "phone", "column_2": "level"})
    report = manager_client.get(REPORT)
    assert "Commit import" not in report.text
    assert "Nothing can be imported until every row is valid" in report.text
    errors = re.search(r'data-testid="import-errors".*?</table>', report.text, re.S).group(0)
    assert "<td>4</td><td>B · 手机号码</td>" in errors  # spreadsheet row 4: the header is row 1
    assert "<td>5</td><td>C · 客户级别</td>" in errors
    duplicates = re.search(r'data-testid="import-duplicates".*?</table>', report.text, re.S).group(0)
    assert "<td>5</td><td>B · 手机号码</td><td>13800000001</td>" in duplicates
    assert "Also on row 2 of this file." in duplicates
    assert f'href="/customers/{existing.pk}/"' in duplicates  # on file, and the manager may see it

    problems = manager_client.get(REPORT, {"format": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(problems.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == ["Row", "Column", "Problem"]
    assert [line[0] for line in lines[1:]] == ["4", "5", "5", "6"]

    response = manager_client.post(COMMIT, follow=True)
    assert response.redirect_chain == [(REPORT, 302)]
    assert "nothing was imported" in response.text
    assert Customer.objects.count() == 1


def _zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The submitted file is empty."),
        ("header.csv", "姓名,手机\n".encode(), "no rows below it"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "Upload a CSV or Excel"),
        ("binary.csv", bytes(range(256)) * 4, "binary data"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Old Excel files"),
        ("fake.xlsx", b"just text", "not a valid Excel"),
        ("bomb.xlsx", _zip_bomb(), "unpacks to more than 50 MB"),
        ("huge.csv", b"a,b\n" + b"1" * (30 * 1024 * 1024 + 1), "larger than 30 MB"),
        ("huge.xlsx", b"PK\x03\x04" + b"1" * (10 * 1024 * 1024 + 1), "larger than 10 MB"),
    ],
)
def test_bad_uploads_answer_with_a_message_and_keep_nothing(manager_client, name, content, message):
    response = upload(manager_client, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.text
    assert imports.UPLOAD.session_key not in manager_client.session


def test_a_wrongly_chosen_encoding_answers_with_a_message(manager_client):
    response = manager_client.post(
        START, {"file": csv_file(good_rows(), "gbk"), "encoding": "utf-8", "has_header": "on"}
    )
    assert response.status_code == 200
    assert "This file is not valid UTF-8" in response.text


def test_a_mapping_without_phone_or_with_a_doubled_field_is_sent_back(manager_client):
    upload(manager_client, csv_file(good_rows()))
    response = manager_client.post(MAP, {"column_0": "name", "column_1": "", "column_2": "level"})
    assert response.status_code == 200
    assert "Choose the column that holds “Phone”." in response.text
    response = manager_client.post(MAP, {"column_0": "name", "column_1": "phone", "column_2": "name"})
    assert "is chosen for more than one column" in response.text
    response = manager_client.post(MAP, {"column_0": "name", "column_1": "phone", "column_2": "no-such-field"})
    assert response.status_code == 200 and "Select a valid choice" in response.text


def test_steps_without_an_upload_send_the_user_back_to_the_start(manager_client):
    for response in (manager_client.get(MAP), manager_client.get(REPORT), manager_client.post(COMMIT)):
        assert response.status_code == 302 and response["Location"] == START


def test_an_expired_upload_sends_the_user_back_with_a_message(manager_client):
    upload(manager_client, csv_file(good_rows()))
    cache.delete(imports.UPLOAD.cache_prefix + manager_client.session[imports.UPLOAD.session_key]["token"])
    response = manager_client.get(MAP, follow=True)
    assert response.redirect_chain == [(START, 302)]
    assert "no longer available" in response.text


def test_a_new_upload_replaces_the_kept_one(manager_client):
    upload(manager_client, csv_file(good_rows()))
    first = manager_client.session[imports.UPLOAD.session_key]["token"]
    upload(manager_client, csv_file(good_rows(1)))
    assert cache.get(imports.UPLOAD.cache_prefix + first) is None
    assert manager_client.session[imports.UPLOAD.session_key]["token"] != first


def test_an_xlsx_upload_imports(manager_client):
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in good_rows(2):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(manager_client, SimpleUploadedFile("客户.xlsx", buffer.getvalue()))
    manager_client.post(MAP, {"column_0": "name", "column_1": "phone"})
    assert "Commit import" in manager_client.get(REPORT).text
    manager_client.post(COMMIT)
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["客户1", "客户2"]


def test_a_rep_exports_their_own_customers(client, rep, other_rep):
    CustomerFactory(name="Mine", owner=User.objects.get(pk=rep.pk))
    CustomerFactory(name="Theirs", owner=User.objects.get(pk=other_rep.pk))
    client.force_login(rep)
    response = client.get("/customers/import/export/", {"format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Mine" in body and "Theirs" not in body
