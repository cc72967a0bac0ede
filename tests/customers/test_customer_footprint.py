"""The 360 page reads what a file has with the file (customers.footprint: one EXISTS per kind, in the same query)
and skips the sources and sections that would come back empty; a file loaded elsewhere gets its marks in one query."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers import footprint, selectors
from customers.models import Customer, CustomerConflict, PurchaseIntent
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SKIPPED = {
    "customers_purchaseintent",
    "customers_customerconflict",
    "customers_customermember",
    "outreach_message",
    "outreach_consentchange",
    "sales_stagechange",
    "sales_deal",
    "sales_installment",
    "sales_promise",
}


def tables_read(queries) -> set[str]:
    """The table each SELECT reads FROM first (EXISTS subqueries inside the file's query do not count)."""
    found = set()
    for query in queries:
        match = re.match(r'\(?SELECT .*? FROM "(\w+)"', query["sql"])
        if match:
            found.add(match[1])
    return found


def test_the_page_loads_the_marks_with_the_file(rep):
    customer = CustomerFactory(owner=rep)
    PurchaseIntent.objects.create(customer=customer, recorded_by=rep, rooms=3)
    with CaptureQueriesContext(connection) as loading:
        loaded = selectors.customer_page_get(user=rep, pk=customer.pk)
    # The file, then its marks (one query, compiled once per process: customers.footprint.load).
    assert len([query for query in loading if 'FROM "customers_customer"' in query["sql"]]) == 2
    with CaptureQueriesContext(connection) as asking:
        assert footprint.has(loaded, "intents") and footprint.has(loaded, "history")
        assert not footprint.has(loaded, "conflicts") and not footprint.has(loaded, "sales.opportunities")
    assert len(asking) == 0  # the marks came with the file
    assert set(footprint.MARKS) >= {"intents", "conflicts", "members", "shares", "outreach.messages", "sales.leases"}


def test_the_compiled_marks_query_answers_for_each_file_it_is_given(rep):
    with_intent, without = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    PurchaseIntent.objects.create(customer=with_intent, recorded_by=rep, rooms=3)
    first = selectors.customer_page_get(user=rep, pk=with_intent.pk)
    second = selectors.customer_page_get(user=rep, pk=without.pk)
    assert footprint.has(first, "intents") and not footprint.has(second, "intents")
    assert str(footprint.STAND_IN) not in next(iter(footprint._COMPILED.values()))[0]  # a parameter, not SQL text


def test_a_file_loaded_elsewhere_gets_every_mark_in_one_query(rep, other_rep):
    customer = Customer.objects.get(pk=CustomerFactory(owner=rep).pk)
    CustomerConflict.objects.create(
        customer=customer, claimant=other_rep, owner_at_claim=rep, claimed_at=timezone.now()
    )
    with CaptureQueriesContext(connection) as queries:
        assert footprint.has(customer, "conflicts") and not footprint.has(customer, "members")
        assert not footprint.has(customer, "shares")
    assert len(queries) == 1
    assert footprint.has(customer, "not registered") is True


def test_a_file_with_nothing_skips_the_empty_sources(client, rep):
    customer = CustomerFactory(owner=rep)
    client.force_login(rep)
    client.get(customer.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(customer.get_absolute_url())
    assert response.status_code == 200
    assert not tables_read(queries.captured_queries) & SKIPPED, tables_read(queries.captured_queries) & SKIPPED
    assert not any('"customers_customershare"."customer_id" =' in query["sql"] for query in queries)  # co-owners
    assert len(queries) <= 18
