"""The club's words in Chinese: a member of the club is 会员 (a team's members stay 成员), its events 会员活动."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_club_menu_and_pages_say_huiyuan(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("members:member-list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h3 mb-0">会员</h1>' in page
    assert "会员活动" in page  # the club menu's events entry


def test_a_team_keeps_its_members():
    with translation.override("zh-hans"):
        assert translation.gettext("Members") == "成员"
        assert translation.pgettext("club", "Members") == "会员"
        assert translation.pgettext("club", "Events") == "会员活动"


def test_the_dashboard_formats_its_numbers(client, admin_user, monkeypatch):
    from decimal import Decimal

    from members.selectors.dashboard import Table
    from members.views import dashboard as view

    monkeypatch.setattr(
        view,
        "dashboard",
        lambda **kwargs: {
            "liability": Table(
                "liability",
                "Points liability",
                ["Points", "Value", "Liability"],
                [[517482000, Decimal("0.01"), Decimal("5174820.00")]],
            )
        },
    )
    client.force_login(admin_user)
    page = client.get(reverse("members:dashboard")).content.decode()
    assert "517,482,000" in page and "5,174,820.00" in page and "0.01" in page


def test_figure_keeps_text_and_formats_numbers():
    from decimal import Decimal

    from crm_site.formatting import figure

    with translation.override("en"):
        assert figure(128572) == "128,572"
        assert figure(Decimal("5174820")) == "5,174,820.00"
        assert figure("2026-12") == "2026-12"
        assert figure(None) is None
