"""A small world with hand-computed scores (every figure in the comments is what the tests expect).

Project A, night = today. Definitions' defaults (analytics.definitions).
c1 (rep): contract 2,000,000 on a unit costing 1,500,000, partner commission 30,000, refund 20,000, one overdue
    installment, one broken promise, two site visits; referred c4.
    margin 470,000 − refund 20,000 = gross 450,000 = net; demand 2 + 1 = 3; potential 0.02 × 2,000,000 = 40,000;
    LTV 490,000; segment key; risk 2 + 1 = 3 → medium; loyalty referrals 1 × 10 = 10.
c2 (rep): contract 1,000,000 on a unit costing 900,000, one cancelled deal.
    gross = net 100,000; demand 0; potential 20,000; LTV 120,000; segment keep; risk 1 → low.
    Value matrix of project A (c1, c2): median profit 275,000, median demand 1.5 → c1 troublesome, c2 chicken rib.
c3 (other_rep): prospect, intending opportunity of 2,000,000 → pipeline 500,000 → potential 75,000; campaign lead
    (cost 3,000 over 2 leads) → net −1,500; segment develop; no quadrant.
c4 (other_rep): prospect, intent budget 100 (万) → potential 1,000,000 × 0.05 × 0.15 = 7,500; campaign lead
    → net −1,500; segment basic.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import Interaction, PurchaseIntent
from sales.models import Campaign, CampaignLead, Deal, Installment, Opportunity, Payment, Promise
from sales.models.partners import Commission, Partner, PartnerRegistration
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, OpportunityFactory

D = Decimal


def contract(customer, project, price, cost, **kwargs):
    return DealFactory(
        opportunity__customer=customer,
        opportunity__project=project,
        unit__cost_basis=D(cost),
        unit__list_price=D(price),
        stage=Deal.Stage.CONTRACT,
        price=D(price),
        signed_on=timezone.localdate() - datetime.timedelta(days=30),
        **kwargs,
    )


@pytest.fixture
def night():
    return timezone.localdate()


@pytest.fixture
def world(org, project_a):
    return build_world(org, project_a)


def build_world(org, project_a) -> dict:
    rep, other_rep = org["rep"], org["other_rep"]
    today = timezone.localdate()
    c1 = CustomerFactory(owner=rep, project=project_a, name="Customer One")
    c2 = CustomerFactory(owner=rep, project=project_a, name="Customer Two")
    c3 = CustomerFactory(owner=other_rep, project=project_a, name="Customer Three")
    c4 = CustomerFactory(owner=other_rep, project=project_a, name="Customer Four", referrer=c1)

    deal1 = contract(c1, project_a, "2000000", "1500000")
    partner = Partner.objects.create(name="Agency")
    registration = PartnerRegistration.objects.create(
        partner=partner,
        project=project_a,
        customer_name="c1",
        phone="13800001111",
        registered_at=timezone.now(),
        protected_until=timezone.now(),
        by=rep,
    )
    Commission.objects.create(partner=partner, registration=registration, deal=deal1, amount=D("30000"))
    paid = Installment.objects.create(
        deal=deal1, project=project_a, owner=rep, kind="down_payment", due_on=today, amount=D("600000"),
        received=D("580000"),
    )  # fmt: skip
    Payment.objects.create(
        installment=paid, project=project_a, owner=rep, amount=D("600000"), received_on=today, by=rep
    )
    Payment.objects.create(
        installment=paid, project=project_a, owner=rep, amount=D("-20000"), is_refund=True, received_on=today, by=rep
    )
    Installment.objects.create(
        deal=deal1, project=project_a, owner=rep, kind="installment", sequence=2,
        due_on=today - datetime.timedelta(days=5), amount=D("100000"),
    )  # fmt: skip
    Promise.objects.create(
        customer=c1, project=project_a, promised_by=rep, owner=rep, content="Parking", status=Promise.Status.BROKEN
    )
    for days in (3, 10):
        Interaction.objects.create(
            customer=c1, channel=Interaction.Channel.SITE_VISIT, staff=rep, summary="visit",
            occurred_at=timezone.now() - datetime.timedelta(days=days),
        )  # fmt: skip

    contract(c2, project_a, "1000000", "900000")
    DealFactory(opportunity__customer=c2, opportunity__project=project_a, state=Deal.State.CANCELLED)

    OpportunityFactory(customer=c3, project=project_a, stage=Opportunity.Stage.INTENDING, expected_amount=D("2000000"))
    campaign = Campaign.objects.create(
        name="Expo", starts_on=today, ends_on=today, actual_cost=D("3000"), owner=org["marketing"]
    )
    CampaignLead.objects.create(campaign=campaign, customer=c3, by=other_rep)
    CampaignLead.objects.create(campaign=campaign, customer=c4, by=other_rep)
    PurchaseIntent.objects.create(customer=c4, budget_max=D("100"))
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4, **org}
