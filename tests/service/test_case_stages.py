"""Certificate stages edited per case on the case page: responsible, dates, the buyer's missing documents (the
stage's checklist plus others), notes; bad dates refused with a clear message and nothing changed."""

import datetime

import pytest
from django.utils import timezone

from crm_site.models import AuditEntry
from service.models import CaseStage, CertificateStage
from service.services import certificates as services
from tests.service.conftest import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(contract, agent):
    case = services.case_open(deal=contract, on=datetime.date(2026, 1, 15))
    services.case_advance(
        case=case, by=agent, to=CertificateStage.objects.get(code="documents"), on=datetime.date(2026, 2, 1)
    )
    return case


@pytest.fixture
def staff(client, agent):
    client.force_login(agent)
    return client


def row_of(case, code):
    return CaseStage.objects.get(case=case, stage__code=code)


def test_the_current_stage_is_edited_with_its_documents_checklist(staff, case, agent, manager):
    row = row_of(case, "documents")
    page = staff.get(case.get_absolute_url())
    assert b'data-testid="stage-form"' in page.content
    assert "Deed-tax receipt" in page.content.decode()
    prefix = f"stage-{row.pk}"
    answer = staff.post(
        case.get_absolute_url(),
        {
            "stage-edit": row.pk,
            f"{prefix}-responsible": manager.pk,
            f"{prefix}-started_on": "2026-02-03",
            f"{prefix}-missing_documents": ["Invoice", "Deed-tax receipt"],
            f"{prefix}-missing_other": "Marriage certificate",
            f"{prefix}-note": "Buyer abroad until March",
        },
    )
    assert answer.status_code == 302
    row.refresh_from_db()
    assert row.responsible == manager
    assert row.started_on == datetime.date(2026, 2, 3)
    assert row.missing == "Invoice, Deed-tax receipt, Marriage certificate"
    assert row.note == "Buyer abroad until March"
    case.refresh_from_db()
    assert case.stage_since == datetime.date(2026, 2, 3)
    assert case.stage_due == datetime.date(2026, 2, 3) + datetime.timedelta(days=30)
    assert AuditEntry.objects.filter(model="service.casestage", object_id=str(row.pk)).exists()
    shown = staff.get(case.get_absolute_url()).content.decode()
    assert "Missing: Invoice, Deed-tax receipt, Marriage certificate" in shown


def test_a_done_stage_keeps_sensible_dates(staff, case):
    row = row_of(case, "contract_filing")
    prefix = f"stage-{row.pk}"
    data = {"stage-edit": row.pk, f"{prefix}-started_on": "2026-01-15", f"{prefix}-note": ""}
    before = stage_state(row)
    for done_on, message in [
        ("2026-01-10", "A stage cannot be done before it started."),
        ("", "A finished stage keeps its done date."),
        ((timezone.localdate() + datetime.timedelta(days=3)).isoformat(), "A stage cannot be done in the future."),
    ]:
        page = staff.post(case.get_absolute_url(), {**data, f"{prefix}-done_on": done_on})
        assert page.status_code == 200
        assert message in page.content.decode()
    assert stage_state(row) == before
    assert staff.post(case.get_absolute_url(), {**data, f"{prefix}-done_on": "2026-01-30"}).status_code == 302
    row.refresh_from_db()
    assert row.done_on == datetime.date(2026, 1, 30)


def stage_state(row):
    row.refresh_from_db()
    return (row.started_on, row.done_on, row.note, row.missing)


def test_executives_see_the_stages_but_cannot_edit_them(client, org, case):
    client.force_login(fresh(org["executive"]))
    page = client.get(case.get_absolute_url())
    if page.status_code == 200:
        assert b'data-testid="stage-form"' not in page.content
    row = row_of(case, "documents")
    client.post(case.get_absolute_url(), {"stage-edit": row.pk, f"stage-{row.pk}-started_on": "2026-01-20"})
    row.refresh_from_db()
    assert row.started_on == datetime.date(2026, 2, 1)
