"""The service API (create from a call-center system, update, list, certificate status, callbacks) and the
messages service sends through outreach, in both languages."""

import pytest

from crm_site.models import ApiToken
from outreach import merge
from outreach.defaults import template_for
from outreach.models import Message
from service.models import Callback, Ticket
from service.services import callbacks as callback_services
from service.services import certificates as certificate_services


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


def test_a_call_center_creates_and_updates_a_ticket(client, agent, buyer):
    headers = bearer(agent)
    response = client.post(
        "/api/v1/service/tickets/",
        {
            "customer_id": buyer.pk,
            "subject": "Door lock broken",
            "kind": "repair",
            "priority": "high",
            "assignee_id": agent.pk,
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["channel"] == "api" and data["status"] == "assigned" and data["resolution_due_at"]
    moved = client.patch(
        f"/api/v1/service/tickets/{data['id']}/",
        {"status": "in_progress"},
        content_type="application/json",
        headers=headers,
    )
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"
    refused = client.patch(
        f"/api/v1/service/tickets/{data['id']}/", {"status": "new"}, content_type="application/json", headers=headers
    )
    assert refused.status_code == 422
    listed = client.get("/api/v1/service/tickets/", headers=headers).json()
    assert [item["id"] for item in listed["items"]] == [data["id"]]


def test_a_customer_outside_scope_is_refused(client, agent, org):
    from tests.factories import CustomerFactory

    outsider = CustomerFactory(owner=org["rep"], team=org["north"])
    response = client.post(
        "/api/v1/service/tickets/",
        {"customer_id": outsider.pk, "subject": "x"},
        content_type="application/json",
        headers=bearer(agent),
    )
    assert response.status_code == 422


def test_certificate_status_and_callback_answers_by_api(client, agent, contract):
    certificate_services.case_open(deal=contract)
    headers = bearer(agent)
    status = client.get(f"/api/v1/service/certificates/{contract.pk}/", headers=headers)
    assert status.status_code == 200 and status.json()["stage"] == "contract_filing"
    callback = callback_services.callbacks_for_contract(deal=contract)[0]
    answer = client.post(
        f"/api/v1/service/callbacks/{callback.pk}/answer",
        {"score": 1, "outcome": "issue", "conversation": "Noisy"},
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 200 and answer.json()["follow_up_id"]
    assert Callback.objects.get(pk=callback.pk).follow_up.kind == Ticket.Kind.COMPLAINT


def test_a_rep_has_no_service_api(client, org):
    assert client.get("/api/v1/service/tickets/", headers=bearer(org["rep"])).status_code == 403


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("en", "Escalated: ticket #7 breached its SLA", "Li Lei: Lift broken. It was due 2026-10-08 11:00."),
        ("zh-hans", "升级：工单 #7 已超出服务时限", "Li Lei：Lift broken。原定截止时间 2026-10-08 11:00。"),
    ],
)
def test_the_escalation_notice_in_both_languages(db, language, subject, body):
    context = {
        "ticket_number": 7,
        "ticket_subject": "Lift broken",
        "customer_name": "Li Lei",
        "due_at": "2026-10-08 11:00",
    }
    rendered = merge.Renderer(template_for("service.escalated"), language).render(context)
    assert (rendered.subject, rendered.body) == (subject, body)


def test_the_buyer_hears_of_a_stage_change_by_email_only_with_consent(
    contract, agent, django_capture_on_commit_callbacks
):
    from service.models import CertificateStage

    buyer = contract.customer
    case = certificate_services.case_open(deal=contract)
    type(buyer).objects.filter(pk=buyer.pk).update(marketing_consent=True)  # marketing consent is not enough
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.case_advance(case=case, by=agent)
    assert not Message.objects.filter(customer=buyer).exists()
    type(case).objects.filter(pk=case.pk).update(letter_consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.case_advance(case=case, by=agent, to=CertificateStage.objects.get(code="taxes"))
    message = Message.objects.get(customer=buyer)
    assert message.channel == "email"
    assert "缴纳税费" in message.subject or "Taxes paid" in message.subject
