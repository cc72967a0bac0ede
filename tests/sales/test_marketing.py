"""Competitors (list, moves, the inflow/outflow report) and campaigns (ROI figures, attribution)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from crm_site.models import ApiToken
from sales.models import Campaign, CampaignLead, Competitor, CompetitorMove, Deal, Opportunity
from sales.selectors import marketing as selectors
from tests.factories import CustomerFactory
from tests.sales.factories import DealFactory, OpportunityFactory


@pytest.fixture
def marketing(org):
    return org["marketing"]


def make_campaign(owner, name="Spring expo", cost="100000", **extra):
    return Campaign.objects.create(
        name=name,
        kind=Campaign.Kind.EXHIBITION,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
        budget=Decimal("120000"),
        actual_cost=Decimal(cost),
        owner=owner,
        **extra,
    )


def contract(campaign, owner, price, project, state=Deal.State.LIVE, stage=Deal.Stage.CONTRACT):
    opportunity = OpportunityFactory(customer=CustomerFactory(owner=owner), project=project, campaign=campaign)
    return DealFactory(
        opportunity=opportunity, stage=stage, state=state, price=Decimal(price), signed_on=datetime.date(2026, 3, 20)
    )


@pytest.fixture
def known_campaigns(marketing, rep, other_rep, project_a):
    expo = make_campaign(marketing)
    for index in range(4):
        CampaignLead.objects.create(
            campaign=expo, customer=CustomerFactory(owner=rep, name=f"Lead {index}"), by=marketing
        )
    contract(expo, rep, "1000000", project_a)
    contract(expo, other_rep, "1500000", project_a)
    contract(expo, rep, "900000", project_a, stage=Deal.Stage.RESERVATION)  # not a contract: not counted
    contract(expo, rep, "800000", project_a, state=Deal.State.CANCELLED)  # cancelled: not counted
    free = make_campaign(marketing, name="Word of mouth", cost="0")
    return expo, free


def figures_by_name(response):
    return {campaign.name: figures for campaign, figures in response.context["rows"]}


def test_campaign_figures_on_known_data(client, marketing, known_campaigns):
    client.force_login(marketing)
    response = client.get(reverse("sales:campaign-list"))
    assert response.status_code == 200
    expo = figures_by_name(response)["Spring expo"]
    assert (expo.leads, expo.deals) == (4, 2)
    assert expo.revenue == Decimal("2500000.00")
    assert expo.cost_per_lead == Decimal("25000.00")
    assert expo.cost_per_deal == Decimal("50000.00")
    assert expo.roi == Decimal("24.00")
    assert "2400.0%" in response.content.decode()


def test_a_campaign_without_cost_or_leads_shows_dashes_not_an_error(client, marketing, known_campaigns):
    client.force_login(marketing)
    response = client.get(reverse("sales:campaign-list"))
    free = figures_by_name(response)["Word of mouth"]
    assert (free.roi, free.cost_per_lead, free.cost_per_deal) == (None, None, None)
    row = response.content.decode().split("Word of mouth")[1].split("</tr>")[0]
    assert row.count("—") >= 3
    detail = client.get(reverse("sales:campaign-detail", args=[known_campaigns[1].pk]))
    assert detail.status_code == 200


def test_a_loss_making_campaign_has_a_negative_roi(marketing, project_a, rep):
    campaign = make_campaign(marketing, cost="200000")
    contract(campaign, rep, "50000", project_a)
    row = selectors.campaign_get(user=marketing, pk=campaign.pk)
    assert selectors.campaign_figures(row).roi == Decimal("-0.75")


def test_a_rep_sees_figures_of_the_deals_in_their_scope_only(client, rep, known_campaigns):
    client.force_login(rep)
    expo = figures_by_name(client.get(reverse("sales:campaign-list")))["Spring expo"]
    assert (expo.deals, expo.revenue) == (1, Decimal("1000000.00"))


def test_the_campaign_list_is_one_query_whatever_the_number_of_campaigns(
    client, marketing, known_campaigns, project_a, rep, django_assert_max_num_queries
):
    client.force_login(marketing)
    client.get(reverse("sales:campaign-list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("sales:campaign-list"))
    for index in range(10):
        campaign = make_campaign(marketing, name=f"Extra {index}")
        contract(campaign, rep, "100000", project_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sales:campaign-list"))
    assert len(response.context["rows"]) == 12


def test_the_campaign_list_filters_with_htmx(client, marketing, known_campaigns):
    client.force_login(marketing)
    response = client.get(reverse("sales:campaign-list"), {"q": "mouth"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "Word of mouth" in content and "Spring expo" not in content and "<html" not in content


def test_marketing_creates_and_edits_a_campaign_and_a_bad_period_is_refused(client, marketing, rep):
    client.force_login(marketing)
    data = {
        "name": "Online ads",
        "kind": "online",
        "channel": "WeChat",
        "starts_on": "2026-04-01",
        "ends_on": "2026-03-01",
        "budget": "5000",
        "actual_cost": "4000",
        "owner": marketing.pk,
    }
    response = client.post(reverse("sales:campaign-create"), data)
    assert response.status_code == 200 and "ends_on" in response.context["form"].errors
    data["ends_on"] = "2026-04-30"
    response = client.post(reverse("sales:campaign-create"), data)
    campaign = Campaign.objects.get(name="Online ads")
    assert response.status_code == 302
    data["actual_cost"] = "-1"
    response = client.post(reverse("sales:campaign-edit", args=[campaign.pk]), data)
    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.actual_cost == Decimal("4000")
    client.force_login(rep)
    assert client.get(reverse("sales:campaign-create")).status_code == 403


def test_a_customer_is_attributed_once_first_touch_wins(client, marketing, rep, known_campaigns):
    expo, free = known_campaigns
    customer = CustomerFactory(owner=rep, phone="13600001234")
    client.force_login(marketing)
    client.post(reverse("sales:campaign-lead-add", args=[free.pk]), {"phone": "136 0000 1234"})
    assert CampaignLead.objects.get(customer=customer).campaign == free
    response = client.post(reverse("sales:campaign-lead-add", args=[expo.pk]), {"phone": "13600001234"})
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("Word of mouth" in message and "first" in message for message in messages)
    assert CampaignLead.objects.get(customer=customer).campaign == free
    response = client.post(reverse("sales:campaign-lead-add", args=[expo.pk]), {"phone": "13600009999"})
    assert any("No customer" in str(message) for message in get_messages(response.wsgi_request))


def test_reps_cannot_attribute_leads(client, rep, known_campaigns):
    client.force_login(rep)
    response = client.post(reverse("sales:campaign-lead-add", args=[known_campaigns[0].pk]), {"phone": "1"})
    assert response.status_code == 403


def test_campaigns_in_the_api_carry_roi_figures(client, marketing, service_agent, known_campaigns):
    _token, raw = ApiToken.issue(user=marketing, name="m")
    response = client.get("/api/v1/partners/campaigns/", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["items"]}
    assert rows["Spring expo"]["roi"] == "24.00"
    assert rows["Spring expo"]["cost_per_lead"] == "25000.00"
    assert rows["Word of mouth"]["roi"] is None
    one = client.get(f"/api/v1/partners/campaigns/{known_campaigns[0].pk}/", headers={"Authorization": f"Bearer {raw}"})
    assert one.json()["revenue"] == "2500000.00"
    _token, raw = ApiToken.issue(user=service_agent, name="s")
    response = client.get("/api/v1/partners/campaigns/", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 403


# --- competitors ------------------------------------------------------------------------------------------


def test_marketing_manages_competitors_and_reps_may_not(client, marketing, rep):
    client.force_login(marketing)
    response = client.post(
        reverse("sales:competitor-create"), {"name": "Riverside Garden", "district": "East", "active": "on"}
    )
    assert response.status_code == 302
    competitor = Competitor.objects.get()
    response = client.post(
        reverse("sales:competitor-edit", args=[competitor.pk]), {"name": "Riverside Garden", "price_per_m2": "-5"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert client.get(reverse("sales:competitor-list")).status_code == 200
    client.force_login(rep)
    assert client.get(reverse("sales:competitor-create")).status_code == 403
    assert client.get(reverse("sales:competitor-edit", args=[competitor.pk])).status_code == 403


def test_a_rep_records_that_their_customer_came_from_a_competitor(client, rep, other_rep):
    competitor = Competitor.objects.create(name="Riverside Garden")
    mine = CustomerFactory(owner=rep)
    url = reverse("sales:competitor-move-create")
    client.force_login(rep)
    assert client.get(url, {"customer": mine.pk}).status_code == 200
    response = client.post(f"{url}?customer={mine.pk}", {"competitor": competitor.pk, "direction": "in"})
    assert response.status_code == 302
    move = CompetitorMove.objects.get()
    assert (move.customer, move.direction, move.by) == (mine, "in", rep)
    theirs = CustomerFactory(owner=other_rep)
    assert client.get(url, {"customer": theirs.pk}).status_code == 404
    assert (
        client.post(f"{url}?customer={theirs.pk}", {"competitor": competitor.pk, "direction": "in"}).status_code == 404
    )
    assert client.get(url).status_code == 404
    assert CompetitorMove.objects.count() == 1


def test_service_agents_cannot_record_competitor_moves(client, service_agent, rep):
    customer = CustomerFactory(owner=rep)
    client.force_login(service_agent)
    assert client.get(reverse("sales:competitor-move-create"), {"customer": customer.pk}).status_code == 403


def _move(customer, competitor, direction, by, at):
    move = CompetitorMove.objects.create(customer=customer, competitor=competitor, direction=direction, by=by)
    CompetitorMove.objects.filter(pk=move.pk).update(at=at)


def test_the_competitor_report_counts_inflow_outflow_and_lost_opportunities_in_the_period(
    client, marketing, rep, project_a
):
    riverside = Competitor.objects.create(name="Riverside Garden")
    hilltop = Competitor.objects.create(name="Hilltop")
    in_march = timezone.make_aware(datetime.datetime(2026, 3, 10, 12))
    in_january = timezone.make_aware(datetime.datetime(2026, 1, 10, 12))
    for _index in range(2):
        _move(CustomerFactory(owner=rep), riverside, "in", rep, in_march)
    _move(CustomerFactory(owner=rep), riverside, "in", rep, in_january)
    _move(CustomerFactory(owner=rep), riverside, "out", rep, in_march)
    _move(CustomerFactory(owner=rep), hilltop, "out", rep, in_march)
    OpportunityFactory(
        customer=CustomerFactory(owner=rep),
        project=project_a,
        stage=Opportunity.Stage.LOST,
        lost_to=hilltop,
        closed_at=in_march,
    )
    client.force_login(marketing)
    response = client.get(reverse("sales:competitor-report"), {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    rows = {row.competitor.name: row for row in response.context["rows"]}
    assert (rows["Riverside Garden"].inflow, rows["Riverside Garden"].outflow) == (2, 1)
    assert (rows["Hilltop"].inflow, rows["Hilltop"].outflow, rows["Hilltop"].lost_opportunities) == (0, 1, 1)
    assert response.context["totals"] == {"inflow": 2, "outflow": 2, "lost": 1}
    everything = client.get(reverse("sales:competitor-report"))
    assert {row.competitor.name: row.inflow for row in everything.context["rows"]}["Riverside Garden"] == 3


def test_the_competitor_report_counts_only_customers_in_scope(client, rep, other_rep):
    riverside = Competitor.objects.create(name="Riverside Garden")
    _move(CustomerFactory(owner=rep), riverside, "in", rep, timezone.now())
    _move(CustomerFactory(owner=other_rep), riverside, "in", other_rep, timezone.now())
    client.force_login(rep)
    rows = client.get(reverse("sales:competitor-report")).context["rows"]
    assert rows[0].inflow == 1


def test_a_reversed_period_is_a_form_error_not_a_crash(client, marketing):
    client.force_login(marketing)
    response = client.get(reverse("sales:competitor-report"), {"date_from": "2026-03-31", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_the_customer_timeline_shows_competitor_moves_and_the_campaign(client, rep, marketing):
    customer = CustomerFactory(owner=rep)
    _move(customer, Competitor.objects.create(name="Riverside Garden"), "in", rep, timezone.now())
    campaign = make_campaign(marketing)
    CampaignLead.objects.create(campaign=campaign, customer=customer, by=marketing)
    client.force_login(rep)
    content = client.get(reverse("customers:customer-detail", args=[customer.pk])).content.decode()
    assert "Riverside Garden" in content
    assert "Brought by campaign Spring expo" in content
