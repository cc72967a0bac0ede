"""The escalation job: breached tickets escalate once (a second run escalates nothing), the manager is notified
and sees it on my day; near-breach tickets show on the agent's my day."""

import datetime

from django.utils import timezone

from crm_site import myday
from crm_site.models import StaffProfile
from outreach.models import Message
from service.models import Escalation, Ticket
from service.services import sla as sla_services
from service.services import tickets as ticket_services


def breached_ticket(buyer, agent, hours_ago=200):
    opened = timezone.now() - datetime.timedelta(hours=hours_ago)
    return ticket_services.ticket_create(customer=buyer, subject="Still leaking", by=agent, assignee=agent, at=opened)


def panel_titles(user, key="tickets"):
    for shown in myday.panels(user):
        if shown["panel"].key == key:
            return [item.title for item in shown["items"]]
    return None


def test_running_the_job_twice_escalates_once(org, buyer, agent, manager):
    ticket = breached_ticket(buyer, agent)
    assert sla_services.escalate_breached() == 1
    assert sla_services.escalate_breached() == 0
    assert Escalation.objects.filter(ticket=ticket).count() == 1
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.escalated_at is not None
    assert ticket.events.filter(kind="escalate").count() == 1
    # The team manager (Customer Service) was told, once.
    notices = Message.objects.filter(user=manager, channel="in_app")
    assert notices.count() == 1
    assert f"#{ticket.pk}" in notices.get().subject


def test_a_paused_or_resolved_ticket_is_not_escalated(org, buyer, agent):
    waiting = breached_ticket(buyer, agent)
    ticket_services.ticket_transition(ticket=waiting, to_status="waiting", by=agent)
    done = breached_ticket(buyer, agent)
    ticket_services.ticket_transition(ticket=done, to_status="resolved", by=agent)
    assert sla_services.escalate_breached() == 0


def test_breached_tickets_show_on_the_agents_and_the_managers_my_day(org, buyer, agent, manager):
    ticket = breached_ticket(buyer, agent)
    sla_services.escalate_breached()
    assert any(f"#{ticket.pk}" in title for title in panel_titles(agent))
    assert any(f"#{ticket.pk}" in title for title in panel_titles(manager))
    assert not panel_titles(org["rep"])  # a rep sees none (the panel is not even shown: service.view_ticket)


def test_a_fresh_ticket_is_not_on_my_day(org, buyer, agent):
    ticket_services.ticket_create(customer=buyer, subject="New", by=agent, assignee=agent)
    assert panel_titles(agent) == []


def test_the_my_day_page_shows_the_escalated_ticket_to_the_manager(client, org, buyer, agent, manager):
    ticket = breached_ticket(buyer, agent)
    sla_services.escalate_breached()
    client.force_login(manager)
    response = client.get("/my-day/")
    assert f"#{ticket.pk}" in response.text
    assert "escalated" in response.text


def test_the_manager_is_told_of_an_escalation_in_their_language(org, buyer, agent, manager):
    StaffProfile.objects.filter(user=manager).update(language="zh-hans")
    ticket = breached_ticket(buyer, agent)
    assert sla_services.escalate_breached() == 1
    notice = Message.objects.get(user=manager, channel="in_app")
    assert notice.language == "zh-hans"
    assert notice.subject == f"升级：工单 #{ticket.pk} 已超出服务时限"
