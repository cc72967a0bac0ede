"""The club's configuration pages: tiers, benefits, earn rules and settings — validated, audited, scoped to the
roles that configure the club, in both languages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from crm_site.models import AuditEntry
from members.models import Benefit, MemberSettings, Tier

pytestmark = pytest.mark.django_db


def test_member_staff_create_a_tier_with_both_names_and_it_is_audited(client, member_staff):
    client.force_login(member_staff)
    response = client.post(
        reverse("members:tier-create"),
        {"name": "Crown", "name_zh": "皇冠", "rank": 9, "points_threshold": 50000, "discount_pct": "1.5"},
    )
    assert response.status_code == 302
    tier = Tier.objects.get(name="Crown")
    assert (tier.name_zh, tier.rank, tier.points_threshold, tier.discount_pct) == ("皇冠", 9, 50000, Decimal("1.5"))
    assert AuditEntry.objects.filter(model="members.tier", object_id=str(tier.pk)).exists()


def test_a_tier_taking_another_tiers_place_or_missing_its_chinese_name_is_refused(client, member_staff):
    client.force_login(member_staff)
    taken = Tier.objects.order_by("rank").first().rank
    count = Tier.objects.count()
    response = client.post(reverse("members:tier-create"), {"name": "X", "name_zh": "", "rank": taken})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Tier.objects.count() == count


def test_a_zero_threshold_is_refused_with_a_message(member_staff):
    from django.core.exceptions import ValidationError

    from members import services

    with pytest.raises(ValidationError, match="above zero"):
        services.tier_save(by=member_staff, name="A", name_zh="甲", rank=50, points_threshold=0)


def test_editing_a_tier_changes_it_and_keeps_its_order(client, member_staff):
    client.force_login(member_staff)
    tier = Tier.objects.order_by("rank").last()
    data = {
        "name": tier.name,
        "name_zh": "新名",
        "rank": tier.rank,
        "benefits": "Lounge",
        "benefits_zh": "贵宾厅",
        "units_threshold": 3,
        "discount_pct": "2",
    }
    assert client.post(reverse("members:tier-edit", args=[tier.pk]), data).status_code == 302
    tier.refresh_from_db()
    assert (tier.name_zh, tier.benefits_zh, tier.units_threshold) == ("新名", "贵宾厅", 3)


def test_benefit_catalogue_create_and_validation(client, member_staff):
    client.force_login(member_staff)
    bad = {
        "name": "Moving",
        "name_zh": "搬家",
        "kind": "moving",
        "points_price": 0,
        "valid_from": "2027-02-01",
        "valid_to": "2027-01-01",
        "active": "on",
    }
    response = client.post(reverse("members:benefit-create"), bad)
    assert response.status_code == 200 and "before it starts" in response.content.decode()
    assert not Benefit.objects.filter(name="Moving").exists()
    good = {**bad, "points_price": 800, "stock": 5, "valid_to": "2027-12-31"}
    assert client.post(reverse("members:benefit-create"), good).status_code == 302
    benefit = Benefit.objects.get(name="Moving")
    assert (benefit.points_price, benefit.stock, str(benefit.valid_to)) == (800, 5, "2027-12-31")
    page = client.get(reverse("members:benefit-list")).content.decode()
    assert "搬家" in page


def test_a_benefit_with_neither_points_nor_tier_is_refused(client, member_staff):
    client.force_login(member_staff)
    data = {"name": "Free", "name_zh": "免费", "kind": "other", "points_price": 0, "active": "on"}
    response = client.post(reverse("members:benefit-create"), data)
    assert response.status_code == 200
    assert "points price, a tier requirement" in response.content.decode()


def _settings(**changes):
    data = {
        "points_per_10k": 10,
        "referral_points": 2000,
        "event_points": 100,
        "survey_points": 50,
        "profile_points": 100,
        "referral_reward": "points",
        "expiry_months": 24,
        "point_value": "0.01",
        "dormant_days": 180,
        "referral_reversal_days": 180,
        "auto_join_on_contract": "on",
        "partner_precedence": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_club_rules_are_saved_from_the_page_and_audited(client, member_staff):
    client.force_login(member_staff)
    response = client.post(
        reverse("members:settings-edit"),
        _settings(expiry_months=36, point_value="0.02", household_card="on", survey_points=70),
    )
    assert response.status_code == 302
    rules = MemberSettings.current()
    assert (rules.expiry_months, rules.point_value, rules.household_card, rules.survey_points) == (
        36,
        Decimal("0.02"),
        True,
        70,
    )
    assert AuditEntry.objects.filter(model="members.membersettings").exists()


def test_bad_club_rules_change_nothing(client, member_staff):
    client.force_login(member_staff)
    response = client.post(reverse("members:settings-edit"), _settings(expiry_months=0, point_value="-1"))
    assert response.status_code == 200
    assert not MemberSettings.objects.exists()
    response = client.post(reverse("members:settings-edit"), _settings(referral_reward="gift"))
    assert "Choose the benefit given as the referral gift" in response.content.decode()
    assert not MemberSettings.objects.exists()


def test_a_rep_may_not_configure_the_club(client, rep):
    client.force_login(rep)
    for name in ("members:settings-edit", "members:tier-create", "members:benefit-create"):
        assert client.get(reverse(name)).status_code == 403


def test_the_configuration_pages_are_in_the_members_menu_in_chinese(client, member_staff):
    client.force_login(member_staff)
    with translation.override("zh-hans"):
        page = client.get(reverse("members:settings-edit"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for name in ("members:tier-list", "members:benefit-list", "members:settings-edit"):
        assert reverse(name) in page
