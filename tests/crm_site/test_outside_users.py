"""Outside users (a channel partner's agents) land on their portal, never see a staff page (my day, search, the
staff directory ...) and have a working profile page; staff keep everything."""

import pytest
from django.urls import reverse

from crm_site.outside import is_outside
from sales.models import Partner
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(db):
    user = UserFactory(username="agent.sun", role="partner", first_name="Sun", last_name="Hao")
    Partner.objects.create(name="Sunshine Realty").users.add(user)
    return user


def test_a_partner_lands_on_the_partner_portal(client, agent):
    client.force_login(agent)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("sales:partner-portal")
    portal = client.get(response.url)
    assert portal.status_code == 200 and "Sunshine Realty" in portal.content.decode()


def test_after_logging_in_a_partner_arrives_on_the_portal(client, agent):
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": agent.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("sales:partner-portal")


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("search", ()),
        ("staff:staff-list", ()),
        ("staff:team-list", ()),
        ("customers:pool-list", ()),
        ("sales:opportunity-board", ()),
        ("settings:audit-list", ()),
    ],
)
def test_a_partner_never_sees_a_staff_page(client, agent, name, args):
    client.force_login(agent)
    response = client.get(reverse(name, args=args), {"q": "王"})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.post(reverse(name, args=args), {"q": "王"}).status_code == 403


def test_a_partners_own_staff_page_is_closed_but_his_profile_works(client, agent):
    client.force_login(agent)
    assert client.get(reverse("staff:staff-detail", args=[agent.pk])).status_code == 302
    profile = client.get(reverse("account"))
    html = profile.content.decode()
    assert profile.status_code == 200 and "agent.sun" in html and "Channel partner" in html
    assert client.get(reverse("password_change")).status_code == 200


def test_a_partners_menu_shows_the_portal_and_no_staff_entries(client, agent):
    client.force_login(agent)
    html = client.get(reverse("sales:partner-portal")).content.decode()
    nav = html[html.index("<nav") : html.index("</nav>")]
    assert reverse("sales:partner-portal") in nav
    assert 'action="/search/"' not in nav and "My day" not in nav
    assert f'href="{reverse("account")}">My profile' in nav
    assert reverse("staff:staff-detail", args=[agent.pk]) not in nav


def test_a_partner_can_log_out(client, agent):
    client.force_login(agent)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_staff_keep_my_day_search_and_their_staff_profile(client, rep):
    client.force_login(rep)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("search"), {"q": "王"}).status_code == 200
    html = client.get(reverse("home")).content.decode()
    assert reverse("staff:staff-detail", args=[rep.pk]) in html and 'action="/search/"' in html


def test_who_counts_as_an_outside_user(agent, rep, admin_user):
    assert is_outside(agent)
    assert not is_outside(rep) and not is_outside(admin_user)
    staff_with_partner_rights = UserFactory(username="desk", role="sales_rep")
    from django.contrib.auth.models import Permission

    staff_with_partner_rights.user_permissions.add(Permission.objects.get(codename="register_customer"))
    assert not is_outside(staff_with_partner_rights)
