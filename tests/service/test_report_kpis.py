"""Service's key figures in the monthly management report (analytics.kpis): SLA attainment of the month's
resolved tickets, tickets and complaints opened, CSAT and NPS of the month's survey answers; read back from the
PDF in both languages."""

import datetime
import shutil
import subprocess

import pytest
from django.utils import timezone

from analytics.kpis import collect
from analytics.services.reports import report_generate
from service.models import Ticket
from service.panels.kpis import service_kpis
from service.services import surveys
from service.services import tickets as ticket_services
from tests.service.test_surveys import make_survey


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def month_bounds():
    today = timezone.localdate()
    start = today.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


@pytest.fixture
def service_month(contract, project_a, agent):
    customer = contract.customer
    met = ticket_services.ticket_create(customer=customer, subject="Leak", by=agent, kind=Ticket.Kind.REPAIR)
    late = ticket_services.ticket_create(customer=customer, subject="Noise", by=agent)
    now = timezone.now()
    Ticket.objects.filter(pk__in=[met.pk, late.pk]).update(project=project_a, first_response_at=now)
    Ticket.objects.filter(pk=met.pk).update(
        resolved_at=now, resolution_due_at=now + datetime.timedelta(hours=1), response_due_at=now
    )
    Ticket.objects.filter(pk=late.pk).update(
        resolved_at=now, resolution_due_at=now - datetime.timedelta(hours=1), response_due_at=now
    )
    survey, rating, score, _choice = make_survey(project_a)
    surveys.survey_send(survey=survey)
    invite = survey.invites.get()
    surveys.survey_answer(token=invite.token, answers={f"q{rating.pk}": "5", f"q{score.pk}": "10"})
    return project_a


def test_the_months_service_figures_are_exact(service_month):
    start, end = month_bounds()
    figures = {kpi.label: kpi.value for kpi in service_kpis(start, end, service_month)}
    assert figures["Tickets opened"] == 2
    assert figures["Complaints"] == 1
    assert figures["Resolved within SLA"] == 50.0
    assert figures["First response within SLA"] == 100.0
    assert (figures["CSAT"], figures["NPS"]) == (100.0, 100.0)
    previous = start - datetime.timedelta(days=1)
    before = {kpi.label: kpi.value for kpi in service_kpis(previous.replace(day=1), previous, service_month)}
    assert before["Tickets opened"] == 0 and before["Resolved within SLA"] is None and before["CSAT"] is None
    assert {"Tickets opened", "New members"} <= {kpi.label for kpi in collect(start=start, end=end)}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Tickets opened 2", "50.0 %", "CSAT 100.0 %", "New members"]),
        ("zh-hans", ["新开工单 2", "50.0 %", "新增会员"]),
    ],
)
def test_the_monthly_report_shows_them(service_month, tmp_path, language, words):
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: run scripts/install-system-deps.sh"
    start, _end = month_bounds()
    report = report_generate(month=start, project=service_month, language=language)
    path = tmp_path / "report.pdf"
    path.write_bytes(report.pdf.read())
    text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    text = " ".join(text.split())  # table cells wrap: compare words, not lines
    for word in words:
        assert word in text
