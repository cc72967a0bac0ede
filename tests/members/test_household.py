"""Household cards (a setting): family members share the holder's card number; the lookup finds the household."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import Customer, CustomerMember
from members import selectors, services
from members.models import MemberSettings
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household_on(db):
    return MemberSettings.objects.create(household_card=True)


@pytest.fixture
def family(rep):
    """A member's family file listing the spouse by phone."""
    family = CustomerFactory(owner=rep, kind=Customer.Kind.FAMILY, name="Wang family")
    CustomerMember.objects.create(customer=family, name="Wang Li", role="spouse", phone="13900001111")
    return services.member_enrol(customer=family, by=rep)


def test_a_family_member_joining_shares_the_holders_card(household_on, family, rep):
    spouse = services.member_enrol(customer=CustomerFactory(owner=rep, phone="13900001111"), by=rep)
    assert spouse.household_id == family.pk
    assert spouse.card_number == family.card_no != spouse.card_no
    assert [m.pk for m in selectors.household_of(spouse)] == [family.pk, spouse.pk]
    assert [m.pk for m in selectors.household_of(family)] == [family.pk, spouse.pk]


def test_without_the_setting_everyone_keeps_their_own_card(family, rep):
    spouse = services.member_enrol(customer=CustomerFactory(owner=rep, phone="13900001111"), by=rep)
    assert spouse.household_id is None and spouse.card_number == spouse.card_no
    with pytest.raises(ValidationError, match="turned off"):
        services.member_join_household(member=spouse, holder=family, by=rep)
    assert selectors.member_lookup(user=rep, query="13900001111") == spouse


def test_the_lookup_finds_the_household_by_the_card_or_a_family_phone(household_on, family, rep, client):
    # The spouse has no file of their own: their phone at the desk finds the family's card.
    assert selectors.member_lookup(user=rep, query="139 0000 1111") == family
    assert selectors.member_lookup(user=rep, query=family.card_no) == family
    child = services.member_enrol(customer=CustomerFactory(owner=rep), by=rep)
    services.member_join_household(member=child, holder=family, by=rep)
    client.force_login(rep)
    page = client.get(family.get_absolute_url()).content.decode()
    assert 'data-testid="household"' in page and child.customer.name in page and child.number in page
    child_page = client.get(child.get_absolute_url()).content.decode()
    assert family.card_no in child_page


def test_linking_on_the_member_page_and_leaving(household_on, family, rep, member_staff, client):
    other = services.member_enrol(customer=CustomerFactory(owner=rep), by=rep)
    client.force_login(member_staff)
    url = reverse("members:member-household", args=[other.pk])
    client.post(url, {"q": family.card_no})
    other.refresh_from_db()
    assert other.household_id == family.pk
    # The holder cannot join another card while others share theirs; nobody shares their own.
    third = services.member_enrol(customer=CustomerFactory(owner=rep), by=rep)
    with pytest.raises(ValidationError, match="holds a household card"):
        services.member_join_household(member=family, holder=third, by=member_staff)
    with pytest.raises(ValidationError, match="own card"):
        services.member_join_household(member=family, holder=other, by=member_staff)
    response = client.post(url, {"q": "000000000000"}, follow=True)
    assert "No member you may see" in response.content.decode()
    client.post(url, {"leave": "1"})
    other.refresh_from_db()
    assert other.household_id is None


def test_a_rep_without_the_permission_cannot_link(household_on, family, other_rep, client):
    client.force_login(other_rep)
    assert client.post(reverse("members:member-household", args=[family.pk]), {"leave": "1"}).status_code in (403, 404)
