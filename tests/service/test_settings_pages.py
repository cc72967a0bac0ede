"""The service settings pages admins use (not the Django admin): reachable from the Settings menu, validated
(bad input: a clear message, nothing saved), audited, refused to service staff."""

import datetime

import pytest
from django.urls import reverse

from crm_site.models import AuditEntry
from service.models import (
    CalendarDay,
    Category,
    CertificateStage,
    ServiceSettings,
    SlaPolicy,
    WarrantyPeriod,
    WorkingInterval,
)

from .conftest import fresh, run_pending_recount

pytestmark = pytest.mark.django_db
KINDS = ["policies", "days", "categories", "stages", "warranty"]


@pytest.fixture
def admin(client, org):
    client.force_login(fresh(org["admin_user"]))
    return client


def test_every_page_is_in_the_admins_settings_menu(admin):
    home = admin.get(reverse("my_day")).content.decode()
    assert reverse("service:settings-rules") in home
    for kind in KINDS:
        assert reverse(f"service:settings-{kind}") in home
        page = admin.get(reverse("service:settings-list", args=[kind]))
        assert page.status_code == 200
        assert b'data-testid="settings-table"' in page.content


def test_service_agents_may_not_open_them(client, org):
    client.force_login(fresh(org["service_agent"]))
    assert client.get(reverse("service:settings-rules")).status_code == 403
    for kind in KINDS:
        assert client.get(reverse("service:settings-list", args=[kind])).status_code == 403
    assert client.get(reverse("service:settings-list", args=["nope"])).status_code == 404


def test_a_key_account_policy_is_added_and_a_duplicate_refused(admin):
    data = {
        "priority": "high",
        "category": "",
        "key_account": "on",
        "member_tier": "",
        "first_response_minutes": "30",
        "resolution_minutes": "240",
    }
    assert admin.post(reverse("service:settings-create", args=["policies"]), data).status_code == 302
    policy = SlaPolicy.objects.get(priority="high", key_account=True)
    assert policy.resolution_minutes == 240
    assert AuditEntry.objects.filter(model="service.slapolicy", object_id=str(policy.pk)).exists()
    again = admin.post(reverse("service:settings-create", args=["policies"]), data)
    assert again.status_code == 200
    assert "There is a policy for this priority, category and customer class already." in again.content.decode()
    backwards = admin.post(
        reverse("service:settings-create", args=["policies"]),
        {
            **data,
            "key_account": "",
            "priority": "low",
            "category": Category.objects.first().pk,
            "resolution_minutes": 5,
        },
    )
    assert "The first response cannot be due after the resolution." in backwards.content.decode()
    assert SlaPolicy.objects.filter(key_account=True).count() == 1


def test_the_week_is_saved_and_bad_spans_are_refused(admin):
    week = {f"day_{day}": "08:30-12:00, 13:00-17:30" for day in range(5)}
    week.update(day_5="09:00-12:00", day_6="")
    assert admin.post(reverse("service:settings-week"), week).status_code == 302
    assert run_pending_recount() == 1  # eleven intervals written, one recount of the open tickets queued
    assert WorkingInterval.objects.filter(weekday=5).count() == 1
    assert WorkingInterval.objects.filter(weekday=0).first().starts == datetime.time(8, 30)
    before = WorkingInterval.objects.count()
    for bad, message in [
        ("9-12", "is not a time span"),
        ("12:00-09:00", "must end after it starts"),
        ("09:00-12:00, 11:00-13:00", "must not overlap"),
    ]:
        page = admin.post(reverse("service:settings-week"), {**week, "day_2": bad})
        assert page.status_code == 200
        assert message in page.content.decode()
    empty = admin.post(reverse("service:settings-week"), {f"day_{day}": "" for day in range(7)})
    assert "at least one working span" in empty.content.decode()
    assert WorkingInterval.objects.count() == before


def test_a_holiday_and_a_make_up_day(admin):
    url = reverse("service:settings-create", args=["days"])
    assert admin.post(url, {"day": "2026-10-01", "name": "国庆节"}).status_code == 302
    assert admin.post(url, {"day": "2026-10-10", "working": "on", "name": "调休"}).status_code == 302
    assert CalendarDay.objects.get(day=datetime.date(2026, 10, 10)).working is True
    assert admin.post(url, {"day": "2026-10-01", "name": "again"}).status_code == 200  # one row per date
    day = CalendarDay.objects.get(day=datetime.date(2026, 10, 1))
    assert admin.post(reverse("service:settings-delete", args=["days", day.pk])).status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()


def test_a_category_cannot_become_its_own_descendants_child(admin):
    top = Category.objects.create(name_en="Top (test)")
    child = Category.objects.create(name_en="Child (test)", parent=top)
    url = reverse("service:settings-edit", args=["categories", top.pk])
    page = admin.post(url, {"parent": child.pk, "name_en": "Top (test)", "order": 0, "active": "on"})
    assert page.status_code == 200
    top.refresh_from_db()
    assert top.parent_id is None
    assert admin.post(url, {"name_en": "Top renamed", "name_zh": "顶层", "order": 1}).status_code == 302
    top.refresh_from_db()
    assert (top.name_zh, top.active) == ("顶层", False)
    # a category is never deleted (tickets keep it)
    assert admin.post(reverse("service:settings-delete", args=["categories", top.pk])).status_code == 403


def test_a_certificate_stage_is_retimed_but_keeps_its_code(admin):
    stage = CertificateStage.objects.order_by("order").first()
    url = reverse("service:settings-edit", args=["stages", stage.pk])
    data = {"code": "renamed", "name_en": stage.name_en, "name_zh": stage.name_zh, "order": stage.order}
    assert admin.post(url, {**data, "expected_days": "0", "active": "on"}).status_code == 200
    assert admin.post(url, {**data, "expected_days": "45", "active": "on"}).status_code == 302
    stage.refresh_from_db()
    assert (stage.expected_days, stage.code != "renamed") == (45, True)


def test_a_warranty_period_is_edited(admin):
    period = WarrantyPeriod.objects.order_by("component").first()
    url = reverse("service:settings-edit", args=["warranty", period.pk])
    assert admin.post(url, {"label_en": period.label_en, "months": "-3"}).status_code == 200
    assert admin.post(url, {"label_en": period.label_en, "label_zh": "测试", "months": "36"}).status_code == 302
    period.refresh_from_db()
    assert (period.months, period.label_zh) == (36, "测试")


def test_the_callback_schedule_is_validated_and_normalised(admin):
    url = reverse("service:settings-rules")
    data = {"reopen_days": 7, "near_breach_percent": 80, "callback_after_ticket_days": 2, "low_score": 2}
    page = admin.post(url, {**data, "callback_months": "1, three"})
    assert "is not a number of months between 1 and 120" in page.content.decode()
    assert admin.post(url, {**data, "callback_months": "12，1, 3,3"}).status_code == 302
    rules = ServiceSettings.current()
    assert (rules.callback_month_list(), rules.callback_after_ticket_days, rules.near_breach_percent) == (
        [1, 3, 12],
        2,
        80,
    )
    assert admin.post(url, {**data, "near_breach_percent": 100, "callback_months": "1"}).status_code == 200
    assert ServiceSettings.current().near_breach_percent == 80
