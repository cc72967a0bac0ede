"""The status letter e-mailed to the buyer through outreach's messaging module: the PDF attached, in the buyer's
language, from the case page, the ticket page and on a stage change; never without the buyer's consent."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from outreach.models import Message
from service.models import CertificateCase, CertificateStage
from service.services import certificates as services
from service.services import tickets as ticket_services
from tests.service.test_status_page import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(contract):
    return services.case_open(deal=contract, on=datetime.date(2026, 1, 15))


@pytest.fixture
def staff(client, agent):
    client.force_login(agent)
    return client


def consent(case, language):
    CertificateCase.objects.filter(pk=case.pk).update(letter_consent=True, language=language)


def the_letter(email):
    ((name, content, mimetype),) = email.attachments
    assert mimetype == "application/pdf" and name == "status-HT-2026-0001.pdf"
    return content


@pytest.mark.parametrize(
    ("language", "subject", "body", "in_pdf"),
    [
        ("en", "Status of your property certificate, contract HT-2026-0001", "“Contract filing”", "Contract filing"),
        ("zh-hans", "产权证办理进度函（合同 HT-2026-0001）", "目前处于“网签备案”阶段", "网签备案"),
    ],
)
def test_staff_email_the_letter_in_the_buyers_language(
    staff, case, contract, language, subject, body, in_pdf, tmp_path, django_capture_on_commit_callbacks
):
    consent(case, language)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("service:certificate-letter-send", args=[case.pk]))
    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == ["buyer@example.com"]
    assert email.subject == subject
    assert body in email.body and contract.customer.name in email.body
    assert in_pdf in pdf_text(the_letter(email), tmp_path)
    message = Message.objects.get(customer=contract.customer)
    assert (message.template_key, message.language, message.status) == ("service.status_letter", language, "sent")


def test_no_letter_without_the_buyers_consent(staff, case, contract, django_capture_on_commit_callbacks):
    type(contract.customer).objects.filter(pk=contract.customer_id).update(marketing_consent=True)
    page = staff.get(case.get_absolute_url()).content.decode()
    assert "The buyer has not agreed to receive letters by e-mail." in page
    assert 'data-testid="letter-send"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("service:certificate-letter-send", args=[case.pk]), follow=True)
    assert "The buyer has not agreed to receive letters by e-mail." in response.content.decode()
    assert mail.outbox == [] and not Message.objects.exists()


def test_consent_and_language_are_recorded_on_the_case_page(staff, case):
    data = {"case-edit": "1", "edit-deadline": "2027-06-30", "edit-letter_consent": "on", "edit-language": "en"}
    assert staff.post(case.get_absolute_url(), data).status_code == 302
    case.refresh_from_db()
    assert (case.letter_consent, case.language, case.deadline) == (True, "en", datetime.date(2027, 6, 30))
    assert 'data-testid="letter-send"' in staff.get(case.get_absolute_url()).content.decode()


def test_the_letter_from_a_ticket_page(staff, case, contract, agent, django_capture_on_commit_callbacks):
    consent(case, "zh-hans")
    ticket = ticket_services.ticket_create(
        customer=contract.customer, subject="Where is my certificate?", deal=contract
    )
    page = staff.get(ticket.get_absolute_url()).content.decode()
    assert 'data-testid="certificate"' in page and 'data-testid="letter-send"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("service:certificate-letter-send", args=[case.pk]), {"back": ticket.get_absolute_url()}
        )
    assert response.url == ticket.get_absolute_url()
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments
    evil = staff.post(reverse("service:certificate-letter-send", args=[case.pk]), {"back": "https://evil.example/"})
    assert evil.url == case.get_absolute_url()


def test_a_stage_change_sends_the_stage_news_with_the_letter_once(
    case, agent, tmp_path, django_capture_on_commit_callbacks
):
    consent(case, "en")
    taxes = CertificateStage.objects.get(code="taxes")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_advance(case=case, by=agent, to=taxes)
    (email,) = mail.outbox
    assert email.subject == "Your property certificate: Taxes paid"
    assert "Taxes paid" in pdf_text(the_letter(email), tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_buyer(case.pk)  # the same stage again: no second e-mail
    assert len(mail.outbox) == 1
