"""Certificate cases: opened on a signed contract, moved along the template, the building-level first registration
moving every unit of the building, bulk moves, the board (overdue flagged) and its export, my day."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from crm_site import events
from service.models import Callback, CaseStage, CertificateCase, CertificateStage
from service.selectors import certificates as selectors
from service.services import certificates as services
from tests.sales.factories import BuildingFactory
from tests.service.conftest import fresh, make_contract


def stage(code):
    return CertificateStage.objects.get(code=code)


@pytest.fixture
def building_cases(org, project_a, building_a):
    owner = fresh(org["other_rep"])
    deals = [
        make_contract(owner=owner, project=project_a, building=building_a, contract_no=f"HT-B1-{n}") for n in range(3)
    ]
    other = BuildingFactory(project=project_a, name="Building 2")
    deals.append(make_contract(owner=owner, project=project_a, building=other, contract_no="HT-B2-1"))
    return [services.case_open(deal=deal, on=datetime.date(2026, 1, 15)) for deal in deals]


def test_a_signed_contract_opens_its_case_and_schedules_callbacks(contract, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("contract.signed", {"deal_id": contract.pk, "customer_id": contract.customer_id})
    case = CertificateCase.objects.get(deal=contract)
    assert case.stage.code == "contract_filing"
    dues = sorted(Callback.objects.filter(deal=contract).values_list("months_after", "due_on"))
    assert dues == [
        (1, datetime.date(2026, 2, 15)),
        (3, datetime.date(2026, 4, 15)),
        (6, datetime.date(2026, 7, 15)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("contract.signed", {"deal_id": contract.pk, "customer_id": contract.customer_id})
    assert Callback.objects.filter(deal=contract).count() == 3
    assert CertificateCase.objects.filter(deal=contract).count() == 1


def test_first_registration_moves_every_unit_of_the_building(org, building_cases, building_a):
    user = fresh(org["service_agent"])
    for case in building_cases:
        services.case_advance(case=case, by=user, to=stage("first_registration"))
    moved = services.building_first_registration(building=building_a, by=user)
    assert moved == 3
    for case in building_cases[:3]:
        case.refresh_from_db()
        assert case.stage.code == "documents"
        assert CaseStage.objects.get(case=case, stage=stage("first_registration")).done_on is not None
    building_cases[3].refresh_from_db()
    assert building_cases[3].stage.code == "first_registration"  # the other building did not move


def test_a_case_only_moves_forward(org, building_cases):
    user = fresh(org["service_agent"])
    case = services.case_advance(case=building_cases[0], by=user, to=stage("taxes"))
    with pytest.raises(ValidationError):
        services.case_advance(case=case, by=user, to=stage("handover"))


def test_mortgage_stages_only_for_mortgage_buyers(org, project_a, building_a):
    owner = fresh(org["other_rep"])
    cash = services.case_open(deal=make_contract(owner=owner, project=project_a, building=building_a, contract_no="C1"))
    loan = services.case_open(
        deal=make_contract(owner=owner, project=project_a, building=building_a, contract_no="C2", payment="mortgage")
    )
    assert "mortgage" not in [s.code for s in services.stages_for(cash)]
    assert "mortgage" in [s.code for s in services.stages_for(loan)]
    user = fresh(org["service_agent"])
    cash = services.case_advance(case=cash, by=user, to=stage("issued"))
    cash = services.case_advance(case=cash, by=user)
    assert cash.stage.code == "handed"
    cash = services.case_advance(case=cash, by=user)
    assert cash.finished_on is not None


def test_bulk_move_of_a_building(org, building_cases, building_a):
    moved = services.building_move(building=building_a, to=stage("documents"), by=fresh(org["service_agent"]))
    assert moved == 3
    assert {case.stage.code for case in CertificateCase.objects.filter(building=building_a)} == {"documents"}


def test_the_board_flags_overdue_stages_and_near_deadlines(org, building_cases, project_a):
    today = datetime.date(2026, 3, 1)  # contract filing (30 days) started 15 Jan: overdue
    CertificateCase.objects.filter(pk=building_cases[3].pk).update(deadline=datetime.date(2026, 3, 20))
    board = selectors.board(user=fresh(org["service_agent"]), project=project_a, today=today)
    assert {row["name"]: row["total"] for row in board.buildings} == {"Building 1": 3, "Building 2": 1}
    assert board.overdue_count == 4
    near = [case for case in board.overdue if case.deadline_near]
    assert [case.pk for case in near] == [building_cases[3].pk]


def test_board_page_export_and_my_day(client, org, building_cases, project_a, manager):
    CertificateCase.objects.filter(pk=building_cases[0].pk).update(deadline=datetime.date.today())
    client.force_login(manager)
    page = client.get("/service/certificates/", {"project": project_a.pk})
    assert page.status_code == 200 and 'data-testid="certificate-board"' in page.text
    export = client.get("/service/certificates/export/", {"project": project_a.pk})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Building,Unit,Buyer,Stage")
    assert len(body.splitlines()) == 5
    xlsx = client.get("/service/certificates/export/", {"project": project_a.pk, "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    day = client.get("/my-day/")
    assert "Certificate deadlines at risk" in day.text
    assert str(building_cases[0].unit) in day.text


def test_first_registration_from_the_board(client, org, building_cases, project_a, building_a, manager):
    for case in building_cases[:3]:
        services.case_advance(case=case, by=manager, to=stage("first_registration"))
    client.force_login(manager)
    response = client.post(
        "/service/certificates/first-registration/", {"project": project_a.pk, "building": building_a.pk}
    )
    assert response.status_code == 302
    assert set(CertificateCase.objects.filter(building=building_a).values_list("stage__code", flat=True)) == {
        "documents"
    }
