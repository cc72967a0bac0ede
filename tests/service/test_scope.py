"""The service scope: agents reach the buyers of their projects and the customers of tickets assigned to them;
managers every project their department serves; they see phone numbers (logged), not ID numbers."""

from crm_site.models import AccessLog
from customers.models import Customer
from service.services import tickets as ticket_services
from tests.factories import CustomerFactory
from tests.service.conftest import fresh


def visible(user):
    return set(Customer.objects.visible_to(fresh(user)).values_list("pk", flat=True))


def test_buyers_of_the_agents_project_are_in_scope_for_agent_and_manager(org, buyer):
    assert buyer.pk in visible(org["service_agent"])
    assert buyer.pk in visible(org["service_manager"])
    assert buyer.pk not in visible(org["rep"])
    assert buyer.pk in visible(org["executive"])


def test_a_ticket_assigned_to_an_agent_brings_its_customer_into_scope(org, project_b):
    outsider = CustomerFactory(owner=org["rep"], team=org["north"])
    agent = fresh(org["service_agent"])
    assert outsider.pk not in visible(agent)
    ticket_services.ticket_create(customer=outsider, subject="Call me", assignee=agent, by=fresh(org["rep"]))
    assert outsider.pk in visible(agent)
    assert outsider.pk in visible(org["service_manager"])  # the agent is in his department


def test_the_agent_sees_the_buyers_phone_unmasked_and_the_view_is_logged(client, org, buyer):
    client.force_login(org["service_agent"])
    response = client.get(f"/customers/{buyer.pk}/")
    assert response.status_code == 200
    assert buyer.phone in response.text
    assert buyer.id_number not in response.text  # the ID number stays masked
    log = AccessLog.objects.get(user=org["service_agent"], object_id=str(buyer.pk))
    assert log.fields == "phone"


def test_a_rep_without_the_permission_sees_other_files_masked(client, org, buyer):
    client.force_login(org["marketing"])  # sees every file, has no view_sensitive nor service.call_customer
    response = client.get(f"/customers/{buyer.pk}/")
    assert response.status_code == 200
    assert buyer.phone not in response.text


def test_a_large_relation_stays_a_subquery_and_reaches_the_same_files(org, buyer, project_b, monkeypatch):
    """Past RELATED_INLINE_LIMIT the served customers are a subquery, not an id list (a service manager's 224,592
    files made a 1.7 MB statement and a 7 s customer list on the bench data): the same files either way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm_site import scope

    outsider = CustomerFactory(owner=org["rep"], team=org["north"])
    ticket_services.ticket_create(
        customer=outsider, subject="Call me", assignee=fresh(org["service_agent"]), by=fresh(org["rep"])
    )
    inlined = {role: visible(org[role]) for role in ("service_agent", "service_manager")}
    monkeypatch.setattr(scope, "RELATED_INLINE_LIMIT", 0)
    for role, expected in inlined.items():
        with CaptureQueriesContext(connection) as queries:
            assert visible(org[role]) == expected
        statement = queries.captured_queries[-1]["sql"]
        assert "service_ticket" in statement and "sales_deal" in statement  # the relation is a subquery
    assert {buyer.pk, outsider.pk} <= inlined["service_agent"]
