"""Tickets: the workflow (allowed and refused moves, reopening window), history rows, notes vs replies,
attachments, the link to a promise, the customer timeline, warranty per component, the pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from customers.selectors import timeline
from sales.models import Promise
from service.models import Callback, Category, ServiceSettings, Ticket, TicketEvent
from service.selectors import units as unit_selectors
from service.services import tickets as services

S = Ticket.Status


@pytest.fixture
def ticket(buyer, agent):
    return services.ticket_create(customer=buyer, subject="Water through the ceiling", by=agent, assignee=agent)


def test_a_new_ticket_with_an_agent_is_assigned_and_its_history_says_so(ticket, agent):
    assert ticket.status == S.ASSIGNED
    rows = list(ticket.events.filter(kind=TicketEvent.Kind.STATUS).values_list("from_status", "to_status"))
    assert rows == [("", S.NEW), (S.NEW, S.ASSIGNED)]
    assert ticket.project == ticket.deal.project if ticket.deal_id else True
    assert ticket.resolution_due_at is not None


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([S.IN_PROGRESS, S.WAITING, S.IN_PROGRESS, S.RESOLVED, S.CLOSED], S.ASSIGNED),
        ([S.RESOLVED], S.WAITING),
        ([S.IN_PROGRESS], S.NEW),
        ([S.IN_PROGRESS, S.RESOLVED, S.CLOSED], S.RESOLVED),
    ],
)
def test_allowed_moves_pass_and_a_refused_one_raises(ticket, agent, path, refused):
    for status in path:
        ticket = services.ticket_transition(ticket=ticket, to_status=status, by=agent)
        assert ticket.status == status
    count = ticket.events.count()
    with pytest.raises(ValidationError):
        services.ticket_transition(ticket=ticket, to_status=refused, by=agent)
    assert ticket.events.count() == count
    assert Ticket.objects.get(pk=ticket.pk).status == path[-1]


def test_reopening_within_the_configured_days_only(ticket, agent):
    settings = ServiceSettings.current()
    settings.reopen_days = 3
    settings.save()
    resolved_at = timezone.now() - datetime.timedelta(days=2)
    ticket = services.ticket_transition(ticket=ticket, to_status=S.RESOLVED, by=agent, at=resolved_at)
    ticket = services.ticket_transition(ticket=ticket, to_status=S.IN_PROGRESS, by=agent)
    assert ticket.status == S.IN_PROGRESS and ticket.resolved_at is None
    ticket = services.ticket_transition(
        ticket=ticket, to_status=S.RESOLVED, by=agent, at=timezone.now() - datetime.timedelta(days=4)
    )
    with pytest.raises(ValidationError, match="reopening period"):
        services.ticket_transition(ticket=ticket, to_status=S.IN_PROGRESS, by=agent)


def test_resolving_schedules_a_callback_once(ticket, agent, buyer):
    ticket = services.ticket_transition(ticket=ticket, to_status=S.RESOLVED, by=agent)
    callback = Callback.objects.get(ticket=ticket)
    assert callback.reason == Callback.Reason.TICKET
    assert callback.due_on == timezone.localdate() + datetime.timedelta(days=3)
    assert callback.customer == buyer and callback.assignee == agent
    ticket = services.ticket_transition(ticket=ticket, to_status=S.IN_PROGRESS, by=agent)
    services.ticket_transition(ticket=ticket, to_status=S.RESOLVED, by=agent)
    assert Callback.objects.filter(ticket=ticket).count() == 1


def test_a_reply_is_the_first_response_an_internal_note_is_not(ticket, agent):
    services.ticket_note(ticket=ticket, text="Checked the pipes", internal=True, by=agent)
    assert Ticket.objects.get(pk=ticket.pk).first_response_at is None
    services.ticket_note(ticket=ticket, text="We will come tomorrow", internal=False, by=agent)
    assert Ticket.objects.get(pk=ticket.pk).first_response_at is not None


def test_attachments_are_checked_for_type_and_size(ticket, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = services.ticket_attach(
        ticket=ticket, upload=SimpleUploadedFile("ceiling.jpg", b"\xff\xd8\xff", "image/jpeg"), by=agent
    )
    assert photo.size == 3 and photo.name == "ceiling.jpg"
    with pytest.raises(ValidationError, match="type"):
        services.ticket_attach(ticket=ticket, upload=SimpleUploadedFile("run.exe", b"MZ"), by=agent)
    big = SimpleUploadedFile("huge.pdf", b"0" * (services.ATTACHMENT_MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="10 MB"):
        services.ticket_attach(ticket=ticket, upload=big, by=agent)


def test_a_complaint_links_to_the_promise_it_is_about_and_shows_on_the_timeline(buyer, agent, contract):
    promise = Promise.objects.create(
        customer=buyer,
        deal=contract,
        project=contract.project,
        promised_by=contract.owner,
        owner=contract.owner,
        topic=Promise.Topic.PARKING,
        content="A parking space next to the lift",
    )
    ticket = services.ticket_create(
        customer=buyer, subject="No parking space", promise=promise, by=agent, deal=contract
    )
    assert list(promise.tickets.all()) == [ticket]
    assert ticket.unit == contract.unit and ticket.project == contract.project
    titles = [event.title for event in timeline(customer=buyer)]
    assert any(f"#{ticket.pk}" in title for title in titles)


def test_warranty_per_component_from_the_handover_date(contract):
    unit = contract.unit  # handed over 2025-06-01
    today = datetime.date(2027, 7, 1)
    waterproofing = unit_selectors.warranty(unit, "waterproofing", today=today)
    assert waterproofing.covered and waterproofing.until == datetime.date(2030, 5, 31)
    decoration = unit_selectors.warranty(unit, "decoration", today=today)
    assert not decoration.covered and decoration.until == datetime.date(2027, 5, 31)
    structure = unit_selectors.warranty(unit, "structure", today=today)
    assert structure.covered and structure.until is None


def test_the_ticket_page_shows_the_warranty_of_the_category_component(client, agent, buyer, contract):
    leak = Category.objects.get(name_en="Roof")
    ticket = services.ticket_create(
        customer=buyer, subject="Roof leak", category=leak, deal=contract, by=agent, kind=Ticket.Kind.REPAIR
    )
    client.force_login(agent)
    response = client.get(ticket.get_absolute_url())
    assert response.status_code == 200
    assert "under warranty until 2030-05-31" in response.text


def test_the_agent_takes_a_call_by_the_callers_phone(client, agent, buyer):
    client.force_login(agent)
    response = client.post(
        "/service/tickets/new/",
        {
            "phone": buyer.phone,
            "kind": "complaint",
            "channel": "phone",
            "priority": "high",
            "subject": "Noise",
            "assignee": agent.pk,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    ticket = Ticket.objects.get(subject="Noise")
    assert ticket.customer == buyer and ticket.assignee == agent and ticket.priority == "high"
    page = client.get("/service/tickets/")
    assert f'data-ticket="{ticket.pk}"' in page.text


def test_an_unknown_phone_is_refused_on_the_form(client, agent, org):
    client.force_login(agent)
    response = client.post(
        "/service/tickets/new/",
        {"phone": "13999999999", "kind": "complaint", "channel": "phone", "priority": "normal", "subject": "Who?"},
    )
    assert response.status_code == 200
    assert "No customer you serve has this phone number." in response.text


def test_moves_through_the_page_and_a_refused_move_is_a_400(client, agent, ticket):
    client.force_login(agent)
    assert client.post(f"/service/tickets/{ticket.pk}/move/", {"to_status": "in_progress"}).status_code == 302
    response = client.post(f"/service/tickets/{ticket.pk}/move/", {"to_status": "new"})
    assert response.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).status == S.IN_PROGRESS


def test_a_rep_may_not_open_the_ticket_pages(client, org, ticket):
    client.force_login(org["rep"])
    assert client.get("/service/tickets/").status_code == 403
    assert client.get(ticket.get_absolute_url()).status_code == 403


def test_a_ticket_outside_the_agents_projects_is_404(client, org, ticket, project_b):
    Ticket.objects.filter(pk=ticket.pk).update(project=project_b, assignee=org["other_rep"])
    client.force_login(org["service_agent"])
    assert client.get(ticket.get_absolute_url()).status_code == 404


def test_service_pages_render_for_agent_and_manager(client, agent, manager, ticket, contract):
    for user in (agent, manager):
        client.force_login(user)
        for url in (
            "/service/tickets/",
            "/service/tickets/new/",
            f"/service/tickets/{ticket.pk}/",
            f"/service/units/{contract.unit_id}/",
            "/service/callbacks/",
            "/service/certificates/",
            f"/customers/{contract.customer_id}/",
            "/my-day/",
        ):
            assert client.get(url).status_code == 200, (user, url)
    client.force_login(manager)
    assert client.get("/service/dashboard/").status_code == 200
    assert client.get("/service/escalations/").status_code == 200
