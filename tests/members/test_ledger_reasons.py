"""Ledger reasons are read in the viewer's language: a system reason is stored as a code with raw parameters (and its
English text), whatever language the request or job that wrote it spoke; a typed reason is shown as typed."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone, translation

from crm_site.models import ApiToken
from customers.selectors import timeline
from members import reasons, services
from members.models import Benefit, LedgerEntry
from members.services.ledger import add_months
from tests.members.test_api import api

pytestmark = pytest.mark.django_db
backfill_migration = importlib.import_module("members.migrations.0006_ledger_reason_codes_backfill")


@pytest.fixture
def benefit():
    return Benefit.objects.create(name="Moving help", name_zh="搬家协助", kind="moving", points_price=300, stock=5)


def in_language(language, entry):
    with translation.override(language):
        return entry.reason_text


def redeemed_in_chinese(member, benefit, by):
    """A redemption made by a Chinese-speaking desk."""
    services.points_earn(member=member, amount=1000, reason="opening balance")
    with translation.override("zh-hans"):
        redemption = services.redemption_create(member=member, benefit=benefit, by=by)
    return redemption, member.entries.get(kind=LedgerEntry.Kind.SPEND)


def expired_points(member, *, language):
    """Points earned 13 months ago, written off by the nightly job run while `language` is active."""
    entry = services.points_earn(member=member, amount=150, reason="opening balance")
    then = timezone.now() - datetime.timedelta(days=400)
    expires_on = add_months(timezone.localdate(then), 12)
    LedgerEntry.objects.filter(pk=entry.pk).update(created_at=then, expires_on=expires_on)
    with translation.override(language):
        assert services.points_expire_all() == 150
    return member.entries.get(kind=LedgerEntry.Kind.EXPIRE)


def page_in(client, user, member, language) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(member.get_absolute_url()).content.decode()


def test_an_entry_written_in_chinese_reads_in_each_viewers_language(member, benefit, member_staff):
    _redemption, entry = redeemed_in_chinese(member, benefit, member_staff)
    assert (entry.reason_code, entry.reason_params) == (
        "redeemed",
        {"benefit": {"en": "Moving help", "zh": "搬家协助"}},
    )
    assert entry.reason == "Redeemed: Moving help"  # the stored text is English, for readers that know no codes
    assert in_language("en", entry) == "Redeemed: Moving help"
    assert in_language("zh-hans", entry) == "兑换：搬家协助"


def test_the_member_page_shows_the_reason_in_the_viewers_language(client, member, benefit, member_staff):
    redeemed_in_chinese(member, benefit, member_staff)
    english = page_in(client, member_staff, member, "en")
    chinese = page_in(client, member_staff, member, "zh-hans")
    assert "Redeemed: Moving help" in english and "兑换" not in english
    assert "兑换：搬家协助" in chinese and "Redeemed" not in chinese


def test_the_nightly_expirys_reason_reads_in_each_viewers_language(client, member, member_staff):
    entry = expired_points(member, language="zh-hans")
    assert (entry.reason_code, entry.reason) == ("points_expired", "Points expired")
    assert in_language("en", entry) == "Points expired"
    assert in_language("zh-hans", entry) == "积分过期"
    assert "Points expired" in page_in(client, member_staff, member, "en")
    chinese = page_in(client, member_staff, member, "zh-hans")
    assert "积分过期" in chinese and "Points expired" not in chinese


def test_an_expiry_written_before_a_spend_carries_the_code_too(member):
    entry = services.points_earn(member=member, amount=100, reason="opening balance")
    then = timezone.now() - datetime.timedelta(days=400)
    LedgerEntry.objects.filter(pk=entry.pk).update(created_at=then, expires_on=add_months(timezone.localdate(then), 12))
    with translation.override("en"):
        services.points_expire(member=member)
    assert in_language("zh-hans", member.entries.get(kind=LedgerEntry.Kind.EXPIRE)) == "积分过期"


def test_the_api_returns_the_reason_in_the_requests_language(client, member, benefit, member_staff):
    redeemed_in_chinese(member, benefit, member_staff)
    _token, raw = ApiToken.issue(user=member_staff, name="t")
    url = f"/api/v1/members/{member.pk}/ledger/"

    def first(language):
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        return response.json()["items"][0]

    english, chinese = first("en"), first("zh-hans")
    assert english["reason"] == "Redeemed: Moving help"
    assert chinese["reason"] == "兑换：搬家协助"
    assert english["reason_code"] == chinese["reason_code"] == "redeemed"
    assert chinese["reason_params"] == {"benefit": {"en": "Moving help", "zh": "搬家协助"}}


def test_a_typed_reason_is_shown_as_typed_in_every_language(client, member, member_staff):
    with translation.override("zh-hans"):
        entry = services.points_adjust(member=member, amount=50, reason="Goodwill after the leak", by=member_staff)
    assert (entry.reason_code, entry.reason_params, entry.reason) == ("", {}, "Goodwill after the leak")
    assert in_language("en", entry) == in_language("zh-hans", entry) == "Goodwill after the leak"
    assert "Goodwill after the leak" in page_in(client, member_staff, member, "zh-hans")
    call = api(client, member_staff)
    body = {"amount": 20, "reason": "积分补录", "idempotency_key": "k-1"}
    assert call("post", f"/{member.pk}/earn/", body).json()["reason"] == "积分补录"
    assert call("get", f"/{member.pk}/ledger/").json()["items"][0]["reason"] == "积分补录"


def test_a_cancelled_redemption_translates_its_prefix_and_keeps_the_typed_reason(member, benefit, member_staff):
    redemption, _spend = redeemed_in_chinese(member, benefit, member_staff)
    with translation.override("zh-hans"):
        services.redemption_cancel(redemption=redemption, by=member_staff, reason="Changed their mind")
    entry = member.entries.get(kind=LedgerEntry.Kind.REVERSE)
    assert (entry.reason_code, entry.reason_params) == ("redemption_cancelled", {"reason": "Changed their mind"})
    assert in_language("en", entry) == "Redemption cancelled: Changed their mind"
    assert in_language("zh-hans", entry) == "兑换已取消：Changed their mind"


def test_a_system_reason_inside_another_is_translated_too(member, benefit, member_staff):
    redemption, _spend = redeemed_in_chinese(member, benefit, member_staff)
    why = reasons.Reason(reasons.REFERRED_CONTRACT_CANCELLED)
    services.redemption_cancel(redemption=redemption, by=None, reason=why)
    entry = member.entries.get(kind=LedgerEntry.Kind.REVERSE)
    assert entry.reason_params == {"reason": {"code": "referred_contract_cancelled", "params": {}}}
    assert entry.reason == "Redemption cancelled: Referred contract cancelled"
    assert in_language("zh-hans", entry) == "兑换已取消：被推荐人的合同已退房"


def test_the_customer_timeline_shows_the_reason_in_the_viewers_language(member, benefit, member_staff):
    redeemed_in_chinese(member, benefit, member_staff)
    for language, expected in (("en", "Redeemed: Moving help"), ("zh-hans", "兑换：搬家协助")):
        with translation.override(language):
            details = [event.detail for event in timeline(customer=member.customer) if event.kind == "member"]
        assert expected in details


def test_earning_rules_write_codes_not_text(member, member_staff):
    event = services.event_create(
        by=member_staff,
        title="Owners' day",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        place="Club",
        capacity=5,
    )
    with translation.override("zh-hans"):
        services.event_check_in(event=event, customer=member.customer, by=member_staff)
    entry = member.entries.get(rule=LedgerEntry.Rule.EVENT)
    assert (entry.reason_code, entry.reason_params, entry.reason) == (
        "attended_event",
        {"event": "Owners' day"},
        "Attended Owners' day",
    )
    assert in_language("zh-hans", entry) == "参加了 Owners' day"


def test_an_unknown_code_falls_back_to_the_stored_text(member):
    entry = services.points_earn(member=member, amount=10, reason="opening balance")
    LedgerEntry.objects.filter(pk=entry.pk).update(reason_code="retired_code", reason="Old words")
    entry.refresh_from_db()
    assert in_language("zh-hans", entry) == "Old words"
    with pytest.raises(ValueError, match="Unknown ledger reason"):
        reasons.Reason("no_such_code")


def test_existing_rows_get_codes_from_their_english_or_chinese_text(member):
    def row(reason, kind="earn", amount=10, key=""):
        return LedgerEntry.objects.create(member=member, kind=kind, amount=amount, reason=reason, key=key)

    rows = {
        "zh_redeemed": row("兑换：搬家协助", kind="spend", amount=-10),
        "en_contract": row("Contract C-2026-001 signed"),
        "zh_expired": row("积分过期", kind="expire", amount=-5),
        "zh_cancelled_nested": row("兑换已取消：被推荐人的合同已退房", kind="reverse"),
        "en_cancelled_typed": row("Redemption cancelled: Late", kind="reverse"),
        "typed": row("opening balance"),
        "adjust_looks_like_system": row("Points expired", kind="adjust"),
        "api_typed": row("Profile completed", key="api:1:x"),
    }
    backfill_migration.backfill(apps, None)
    for entry in rows.values():
        entry.refresh_from_db()
    found = {name: (entry.reason_code, entry.reason_params) for name, entry in rows.items()}
    assert found == {
        "zh_redeemed": ("redeemed", {"benefit": "搬家协助"}),
        "en_contract": ("contract_signed", {"no": "C-2026-001"}),
        "zh_expired": ("points_expired", {}),
        "zh_cancelled_nested": (
            "redemption_cancelled",
            {"reason": {"code": "referred_contract_cancelled", "params": {}}},
        ),
        "en_cancelled_typed": ("redemption_cancelled", {"reason": "Late"}),
        "typed": ("", {}),
        "adjust_looks_like_system": ("", {}),
        "api_typed": ("", {}),
    }
    assert in_language("en", rows["zh_expired"]) == "Points expired"
    assert in_language("en", rows["zh_cancelled_nested"]) == "Redemption cancelled: Referred contract cancelled"
    assert in_language("zh-hans", rows["en_contract"]) == "合同 C-2026-001 签约"
