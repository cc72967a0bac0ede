"""Each role lands where its work is: "/" sends a user to the first registered landing page their
permissions open, everyone else sees my day, and my day stays reachable at /my-day/ for all."""

import pytest
from django.urls import reverse

from crm_site import home


@pytest.fixture
def landing_for_executives():
    saved = dict(home.LANDINGS)
    # Only this test's landing: the apps' own (analytics' dashboards) would win for an admin.
    home.LANDINGS.clear()
    # The executive role holds sales.view_salestarget; a rep does not hold change_salestarget.
    home.register(permission="sales.change_salestarget", url_name="staff:staff-list", order=10)
    yield
    home.LANDINGS.clear()
    home.LANDINGS.update(saved)


def test_a_role_with_a_landing_page_is_sent_there_and_keeps_my_day(client, admin_user, landing_for_executives):
    client.force_login(admin_user)
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("staff:staff-list")
    my_day = client.get(reverse("my_day"))
    assert my_day.status_code == 200
    assert 'data-testid="panel-followups"' in my_day.text or "Follow-ups due" in my_day.text


def test_a_role_without_one_sees_my_day_at_home(client, rep, landing_for_executives):
    client.force_login(rep)
    response = client.get("/")
    assert response.status_code == 200
    assert "Follow-ups due" in response.text


def test_the_lowest_order_the_user_may_open_wins(admin_user, rep, landing_for_executives):
    home.register(permission="customers.view_customer", url_name="settings:audit-list", order=5)
    assert home.landing_url(admin_user) == reverse("settings:audit-list")
    assert home.landing_url(rep) == reverse("settings:audit-list")
    home.LANDINGS.pop("settings:audit-list")
    assert home.landing_url(rep) is None
