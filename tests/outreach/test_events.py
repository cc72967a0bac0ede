"""The integration events customers and sales emit, each once its transaction commits."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from crm_site import events
from customers import services as customer_services
from sales.models import Deal, Installment, Opportunity
from sales.services import deals as deal_services
from sales.services import funnel as funnel_services
from sales.services import money as money_services
from tests.sales.factories import DealFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    """The events dispatched to subscribers (outreach's webhook subscriber is left out)."""
    received = []
    monkeypatch.setattr(events, "SUBSCRIBERS", [received.append])
    return received


def test_customer_created(heard, rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        customer = customer_services.customer_create(by=rep, name="New", phone="13900003333", source="web")
    assert [(event.name, event.payload) for event in heard] == [
        ("customer.created", {"customer_id": customer.pk, "owner_id": rep.pk, "source": "web"})
    ]


def test_opportunity_stage_changed(heard, rep, project_a, django_capture_on_commit_callbacks):
    opportunity = OpportunityFactory(customer__owner=rep, project=project_a)
    with django_capture_on_commit_callbacks(execute=True):
        funnel_services.opportunity_move(opportunity=opportunity, to_stage=Opportunity.Stage.VISITED, by=rep)
    (event,) = heard
    assert event.name == "opportunity.stage_changed"
    assert event.payload == {"opportunity_id": opportunity.pk, "from": "lead", "to": "visited"}


def test_contract_signed_and_payment_received(heard, rep, project_a, django_capture_on_commit_callbacks):
    deal = DealFactory(
        opportunity__customer__owner=rep,
        opportunity__project=project_a,
        stage=Deal.Stage.SUBSCRIPTION,
        price=Decimal("2000000.00"),
        subscribed_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.deal_contract(
            deal=deal,
            price=deal.list_price,
            payment_method=Deal.PaymentMethod.FULL,
            signed_on=timezone.localdate(),
            contract_no="EV-1",
            by=rep,
        )
    assert [event.name for event in heard] == ["opportunity.stage_changed", "contract.signed"]
    assert heard[1].payload == {"deal_id": deal.pk, "customer_id": deal.customer_id, "price": "2000000.00"}
    line = Installment.objects.create(
        deal=deal,
        project=project_a,
        owner=rep,
        kind=Installment.Kind.FULL,
        due_on=timezone.localdate() + datetime.timedelta(days=5),
        amount=Decimal("2000000.00"),
    )
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        payment = money_services.payment_record(
            installment=line, amount=Decimal("500000"), received_on=timezone.localdate(), by=rep
        )
    assert [(event.name, event.payload) for event in heard] == [
        ("payment.received", {"payment_id": payment.pk, "deal_id": deal.pk, "amount": "500000.00"})
    ]


def test_a_failing_subscriber_breaks_neither_the_write_nor_the_others(
    monkeypatch, rep, django_capture_on_commit_callbacks
):
    received = []

    def broken(event):
        raise RuntimeError("receiver bug")

    monkeypatch.setattr(events, "SUBSCRIBERS", [broken, received.append])
    with django_capture_on_commit_callbacks(execute=True):
        customer = customer_services.customer_create(by=rep, name="Still here", phone="13900004444")
    assert customer.pk and [event.name for event in received] == ["customer.created"]
