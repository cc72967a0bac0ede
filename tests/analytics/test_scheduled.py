"""Scheduled reports: mailed through outreach once per period, each recipient's file run in their own scope."""

import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from analytics.models import ReportSchedule, SavedReport, ScheduleDelivery
from analytics.selectors import builder as selectors
from analytics.services import builder as services
from analytics.tasks import scheduled_reports_task
from crm_site.models import StaffProfile
from outreach.models import Message
from tests.analytics.test_builder import world  # noqa: F401  (the fixture)
from tests.analytics.test_reports import text_of

MONDAY = datetime.date(2026, 12, 7)
TUESDAY = MONDAY + datetime.timedelta(days=1)


@pytest.fixture
def saved(org, world):  # noqa: F811
    return SavedReport.objects.create(
        name="Deals by customer",
        owner=org["team_lead"],
        team=org["department"],
        record_type="deals",
        definition=selectors.parse({"type": "deals", "columns": ["customer", "price"]}).as_json(),
    )


def schedule_for(saved, owner, recipients, **fields):
    return services.schedule_save(
        user=owner,
        report=saved,
        dashboard_kind="",
        frequency=fields.get("frequency", "weekly"),
        fmt=fields.get("fmt", "xlsx"),
        recipients=recipients,
    )


def workbook(message):
    with message.attachment.open("rb") as file:
        return openpyxl.load_workbook(io.BytesIO(file.read()))


def workbook_rows(message) -> list[list]:
    return [[cell.value for cell in row] for row in workbook(message).active.iter_rows()]


def workbook_sheet(message) -> str:
    return workbook(message).active.title


def workbook_names(message) -> set[str]:
    rows = workbook_rows(message)
    header = rows.index(["Customer", "Price"])
    return {row[0] for row in rows[header + 1 :]}


def test_each_recipient_gets_only_their_rows_once_per_period(org, saved, django_capture_on_commit_callbacks):
    rep, other_rep, executive = org["rep"], org["other_rep"], org["executive"]
    for user in (rep, other_rep, executive):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    schedule_for(saved, org["team_lead"], [rep, other_rep, executive])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.schedules_due(day=MONDAY) == 3
    messages = {
        message.user_id: message for message in Message.objects.filter(template_key="analytics.scheduled_report")
    }
    assert workbook_names(messages[rep.pk]) == {"A1", "A2"}
    assert workbook_names(messages[other_rep.pk]) == {'\'=HYPERLINK("http://x")'}  # neutralised
    assert workbook_names(messages[executive.pk]) == {"A1", "A2", '\'=HYPERLINK("http://x")'}
    # The e-mail went out through outreach with the file attached.
    sent = {email.to[0]: email for email in mail.outbox}
    assert set(sent) == {"rep@example.com", "other_rep@example.com", "executive@example.com"}
    name, content, mimetype = sent["rep@example.com"].attachments[0]
    assert name.endswith(".xlsx") and mimetype == services.XLSX_TYPE and content
    # The same period again (beat firing twice, a retried task): nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.schedules_due(day=MONDAY) == 0
        assert services.schedules_due(day=MONDAY + datetime.timedelta(days=2)) == 0  # the same week
    assert Message.objects.filter(template_key="analytics.scheduled_report").count() == 3
    assert len(mail.outbox) == 3
    assert ScheduleDelivery.objects.filter(period="2026-W50").count() == 3
    # The next week is a new period.
    assert services.schedules_due(day=MONDAY + datetime.timedelta(days=7)) == 3


def test_periods(db):
    assert services.period_of("daily", TUESDAY) == "2026-12-08"
    assert services.period_of("weekly", TUESDAY) == services.period_of("weekly", MONDAY) == "2026-W50"
    assert services.period_of("monthly", MONDAY) == services.period_of("monthly", datetime.date(2026, 12, 31))
    assert services.period_of("monthly", datetime.date(2027, 1, 1)) == "2027-01"


def test_a_missed_morning_is_made_up_the_next_day_and_a_new_recipient_gets_the_current_period(org, saved):
    schedule = schedule_for(saved, org["team_lead"], [org["rep"]], frequency="monthly")
    # Beat did not run on the 1st: the 2nd sends December's copy, the 3rd nothing more.
    assert services.schedules_due(day=datetime.date(2026, 12, 2)) == 1
    assert services.schedules_due(day=datetime.date(2026, 12, 3)) == 0
    schedule.recipients.add(org["other_rep"])
    assert services.schedules_due(day=datetime.date(2026, 12, 4)) == 1
    assert ScheduleDelivery.objects.filter(schedule=schedule, period="2026-12").count() == 2


def test_task_runs_daily_schedules(org, saved):
    schedule_for(saved, org["team_lead"], [org["rep"]], frequency="daily")
    assert scheduled_reports_task(TUESDAY.isoformat()) == 1
    assert scheduled_reports_task(TUESDAY.isoformat()) == 0


def test_pdf_attachment_holds_only_the_recipients_rows(org, saved, tmp_path):
    schedule_for(saved, org["team_lead"], [org["rep"]], fmt="pdf")
    services.schedules_due(day=MONDAY)
    message = Message.objects.get(template_key="analytics.scheduled_report", user=org["rep"])
    with message.attachment.open("rb") as file:
        data = file.read()
    assert data.startswith(b"%PDF")
    text = text_of(data, tmp_path)
    assert "A1" in text and "A2" in text and "HYPERLINK" not in text


