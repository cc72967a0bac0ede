"""The marketing dashboard and segments as audiences, on hand-computed data (the last 12 months).

Campaign "Expo" cost 30,000, leads c1 and c2 (rep), c1's contract of 1,000,000 attributed to it:
    ROI (1,000,000 − 30,000) / 30,000 = 32.33 (sales rounds the ratio to the cent) = 3233 %, cost per lead 15,000, per deal 30,000 (sales' own figures).
Sources: campaign c1, c2 (1 converted, 1,000,000); referral c3 (rep, referred by c1, contract 500,000);
walk-in c4 (other_rep, a cancelled contract: not converted); c5 created two years ago is outside the period.
    Campaign 2 files, 1 converted, 50 %; referral 1, 1, 100 %; walk-in 1, 0, 0 %.
    Referred: 500,000 of 1,500,000 = 33.3 % of the revenue; other files 3, converted 1.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from analytics.selectors.marketing import marketing
from analytics.services.jobs import job_start
from customers.models import Customer
from outreach import audiences
from sales.models import Campaign, CampaignLead, Deal
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory

pytestmark = pytest.mark.django_db
D = Decimal
URL = reverse("analytics:marketing")


def rows(chart) -> dict:
    return {str(row[0]): row[1:] for row in chart.rows}


@pytest.fixture
def funnel(org, project_a):
    rep, other, staff = org["rep"], org["other_rep"], org["marketing"]
    today = timezone.localdate()
    campaign = Campaign.objects.create(name="Expo", starts_on=today - datetime.timedelta(days=30), ends_on=today,
                                       actual_cost=D("30000"), owner=staff)  # fmt: skip
    source = Customer.Source
    c1 = CustomerFactory(owner=rep, source=source.CAMPAIGN)
    c2 = CustomerFactory(owner=rep, source=source.CAMPAIGN)
    c3 = CustomerFactory(owner=rep, source=source.REFERRAL, referrer=c1)
    c4 = CustomerFactory(owner=other, source=source.WALK_IN)
    c5 = CustomerFactory(owner=other, source=source.WALK_IN)
    Customer.objects.filter(pk=c5.pk).update(created_at=timezone.now() - datetime.timedelta(days=730))
    for customer in (c1, c2):
        CampaignLead.objects.create(campaign=campaign, customer=customer, by=staff)

    def contract(customer, price, **kwargs):
        return DealFactory(opportunity__customer=customer, opportunity__project=project_a, stage=Deal.Stage.CONTRACT,
                           price=D(price), **kwargs)  # fmt: skip

    contract(c1, "1000000", opportunity__campaign=campaign)
    contract(c3, "500000")
    contract(c4, "800000", state=Deal.State.CANCELLED)
    return org


def test_campaign_return_sources_and_referrals(funnel):
    page = marketing(user=funnel["marketing"])
    campaigns = rows(page["charts"]["campaigns"])
    assert campaigns["Expo"] == [D("3233.0"), D("30000.00"), 2, 1, D("1000000.00"), D("15000.00"), D("30000.00")]
    sources = rows(page["charts"]["sources"])
    assert sources["Campaign"] == [2, 1, D("50.0"), D("1000000")]
    assert sources["Referral"] == [1, 1, D("100.0"), D("500000")]
    assert sources["Walk-in"] == [1, 0, D("0.0"), D("0")]
    assert sources["Phone"] == [0, 0, None, D("0")]
    referrals = rows(page["charts"]["referrals"])
    assert referrals == {"Referred files": [D("500000"), 1, 1], "Other files": [D("1000000"), 3, 1]}
    assert page["kpis"]["referral_share"] == D("33.3")
    assert page["kpis"]["roi"] == D("3233")
    assert marketing(user=funnel["marketing"], months=24)["kpis"]["files"] == 5  # c5 is inside two years


def test_figures_are_scoped(funnel):
    north = marketing(user=funnel["team_lead"])  # Team North: the rep's c1, c2, c3
    assert north["kpis"]["files"] == 3
    south = marketing(user=funnel["south_lead"])
    assert rows(south["charts"]["sources"])["Walk-in"][:2] == [1, 0]
    assert rows(south["charts"]["campaigns"])["Expo"][2:4] == [0, 0]  # leads and deals are the rep's


def test_marketing_lands_on_its_dashboard_and_reps_may_not_open_it(funnel, client):
    client.force_login(funnel["marketing"])
    assert client.get("/").url == URL
    response = client.get(URL, {"months": "6"})
    assert response.status_code == 200 and b'data-testid="chart-campaigns"' in response.content
    assert client.get(URL, {"export": "sources", "format": "csv"}).status_code == 200
    client.force_login(funnel["executive"])
    assert client.get("/").url == reverse("analytics:company")  # the executive keeps the company dashboard
    client.force_login(funnel["rep"])
    assert client.get(URL).status_code == 403
    assert client.get("/").status_code == 200  # the rep's my day


def test_a_value_quadrant_is_a_saved_audience_for_campaigns(world, night):
    job_start("scores", night)
    customers, _description = audiences.resolve("analytics_segment", world["executive"],
                                                {"segment": "quadrant:troublesome"})  # fmt: skip
    assert list(customers.values_list("name", flat=True)) == ["Customer One"]
    mine, _ = audiences.resolve("analytics_segment", world["other_rep"], {"segment": "quadrant:troublesome"})
    assert not mine.exists()  # c1 is the rep's, not other_rep's
    with pytest.raises(ValidationError):
        audiences.resolve("analytics_segment", world["executive"], {"segment": "quadrant:nonsense"})
    assert "analytics_segment" in [audience.key for audience in audiences.available(world["marketing"])]
