"""Events (capacity, waitlist, check-in by card or phone, attendance points once, campaign lead, owner's
follow-up) and benefits (points and stock together, tier, fulfilment, cancellation)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from customers.models import Interaction
from members import services
from members.models import Benefit, ClubEvent, EventRegistration, Redemption, Tier
from sales.models import Campaign, CampaignLead
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
Status = EventRegistration.Status


@pytest.fixture
def event(member_staff):
    return services.event_create(
        by=member_staff,
        title="Owners' day",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="Club",
        capacity=2,
    )


def test_registration_fills_the_seats_then_the_waitlist_and_a_cancellation_frees_a_seat(event, rep):
    guests = [CustomerFactory(owner=rep) for _ in range(3)]
    rows = [services.event_register(event=event, customer=guest) for guest in guests]
    assert [row.status for row in rows] == [Status.REGISTERED, Status.REGISTERED, Status.WAITLISTED]
    assert services.event_register(event=event, customer=guests[0]).pk == rows[0].pk  # twice: one row
    services.event_cancel_registration(registration=rows[0])
    rows[2].refresh_from_db()
    assert rows[2].status == Status.REGISTERED


def test_an_event_for_a_tier_refuses_lower_tiers(member_staff, member):
    gold = services.event_create(
        by=member_staff,
        title="Gold lounge",
        starts_at=timezone.now(),
        place="Lounge",
        capacity=5,
        min_tier=Tier.objects.get(name="Gold"),
    )
    with pytest.raises(ValidationError, match="and above"):
        services.event_register(event=gold, customer=member.customer)


def test_check_in_earns_attendance_points_once(event, member, member_staff):
    services.event_register(event=event, customer=member.customer)
    services.event_check_in(event=event, customer=member.customer, by=member_staff)
    services.event_check_in(event=event, customer=member.customer, by=member_staff)
    member.refresh_from_db()
    assert member.balance == 100
    assert member.entries.filter(rule="event").count() == 1


def test_a_prospect_attending_a_campaigns_event_is_its_lead_and_a_followup_for_the_owner(
    event, rep, member_staff, project_a
):
    campaign = Campaign.objects.create(
        name="Spring", project=project_a, starts_on=timezone.localdate(), ends_on=timezone.localdate(), owner=rep
    )
    ClubEvent.objects.filter(pk=event.pk).update(campaign=campaign)
    prospect = CustomerFactory(owner=rep, status="prospect")
    services.event_check_in(event=event, customer=prospect, by=member_staff)  # a walk-in while seats are free
    assert CampaignLead.objects.get(customer=prospect).campaign == campaign
    followup = Interaction.objects.get(customer=prospect)
    assert followup.staff == rep
    assert followup.next_due == timezone.localdate() + datetime.timedelta(days=1)


def test_a_full_event_refuses_an_unregistered_walk_in(event, rep, member_staff):
    for _ in range(2):
        services.event_register(event=event, customer=CustomerFactory(owner=rep))
    with pytest.raises(ValidationError, match="full"):
        services.event_check_in(event=event, customer=CustomerFactory(owner=rep), by=member_staff)


def test_the_door_checks_in_by_card_and_by_phone(client, event, member, member_staff, rep):
    client.force_login(member_staff)
    url = reverse("members:event-check-in", args=[event.pk])
    client.post(url, {"q": member.card_no})
    prospect = CustomerFactory(owner=rep)
    client.post(url, {"q": prospect.phone})
    assert EventRegistration.objects.filter(checked_in_at__isnull=False).count() == 2
    page = client.get(event.get_absolute_url()).content.decode()
    assert member.number in page
    assert prospect.name in page


@pytest.fixture
def benefit():
    return Benefit.objects.create(name="Moving help", name_zh="搬家协助", kind="moving", points_price=300, stock=1)


def test_a_redemption_takes_points_and_stock_together(member, benefit, member_staff):
    services.points_earn(member=member, amount=500, reason="x")
    redemption = services.redemption_create(member=member, benefit=benefit, by=member_staff)
    member.refresh_from_db()
    benefit.refresh_from_db()
    assert (member.balance, benefit.stock, redemption.status) == (200, 0, Redemption.Status.REQUESTED)
    with pytest.raises(ValidationError, match="out of stock"):
        services.redemption_create(member=member, benefit=benefit, by=member_staff)
    services.redemption_fulfil(redemption=redemption, by=member_staff)
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.FULFILLED


def test_without_enough_points_neither_stock_nor_points_move(member, benefit, member_staff):
    services.points_earn(member=member, amount=100, reason="x")
    with pytest.raises(ValidationError, match="Not enough points"):
        services.redemption_create(member=member, benefit=benefit, by=member_staff)
    benefit.refresh_from_db()
    assert benefit.stock == 1
    assert not Redemption.objects.exists()


def test_a_cancelled_redemption_returns_stock_and_points(member, benefit, member_staff):
    services.points_earn(member=member, amount=300, reason="x")
    redemption = services.redemption_create(member=member, benefit=benefit, by=member_staff)
    services.redemption_cancel(redemption=redemption, by=member_staff, reason="Changed their mind")
    member.refresh_from_db()
    benefit.refresh_from_db()
    assert (member.balance, benefit.stock) == (300, 1)


def test_redeeming_from_the_member_page_and_fulfilling_from_the_list(client, member, benefit, member_staff):
    services.points_earn(member=member, amount=1000, reason="x")
    client.force_login(member_staff)
    page = client.get(member.get_absolute_url()).content.decode()
    assert 'data-testid="redeem"' in page
    client.post(reverse("members:redeem", args=[member.pk]), {"benefit": benefit.pk})
    redemption = Redemption.objects.get()
    listing = client.get(reverse("members:redemption-list")).content.decode()
    assert member.number in listing
    client.post(reverse("members:redemption-fulfil", args=[redemption.pk]))
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.FULFILLED


def test_a_rep_sees_events_but_cannot_check_in(client, rep, event):
    client.force_login(rep)
    assert client.get(reverse("members:event-list")).status_code == 200
    assert client.post(reverse("members:event-check-in", args=[event.pk]), {"q": "x"}).status_code == 403
