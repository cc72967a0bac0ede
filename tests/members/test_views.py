"""Member pages: the lookup box, the member page, the list, enrol, adjust, referrals; scope and navigation."""

import pytest
from django.urls import reverse

from members import services
from members.models import Member, Referral
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("how", ["card", "number", "phone", "phone_spaced"])
def test_the_lookup_box_opens_the_member_page_in_one_step(client, member_staff, member, how):
    query = {
        "card": member.card_no,
        "number": member.number.lower(),
        "phone": member.customer.phone,
        "phone_spaced": f"+86 {member.customer.phone[:3]} {member.customer.phone[3:]}",
    }[how]
    client.force_login(member_staff)
    response = client.get(reverse("members:member-lookup"), {"q": query})
    assert response.status_code == 302
    assert response.url == member.get_absolute_url()


def test_an_unknown_or_unseen_number_says_so(client, other_rep, member):
    client.force_login(other_rep)
    response = client.get(reverse("members:member-lookup"), {"q": member.card_no})
    assert response.status_code == 200
    assert b'data-testid="lookup-none"' in response.content


def test_the_member_page_shows_card_balance_ledger_and_qr(client, member_staff, member, django_assert_max_num_queries):
    services.points_earn(member=member, amount=1200, reason="Welcome gift")
    client.force_login(member_staff)
    with django_assert_max_num_queries(30):
        response = client.get(member.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert member.card_no in content
    assert "<svg" in content
    assert "Welcome gift" in content
    assert 'data-testid="member-balance">1,200<' in content or 'data-testid="member-balance">1200<' in content


def test_a_member_of_another_reps_customer_is_not_found(client, other_rep, member):
    client.force_login(other_rep)
    assert client.get(member.get_absolute_url()).status_code == 404


def test_the_member_list_filters_by_tier_and_is_scoped(client, rep, other_rep, member, executive):
    services.member_enrol(customer=CustomerFactory(owner=other_rep), by=other_rep)
    client.force_login(rep)
    response = client.get(reverse("members:member-list"))
    assert list(response.context["page"].object_list) == [member]
    client.force_login(executive)
    response = client.get(reverse("members:member-list"), {"tier": member.tier_id})
    assert len(response.context["page"].object_list) == 2
    response = client.get(reverse("members:member-list"), {"q": "zzz"}, headers={"HX-Request": "true"})
    assert b"No members match" in response.content


def test_a_rep_enrols_their_customer_from_the_customer_page(client, rep):
    customer = CustomerFactory(owner=rep)
    client.force_login(rep)
    page = client.get(customer.get_absolute_url()).content.decode()
    assert 'data-testid="member-enrol"' in page
    response = client.post(reverse("members:member-enrol", args=[customer.pk]))
    member = Member.objects.get(customer=customer)
    assert response.url == member.get_absolute_url()
    page = client.get(customer.get_absolute_url()).content.decode()
    assert member.number in page


def test_a_rep_cannot_enrol_a_customer_they_do_not_see(client, rep, other_rep):
    customer = CustomerFactory(owner=other_rep)
    client.force_login(rep)
    assert client.post(reverse("members:member-enrol", args=[customer.pk])).status_code == 404
    assert not Member.objects.exists()


def test_only_staff_with_the_permission_adjust_points(client, rep, member_staff, member):
    url = reverse("members:points-adjust", args=[member.pk])
    client.force_login(rep)
    assert client.post(url, {"amount": 10, "reason": "x"}).status_code == 403
    client.force_login(member_staff)
    client.post(url, {"amount": 300, "reason": "Goodwill after a complaint"})
    member.refresh_from_db()
    assert member.balance == 300
    client.post(url, {"amount": -1000, "reason": "too much"})
    member.refresh_from_db()
    assert member.balance == 300


def test_a_referral_from_the_member_page(client, member_staff, member):
    client.force_login(member_staff)
    url = reverse("members:referral-create", args=[member.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Sun Li", "phone": "13977778888"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.referrer == member.customer
    response = client.post(url, {"name": "Again", "phone": "13977778888"})
    assert "already a customer" in response.content.decode()
    listing = client.get(reverse("members:referral-list")).content.decode()
    assert "Sun Li" in listing


def test_member_pages_are_in_the_navigation_of_member_service_and_marketing(client, member_staff, org):
    for user in (member_staff, org["marketing"]):
        client.force_login(user)
        page = client.get(reverse("members:member-list")).content.decode()
        assert reverse("members:member-lookup") in page


def test_the_member_page_in_chinese(client, member_staff, member):
    client.force_login(member_staff)
    response = client.get(member.get_absolute_url(), headers={"accept-language": "zh-hans"})
    content = response.content.decode()
    assert "银卡" in content
    assert "可用积分" in content
