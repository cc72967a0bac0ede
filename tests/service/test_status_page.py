"""The buyer's status page: found by contract number + last six of the ID number, one answer for every wrong
combination, rate-limited; shows the certificate stage; a repair request becomes a ticket; the PDF letter."""

import shutil
import subprocess

import pytest

from service.models import Ticket
from service.services import certificates as certificate_services
from service.services.letters import status_letter_pdf

NOT_FOUND = "We could not find a contract with these details."


@pytest.fixture
def case(contract):
    return certificate_services.case_open(deal=contract)


def lookup(client, number, tail):
    return client.post("/my-home/", {"contract_no": number, "id_tail": tail})


def test_the_right_combination_opens_the_page_with_the_stage(client, case, contract):
    response = lookup(client, "HT-2026-0001", "07123x")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Contract filing" in page.text
    assert str(contract.unit) in page.text


@pytest.mark.parametrize(
    ("number", "tail"), [("HT-2026-0001", "071239"), ("HT-2026-9999", "07123X"), ("nope", "000000")]
)
def test_every_wrong_combination_gets_the_same_answer(client, case, number, tail):
    response = lookup(client, number, tail)
    assert response.status_code == 200
    assert NOT_FOUND in response.text
    assert "HT-2026-0001" not in response.text.replace(f'value="{number}"', "") or number == "HT-2026-0001"
    assert client.get("/my-home/status/").status_code == 302


def test_the_answers_for_a_wrong_id_and_an_unknown_contract_are_identical(client, case):
    wrong_id = lookup(client, "HT-2026-0001", "999999").text.replace("HT-2026-0001", "X")
    unknown = lookup(client, "HT-2026-0002", "999999").text.replace("HT-2026-0002", "X")
    strip = lambda text: "\n".join(line for line in text.splitlines() if "csrf" not in line.lower())  # noqa: E731
    assert strip(wrong_id) == strip(unknown)


def test_guessing_is_rate_limited_per_client(client, case):
    for _attempt in range(10):
        lookup(client, "HT-2026-0001", "000000")
    response = lookup(client, "HT-2026-0001", "07123X")  # even the right one, once limited
    assert response.status_code == 429
    assert "Too many attempts" in response.text


def test_guessing_one_contract_from_many_clients_is_limited_too(client, case):
    for n in range(5):
        client.post("/my-home/", {"contract_no": "HT-2026-0001", "id_tail": "00000{n}"[:6]}, REMOTE_ADDR=f"10.0.0.{n}")
    response = client.post("/my-home/", {"contract_no": "HT-2026-0001", "id_tail": "07123X"}, REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 200 and NOT_FOUND in response.text  # the same answer: nothing revealed


def test_a_repair_request_becomes_a_ticket_from_the_status_page(client, case, contract):
    lookup(client, "HT-2026-0001", "07123X")
    response = client.post("/my-home/status/", {"subject": "Tap drips", "description": "Kitchen"})
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Tap drips")
    assert ticket.channel == Ticket.Channel.STATUS_PAGE and ticket.kind == Ticket.Kind.REPAIR
    assert ticket.customer == contract.customer and ticket.unit == contract.unit
    assert "Tap drips" in client.get("/my-home/status/").text


def pdf_text(data, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    pdftotext = shutil.which("pdftotext") or "/usr/bin/pdftotext"
    return subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603


def test_the_status_letter_in_both_languages(case, contract, tmp_path):
    english = pdf_text(status_letter_pdf(deal=contract, language="en"), tmp_path)
    assert "Status letter" in english and "Contract filing" in english and "HT-2026-0001" in english
    chinese = pdf_text(status_letter_pdf(deal=contract, language="zh-hans"), tmp_path)
    assert "网签备案" in chinese
    assert contract.customer.name in chinese


def test_staff_download_the_letter(client, manager, case):
    client.force_login(manager)
    response = client.get(f"/service/certificates/{case.pk}/letter/?lang=en")
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
