"""`field__any=[...]` (crm_site.lookups): the same rows as `__in`, on a primary key and on a foreign key, with one
array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer, Interaction
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_any_matches_in_on_a_primary_and_a_foreign_key(rep):
    customers = [CustomerFactory(owner=rep) for _ in range(4)]
    for customer in customers[:3]:
        Interaction.objects.create(
            customer=customer, summary="call", channel="phone", direction="out", occurred_at=timezone.now(), staff=rep
        )
    wanted = [customers[0].pk, customers[2].pk, customers[3].pk]
    assert set(Customer.objects.filter(pk__any=wanted)) == set(Customer.objects.filter(pk__in=wanted))
    by_any = set(Interaction.objects.filter(customer_id__any=wanted).values_list("customer_id", flat=True))
    assert by_any == {customers[0].pk, customers[2].pk}
    assert set(Interaction.objects.filter(customer__any=wanted).values_list("customer_id", flat=True)) == by_any
    assert not Customer.objects.filter(pk__any=[]).exists()
    with CaptureQueriesContext(connection) as queries:
        list(Interaction.objects.filter(customer_id__any=wanted))
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries.captured_queries[0]["sql"]


def test_an_id_list_is_the_same_query_without_the_builder_walking_each_id(rep, monkeypatch):
    from django.db.models.sql.query import Query

    from crm_site.lookups import IdList

    customers = [CustomerFactory(owner=rep) for _ in range(3)]
    for customer in customers[:2]:
        Interaction.objects.create(
            customer=customer, summary="call", channel="phone", direction="out", occurred_at=timezone.now(), staff=rep
        )
    wanted = IdList([customers[0].pk, customers[2].pk])
    assert len(wanted) == 2 and "2 ids" in repr(wanted)
    assert set(Customer.objects.filter(pk__any=wanted)) == {customers[0], customers[2]}
    assert set(Interaction.objects.filter(customer_id__any=wanted).values_list("customer_id", flat=True)) == {
        customers[0].pk
    }
    assert not Customer.objects.filter(pk__any=IdList([])).exists()
    # The builder resolves a plain list value by value; an IdList is one value to it.
    seen = []
    original = Query.resolve_lookup_value

    def counting(self, value, *args, **kwargs):
        seen.append(value)
        return original(self, value, *args, **kwargs)

    monkeypatch.setattr(Query, "resolve_lookup_value", counting)
    Interaction.objects.filter(customer_id__any=IdList(range(1, 1001)))
    assert len(seen) == 1
    seen.clear()
    Interaction.objects.filter(customer_id__any=list(range(1, 1001)))
    assert len(seen) > 1000