def test_dashboard_schedule_sends_the_recipients_dashboard(org, db):
    schedule = services.schedule_save(
        user=org["executive"], report=None, dashboard_kind="team", frequency="monthly", fmt="xlsx",
        recipients=[org["team_lead"]],
    )  # fmt: skip
    assert services.schedules_due(day=datetime.date(2027, 1, 1)) == 1
    assert Message.objects.get(user=org["team_lead"]).attachment_name == f"report-{schedule.pk}-2027-01.xlsx"


def test_schedule_form_refuses_bad_input_and_saves_good(client, org, saved):
    client.force_login(org["team_lead"])
    url = reverse("analytics:builder-schedule", args=[saved.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"frequency": "hourly", "format": "xlsx", "recipients": [org["rep"].pk]})
    assert response.status_code == 200 and not ReportSchedule.objects.exists()
    response = client.post(url, {"frequency": "weekly", "format": "pdf", "recipients": []})
    assert response.status_code == 200 and not ReportSchedule.objects.exists()
    response = client.post(url, {"frequency": "weekly", "format": "pdf", "recipients": [org["rep"].pk]})
    assert response.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert schedule.report == saved and list(schedule.recipients.all()) == [org["rep"]]
    # A rep may not schedule.
    client.force_login(org["rep"])
    assert client.get(url).status_code == 403


def set_language(user, language):
    StaffProfile.objects.filter(user=user).update(language=language)


def test_each_recipient_gets_the_file_and_email_in_their_own_language(org, saved, django_capture_on_commit_callbacks):
    rep, executive = org["rep"], org["executive"]
    for user in (rep, executive):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    set_language(executive, "zh-hans")  # the rep chose none: the site's language (English)
    schedule = schedule_for(saved, org["team_lead"], [rep, executive])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.schedules_due(day=MONDAY) == 2
    messages = {
        message.user_id: message for message in Message.objects.filter(template_key="analytics.scheduled_report")
    }
    english, chinese = messages[rep.pk], messages[executive.pk]
    assert (english.language, chinese.language) == ("en", "zh-hans")
    assert english.attachment_name == f"report-{schedule.pk}-2026-W50.xlsx"
    assert chinese.attachment_name == f"报表-{schedule.pk}-2026-W50.xlsx"
    assert workbook_rows(english)[:3] == [["Filters", "none"], [None, None], ["Customer", "Price"]]
    assert workbook_rows(chinese)[:3] == [["筛选条件", "无"], [None, None], ["客户", "价格"]]
    assert (workbook_sheet(english), workbook_sheet(chinese)) == ("Report", "报表")
    # Each recipient's rows, whatever the language (their own scope).
    assert {row[0] for row in workbook_rows(english)[3:]} == {"A1", "A2"}
    assert {row[0] for row in workbook_rows(chinese)[3:]} == {"A1", "A2", '\'=HYPERLINK("http://x")'}
    sent = {email.to[0]: email for email in mail.outbox}
    assert sent["rep@example.com"].subject == "Report: Deals by customer (2026-W50)"
    assert sent["executive@example.com"].subject == "报表：Deals by customer（2026-W50）"
    assert "共 2 行" not in sent["executive@example.com"].body and "共 3 行" in sent["executive@example.com"].body
    assert "(2 rows, within your data scope)" in sent["rep@example.com"].body
    assert sent["executive@example.com"].attachments[0][0] == f"报表-{schedule.pk}-2026-W50.xlsx"
    # The run leaves the worker's language as it was.
    assert translation.get_language() == "en"


def test_pdf_reports_are_written_in_each_recipients_language(org, saved, tmp_path):
    rep, executive = org["rep"], org["executive"]
    set_language(rep, "zh-hans")
    set_language(executive, "en")
    schedule = schedule_for(saved, org["team_lead"], [rep, executive], fmt="pdf")
    assert services.schedules_due(day=MONDAY) == 2
    chinese = Message.objects.get(template_key="analytics.scheduled_report", user=rep)
    english = Message.objects.get(template_key="analytics.scheduled_report", user=executive)
    assert chinese.attachment_name == f"报表-{schedule.pk}-2026-W50.pdf"
    assert english.attachment_name == f"report-{schedule.pk}-2026-W50.pdf"
    with chinese.attachment.open("rb") as file:
        chinese_text = " ".join(text_of(file.read(), tmp_path).split())
    with english.attachment.open("rb") as file:
        english_text = " ".join(text_of(file.read(), tmp_path).split())
    assert "周期 2026-W50" in chinese_text and "筛选条件" in chinese_text and "客户 价格" in chinese_text
    assert "Period" not in chinese_text and "Customer" not in chinese_text
    assert "Period 2026-W50" in english_text and "Filters" in english_text and "Customer Price" in english_text
    assert "周期" not in english_text
    # Numbers with the recipient's separators (both languages print 2,000,000.00: crm_site/formats/zh_Hans).
    assert "2,000,000.00" in chinese_text and "2,000,000.00" in english_text
