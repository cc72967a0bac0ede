"""The top navigation shows each role what it may open, and a dropdown only when something in it is open to them."""

import pytest
from django.urls import reverse

from crm_site.navigation import NavItem, main, visible_items

pytestmark = pytest.mark.django_db


def labels(items) -> dict[str, list[str]]:
    return {str(item["label"]): [str(child["label"]) for child in item["children"]] for item in items}


def test_a_dropdown_without_any_entry_the_user_may_open_is_hidden(org):
    nav = [
        NavItem("Locked", "home", "x", children=(NavItem("Audit", "settings:audit-list", "x", "crm_site.view_audit"),))
    ]
    assert visible_items(org["rep"], nav) == []
    assert [item["url"] for item in visible_items(org["admin_user"], nav)] == [reverse("settings:audit-list")]


def test_a_dropdown_opens_on_the_first_entry_the_user_may_see(org):
    nav = [
        NavItem(
            "Mixed",
            "home",
            "x",
            children=(
                NavItem("Audit", "settings:audit-list", "x", "crm_site.view_audit"),
                NavItem("Customers", "customers:customer-list", "x", "customers.view_customer"),
            ),
        )
    ]
    (item,) = visible_items(org["rep"], nav)
    assert item["url"] == reverse("customers:customer-list")


def test_entries_whose_url_does_not_exist_are_skipped(org):
    assert visible_items(org["admin_user"], [NavItem("Gone", "nowhere:page", "x")]) == []


def test_roles_see_their_sales_entries(org):
    rep, marketing = labels(visible_items(org["rep"], main())), labels(visible_items(org["marketing"], main()))
    assert "Sales" in rep and "Funnel board" in rep["Sales"]
    assert "Discount approvals" not in rep["Sales"]
    assert "Discount approvals" in labels(visible_items(org["team_lead"], main()))["Sales"]
    assert "Campaign ROI" in marketing["Reports"]
    assert "Funnel board" not in marketing.get("Sales", [])


def test_the_partner_portal_is_for_partner_users_not_for_superusers(org):
    from sales.models import Partner
    from tests.factories import UserFactory

    partner_user = UserFactory(username="agent.one", role="partner")
    Partner.objects.create(name="Sunshine Realty").users.add(partner_user)
    assert "Partner portal" in labels(visible_items(partner_user, main()))
    assert "Partner portal" not in labels(visible_items(org["admin_user"], main()))
    superuser = UserFactory(username="root", is_superuser=True)
    assert "Partner portal" not in labels(visible_items(superuser, main()))
