"""The sales settings page: only settings managers edit the SalesSettings row; bad input changes nothing."""

from decimal import Decimal

from django.urls import reverse

from crm_site.models import AuditEntry
from sales.models import SalesSettings

URL = "/sales/settings/"
GOOD = {"discount_limit_pct": "5", "reservation_days": "10", "partner_protection_days": "60", "promise_warn_days": "3"}


def test_the_url_name_resolves():
    assert reverse("sales:settings-edit") == URL


def test_an_admin_saves_the_sales_rules_and_the_change_is_audited(client, admin_user):
    client.force_login(admin_user)
    assert client.get(URL).status_code == 200
    response = client.post(URL, GOOD)
    assert response.status_code == 302
    current = SalesSettings.current()
    assert (current.discount_limit_pct, current.reservation_days) == (Decimal("5"), 10)
    assert (current.partner_protection_days, current.promise_warn_days) == (60, 3)
    assert SalesSettings.objects.count() == 1
    client.post(URL, {**GOOD, "reservation_days": "14"})
    assert SalesSettings.objects.count() == 1
    assert SalesSettings.current().reservation_days == 14
    entry = AuditEntry.objects.filter(model="sales.salessettings").latest("at")
    assert entry.changes["reservation_days"] == [10, 14]


def test_bad_values_are_form_errors_and_change_nothing(client, admin_user):
    client.force_login(admin_user)
    client.post(URL, GOOD)
    for field, value in [
        ("discount_limit_pct", "101"),
        ("discount_limit_pct", "-1"),
        ("reservation_days", "0"),
        ("partner_protection_days", "0"),
        ("promise_warn_days", "-2"),
        ("reservation_days", "abc"),
    ]:
        response = client.post(URL, {**GOOD, field: value})
        assert response.status_code == 200, (field, value)
        assert field in response.context["form"].errors, (field, value)
    current = SalesSettings.current()
    assert (current.discount_limit_pct, current.reservation_days, current.partner_protection_days) == (
        Decimal("5"),
        10,
        60,
    )


def test_roles_without_manage_settings_get_403(client, team_lead, rep, executive):
    for user in (team_lead, rep, executive):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, GOOD).status_code == 403
    assert not SalesSettings.objects.exists()


def test_the_defaults_show_before_anything_is_saved(client, admin_user):
    client.force_login(admin_user)
    response = client.get(URL)
    assert response.context["form"].initial["partner_protection_days"] == 30
