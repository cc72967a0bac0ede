"""The sales section of the customer 360 page."""

import pytest

from sales.models import Promise
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def test_the_customer_page_lists_the_customers_opportunities_deals_and_open_promises(client, rep, project_a):
    customer = CustomerFactory(owner=rep)
    opportunity = OpportunityFactory(customer=customer, project=project_a)
    deal = DealFactory(opportunity=opportunity)
    Promise.objects.create(
        customer=customer, project=project_a, promised_by=rep, topic=Promise.Topic.PARKING, content="Space B2-17"
    )
    Promise.objects.create(
        customer=customer,
        project=project_a,
        promised_by=rep,
        content="Free kitchen",
        status=Promise.Status.WITHDRAWN,
    )
    client.force_login(rep)
    page = client.get(customer.get_absolute_url()).content.decode()
    start = page.index('id="customer-sales"')
    section = page[start : page.index("</section>", start)]
    assert opportunity.get_absolute_url() in section
    assert deal.get_absolute_url() in section
    assert "Space B2-17" in section
    assert "Free kitchen" not in section  # closed promises are not "open"


def test_a_manager_sees_the_team_reps_opportunity_but_another_team_does_not(client, org, rep, team_lead):
    south_lead = org["south_lead"]
    customer = CustomerFactory(owner=rep)
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(team_lead)
    assert opportunity.get_absolute_url() in client.get(customer.get_absolute_url()).content.decode()
    client.force_login(south_lead)
    assert client.get(customer.get_absolute_url()).status_code == 404


def test_roles_without_sales_permissions_see_no_sales_section(client, org):
    marketing = org["marketing"]
    customer = CustomerFactory()
    client.force_login(marketing)
    response = client.get(customer.get_absolute_url())
    assert response.status_code == 200
    assert 'id="customer-sales"' not in response.content.decode()


def test_a_file_without_sales_rows_costs_one_sales_query(client, rep, django_assert_max_num_queries):
    """The footprint query stands in for every sales timeline source and the section's three lists."""
    from sales.selectors.footprint import sales_footprint

    plain, busy = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    OpportunityFactory(customer=busy)
    assert sales_footprint(plain).opportunities is False
    assert sales_footprint(busy).opportunities is True
    client.force_login(rep)
    client.get(plain.get_absolute_url())  # warm the permission caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as quiet:
        client.get(plain.get_absolute_url())
    with CaptureQueriesContext(connection) as active:
        client.get(busy.get_absolute_url())
    sales_reads = [q["sql"] for q in quiet.captured_queries if q["sql"].lstrip("(").startswith('SELECT "sales_')]
    footprint_reads = [q["sql"] for q in quiet.captured_queries if '"sales_opportunity"' in q["sql"]]
    assert sales_reads == [] and len(footprint_reads) == 1
    assert len(active.captured_queries) > len(quiet.captured_queries)
