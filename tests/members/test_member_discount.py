"""A member's tier discount on a new purchase: pre-filled on the deal page (sales.discounts, no import of members);
the subscription at that price goes through sales' one discount-approval limit like any other discount."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Tier
from sales.models import Deal, SalesSettings
from sales.services import deals as deal_services
from tests.sales.factories import DealFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def _deal_for(member, project):
    deal = DealFactory(
        opportunity=OpportunityFactory(customer=member.customer, project=project, owner=member.customer.owner)
    )
    Deal.objects.filter(pk=deal.pk).update(list_price=Decimal("2000000.00"))
    deal.refresh_from_db()
    return deal


def _discount(member, pct):
    Tier.objects.filter(pk=member.tier_id).update(discount_pct=Decimal(pct))


def test_the_tier_discount_is_pre_filled_on_the_deal_page(client, member, rep, project_a):
    _discount(member, "2.5")
    deal = _deal_for(member, project_a)
    client.force_login(rep)
    response = client.get(deal.get_absolute_url())
    page = response.content.decode()
    assert 'data-testid="offered-discount"' in page and "2.5%" in page
    assert response.context["subscribe_form"].initial["price"] == Decimal("1950000.00")


def test_no_tier_discount_no_prefill(client, member, rep, project_a):
    deal = _deal_for(member, project_a)
    client.force_login(rep)
    response = client.get(deal.get_absolute_url())
    assert 'data-testid="offered-discount"' not in response.content.decode()
    assert response.context["subscribe_form"].initial["price"] == deal.list_price


def _subscribe(client, deal):
    price = client.get(deal.get_absolute_url()).context["subscribe_form"].initial["price"]
    data = {"price": str(price), "payment_method": "full", "subscribed_on": timezone.localdate().isoformat()}
    client.post(reverse("sales:deal-subscribe", args=[deal.pk]), data)
    deal.refresh_from_db()
    return deal


def test_a_member_discount_within_the_limit_needs_no_approval(client, member, rep, project_a):
    SalesSettings.objects.create(discount_limit_pct=Decimal("3"))
    _discount(member, "2")
    client.force_login(rep)
    deal = _subscribe(client, _deal_for(member, project_a))
    assert (deal.stage, deal.approval, deal.price) == (
        Deal.Stage.SUBSCRIPTION,
        Deal.Approval.NOT_NEEDED,
        Decimal("1960000.00"),
    )


def test_a_member_discount_above_the_limit_waits_for_approval_like_any_discount(
    client, member, rep, project_a, team_lead
):
    SalesSettings.objects.create(discount_limit_pct=Decimal("3"))
    _discount(member, "5")
    client.force_login(rep)
    deal = _subscribe(client, _deal_for(member, project_a))
    assert (deal.stage, deal.approval, deal.price) == (
        Deal.Stage.RESERVATION,
        Deal.Approval.PENDING,
        Decimal("1900000.00"),
    )
    deal_services.deal_approve(deal=deal, approve=True, by=team_lead)
    deal.refresh_from_db()
    assert (deal.stage, deal.approval) == (Deal.Stage.SUBSCRIPTION, Deal.Approval.APPROVED)


def test_a_suspended_member_is_offered_nothing(client, member, rep, project_a):
    from members import services

    _discount(member, "2")
    services.member_set_status(member=member, status="suspended", by=rep, reason="x")
    client.force_login(rep)
    response = client.get(_deal_for(member, project_a).get_absolute_url())
    assert 'data-testid="offered-discount"' not in response.content.decode()
