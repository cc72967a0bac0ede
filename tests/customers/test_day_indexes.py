"""The expression indexes behind a rep's "my day" match the expressions the queries use (PostgreSQL only: the
indexes are made by customers migration 0013 and sales migration 0010). If someone changes LAST_TOUCH or the
birthday lookup and not the index, PostgreSQL silently reads a rep's 2,500 files again: these tests say so."""

import datetime

import pytest
from django.db import connection

from customers import pool
from customers.models import Customer
from members.selectors.care import _same_day
from sales.models import Deal
from tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="expression indexes are PostgreSQL's"),
]


def plan(queryset) -> str:
    """PostgreSQL's plan for `queryset` when any index path is preferred to reading the table and sorting it."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_lapsing_files_are_read_in_the_order_of_their_last_touch(rep):
    CustomerFactory.create_batch(3, owner=rep)
    query = pool.lapsing(Customer.objects.filter(owner=rep), warn=True).order_by("last_touch")[:11]
    assert "customer_owner_touch_idx" in plan(query)


def test_a_reps_birthdays_come_from_the_index_of_the_day(rep):
    CustomerFactory.create_batch(3, owner=rep, birth_date=datetime.date(1990, 12, 8))
    query = Customer.objects.filter(owner=rep).filter(_same_day("birth_date", datetime.date(2026, 12, 8)))
    assert "customer_owner_birthday_idx" in plan(query)


def test_anniversaries_come_from_the_index_of_the_signing_day():
    query = Deal.objects.filter(_same_day("signed_on", datetime.date(2027, 2, 28)))  # with 29 February: an OR
    assert "deal_signed_day_idx" in plan(query)
