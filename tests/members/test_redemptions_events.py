"""Redemptions' fulfilment moves and cancellation (points back by a reverse entry, stock back) on a page; the
event edit page; event creation through the API; the event audience enforced on the page and the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from crm_site.models import AuditEntry
from customers.models import Customer
from members import services
from members.models import Benefit, ClubEvent, EventRegistration, LedgerEntry, Redemption, Tier
from tests.factories import CustomerFactory
from tests.members.test_api import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def benefit():
    return Benefit.objects.create(name="Moving help", name_zh="搬家协助", kind="moving", points_price=300, stock=1)


@pytest.fixture
def redemption(member, benefit, member_staff):
    services.points_earn(member=member, amount=500, reason="x")
    return services.redemption_create(member=member, benefit=benefit, by=member_staff)


def test_cancelling_on_the_page_returns_points_by_a_reverse_entry_and_the_stock(
    client, redemption, member, benefit, member_staff
):
    client.force_login(member_staff)
    url = reverse("members:redemption-cancel", args=[redemption.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="redemption-cancel-form"' in page and "Moving help" in page
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 200
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.REQUESTED
    assert client.post(url, {"reason": "Moved abroad"}).status_code == 302
    redemption.refresh_from_db()
    member.refresh_from_db()
    benefit.refresh_from_db()
    assert (redemption.status, member.balance, benefit.stock) == (Redemption.Status.CANCELLED, 500, 1)
    back = member.entries.get(kind=LedgerEntry.Kind.REVERSE)
    assert (back.amount, back.source_type, back.source_id) == (300, "members.redemption", redemption.pk)
    assert AuditEntry.objects.filter(model="members.redemption", object_id=str(redemption.pk)).exists()
    # A second cancel changes nothing.
    client.post(url, {"reason": "Again"})
    member.refresh_from_db()
    assert member.balance == 500 and member.entries.filter(kind=LedgerEntry.Kind.REVERSE).count() == 1


def test_fulfilment_moves_forward_only_and_a_fulfilled_one_cannot_be_cancelled(client, redemption, member_staff):
    client.force_login(member_staff)
    fulfil = reverse("members:redemption-fulfil", args=[redemption.pk])
    client.post(fulfil, {"status": "arranged"})
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.ARRANGED
    client.post(fulfil, {"status": "requested"})  # backwards: refused with a message
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.ARRANGED
    client.post(fulfil, {"status": "fulfilled"})
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.FULFILLED and redemption.fulfilled_at is not None
    with pytest.raises(ValidationError, match="not yet fulfilled"):
        services.redemption_cancel(redemption=redemption, by=member_staff, reason="Late")


def test_a_redemption_outside_the_scope_is_not_found(client, redemption, other_rep):
    other_rep.user_permissions.add(*_perms("change_redemption"))
    client.force_login(other_rep)
    assert client.get(reverse("members:redemption-cancel", args=[redemption.pk])).status_code == 404


def _perms(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="members", codename__in=codenames)


@pytest.fixture
def event(member_staff):
    return services.event_create(
        by=member_staff,
        title="Owners' day",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="Club",
        capacity=1,
    )


def _event_data(event, **changes):
    data = {
        "title": event.title,
        "kind": event.kind,
        "starts_at": timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "place": event.place,
        "capacity": event.capacity,
        "audience": event.audience,
    }
    data.update(changes)
    return data


def test_editing_an_event_seats_the_waitlist_and_never_drops_below_the_seats_given(client, event, member_staff, rep):
    first, second = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    services.event_register(event=event, customer=first)
    waiting = services.event_register(event=event, customer=second)
    assert waiting.status == EventRegistration.Status.WAITLISTED
    client.force_login(member_staff)
    url = reverse("members:event-edit", args=[event.pk])
    assert 'data-testid="event-form"' in client.get(url).content.decode()
    assert client.post(url, _event_data(event, capacity=2, place="Clubhouse")).status_code == 302
    event.refresh_from_db()
    waiting.refresh_from_db()
    assert (event.capacity, event.place, waiting.status) == (2, "Clubhouse", EventRegistration.Status.REGISTERED)
    response = client.post(url, _event_data(event, capacity=1))
    assert response.status_code == 200 and "already hold a seat" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 2


def test_a_rep_may_not_edit_an_event(client, event, rep):
    client.force_login(rep)
    assert client.get(reverse("members:event-edit", args=[event.pk])).status_code == 403


def test_a_prospects_event_needs_a_project(client, event, member_staff):
    client.force_login(member_staff)
    response = client.post(reverse("members:event-edit", args=[event.pk]), _event_data(event, audience="prospects"))
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.audience == ClubEvent.Audience.ALL


def test_events_are_created_through_the_api_and_bad_input_is_refused(client, member_staff, project_a, rep):
    call = api(client, member_staff)
    body = {
        "title": "Launch preview",
        "kind": "preview",
        "starts_at": "2027-03-01T14:00:00+08:00",
        "place": "Sales hall",
        "capacity": 80,
        "audience": "prospects",
        "project_id": project_a.pk,
    }
    response = call("post", "/events/", body)
    assert response.status_code == 201, response.content
    event = ClubEvent.objects.get(pk=response.json()["id"])
    assert (event.audience, event.project_id, event.created_by_id) == ("prospects", project_a.pk, member_staff.pk)
    count = ClubEvent.objects.count()
    for bad in (
        {**body, "capacity": 0},
        {**body, "title": "   "},
        {**body, "audience": "everyone"},
        {**body, "project_id": None},
        {**body, "project_id": 999999},
        {**body, "min_tier_id": 999999},
        {**body, "starts_at": "tomorrow"},
    ):
        assert call("post", "/events/", bad).status_code in (400, 422), bad
    assert ClubEvent.objects.count() == count
    assert api(client, rep)("post", "/events/", body).status_code == 403


def test_a_members_event_refuses_a_non_member_on_the_page_and_the_api(client, member_staff, member, rep):
    event = services.event_create(
        by=member_staff,
        title="Members' night",
        starts_at=timezone.now(),
        place="Club",
        capacity=5,
        audience=ClubEvent.Audience.MEMBERS,
    )
    stranger = CustomerFactory(owner=rep)
    client.force_login(member_staff)
    response = client.post(reverse("members:event-register", args=[event.pk]), {"q": stranger.phone}, follow=True)
    assert "for club members" in response.content.decode()
    answer = api(client, member_staff)("post", f"/events/{event.pk}/registrations/", {"number": stranger.phone})
    assert answer.status_code == 422 and "club members" in answer.json()["detail"]
    assert not event.registrations.filter(customer=stranger).exists()
    assert services.event_register(event=event, customer=member.customer).status == "registered"


def test_a_tier_event_refuses_lower_tiers(member_staff, member):
    event = services.event_create(
        by=member_staff,
        title="Gold lounge",
        starts_at=timezone.now(),
        place="Lounge",
        capacity=5,
        audience=ClubEvent.Audience.MEMBERS,
        min_tier=Tier.objects.get(name="Gold"),
    )
    with pytest.raises(ValidationError, match="Gold members and above"):
        services.event_register(event=event, customer=member.customer)


def test_a_prospects_event_takes_the_projects_prospects_only_also_at_the_door(member_staff, rep, project_a, project_b):
    event = services.event_create(
        by=member_staff,
        title="Preview",
        starts_at=timezone.now(),
        place="Hall",
        capacity=5,
        audience=ClubEvent.Audience.PROSPECTS,
        project=project_a,
    )
    ours = CustomerFactory(owner=rep, project=project_a, status=Customer.Status.PROSPECT)
    theirs = CustomerFactory(owner=rep, project=project_b, status=Customer.Status.PROSPECT)
    buyer = CustomerFactory(owner=rep, project=project_a, status=Customer.Status.OWNER)
    assert services.event_register(event=event, customer=ours).status == "registered"
    for outsider in (theirs, buyer):
        with pytest.raises(ValidationError, match="prospects of"):
            services.event_register(event=event, customer=outsider)
        with pytest.raises(ValidationError, match="prospects of"):
            services.event_check_in(event=event, customer=outsider, by=member_staff)
