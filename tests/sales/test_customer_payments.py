"""The payments on the customer 360 timeline: a contract's and a lease's, newest first, only the customer's, read
through indexed paths (the customer's deals and leases, then their lines' payments), never an OR across joins."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sales.models import Deal, Unit
from sales.selectors import money as selectors
from sales.services import leasing as leasing_services
from sales.services import money as services
from sales.services.money import Plan
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, UnitFactory

pytestmark = pytest.mark.django_db
D = Decimal


def contract_line(customer, by):
    today = timezone.localdate()
    deal = DealFactory(opportunity__customer=customer, stage=Deal.Stage.CONTRACT, price=D("1000.00"), signed_on=today)
    return services.schedule_create(deal=deal, plan=Plan.FULL, by=by, first_due=today)[0]


def lease_line(customer, by, project):
    shop = UnitFactory(building__project=project, use=Unit.Use.SHOP, for_lease=True, monthly_rent=D("100"), rooms=0)
    start = timezone.localdate().replace(day=1)
    lease = leasing_services.lease_create(
        unit=shop, tenant=customer, by=by, starts_on=start, ends_on=start.replace(year=start.year + 1),
        monthly_rent=D("100.00"), deposit=D("0.00"), rent_day=5, signed_on=start,
    )  # fmt: skip
    return lease.installments.order_by("due_on").first()


def test_a_contracts_and_a_leases_payments_newest_first_and_only_the_customers(rep, project_a):
    customer = CustomerFactory(owner=rep)
    today = timezone.localdate()
    old = services.payment_record(
        installment=contract_line(customer, rep), amount=D("10"), received_on=today - datetime.timedelta(days=9), by=rep
    )
    rent = services.payment_record(
        installment=lease_line(customer, rep, project_a), amount=D("5"), received_on=today, by=rep
    )
    services.payment_record(
        installment=contract_line(CustomerFactory(owner=rep), rep), amount=D("7"), received_on=today, by=rep
    )
    assert [payment.pk for payment in selectors.customer_payments(customer=customer)] == [rent.pk, old.pk]
    assert list(selectors.customer_payments(customer=customer, limit=1)) == [rent]


def test_no_sales_rows_no_payment_query_and_never_an_or_across_joins(rep):
    customer = CustomerFactory(owner=rep)
    with CaptureQueriesContext(connection) as queries:
        assert list(selectors.customer_payments(customer=customer)) == []
    assert len(queries) == 1  # the lines only
    contract_line(customer, rep)
    with CaptureQueriesContext(connection) as queries:
        list(selectors.customer_payments(customer=customer))
    payments = queries.captured_queries[-1]["sql"]
    assert "sales_payment" in payments.split("FROM")[1] and " OR " not in payments
    assert '"sales_payment"."installment_id" IN' in payments
