"""Saving reports, scheduling them, and mailing each period's copy: every recipient gets the report run as them
(their scope, their masking), in their own language (crm_site.languages.staff_language: file name, headings,
numbers, e-mail), as PDF or XLSX, through the outreach messaging module, once per period.

Idempotent per period: a ScheduleDelivery row (unique on schedule, recipient, period) is written with the message
in one transaction, and the message's dedupe key names the same triple; a second run in the same period (beat
firing twice, a retried task, a second worker) finds the row and sends nothing.
"""

import base64
import datetime
import io
import logging
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from analytics import svg
from analytics.models import ReportSchedule, SavedReport, ScheduleDelivery
from analytics.selectors import builder as selectors
from analytics.selectors.dashboards import dashboard
from crm_site.formatting import number
from crm_site.languages import staff_language
from crm_site.spreadsheets import write_xlsx
from outreach.models import Channel, Kind
from outreach.services import message_send

logger = logging.getLogger(__name__)
User = get_user_model()
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_RECIPIENTS = 50


def report_save(*, user, definition: selectors.Definition, name: str, team=None, report: SavedReport | None = None):
    """Create (or, for its owner, update) a saved report: the definition's keys, never rows."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Give the report a name (at most 100 characters).")})
    if report is not None and report.owner_id != user.pk:
        raise ValidationError(_("Only the owner may change this report; save it under a new name instead."))
    report = report or SavedReport(owner=user)
    report.name = name
    report.team = team
    report.record_type = definition.record_type.key
    report.definition = definition.as_json()
    report.save()
    return report


def report_delete(*, user, report: SavedReport) -> None:
    if report.owner_id != user.pk:
        raise ValidationError(_("Only the owner may delete this report."))
    report.delete()


def schedule_save(*, user, report: SavedReport | None, dashboard_kind: str, frequency: str, fmt: str, recipients):
    """A schedule for a saved report (or a dashboard), to active staff members."""
    errors = {}
    if frequency not in ReportSchedule.Frequency.values:
        errors["frequency"] = _("Choose daily, weekly or monthly.")
    if fmt not in ReportSchedule.Format.values:
        errors["format"] = _("Choose PDF or XLSX.")
    if report is None and dashboard_kind not in ReportSchedule.Dashboard.values:
        errors["dashboard"] = _("Choose a saved report or a dashboard.")
    recipients = list(recipients)
    if not recipients:
        errors["recipients"] = _("Choose at least one recipient.")
    elif len(recipients) > MAX_RECIPIENTS:
        errors["recipients"] = _("Choose at most %(count)d recipients.") % {"count": MAX_RECIPIENTS}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        schedule = ReportSchedule.objects.create(
            report=report,
            dashboard="" if report is not None else dashboard_kind,
            frequency=frequency,
            format=fmt,
            owner=user,
        )
        schedule.recipients.set(recipients)
    return schedule


def schedule_delete(*, user, schedule: ReportSchedule) -> None:
    if schedule.owner_id != user.pk and not user.is_superuser:
        raise ValidationError(_("Only the owner may remove this schedule."))
    schedule.delete()


# --- periods -----------------------------------------------------------------------------------------------------


def period_of(frequency: str, day: datetime.date) -> str | None:
    """The period `day` falls in for a schedule: the day, its ISO week or its month (None for an unknown frequency).

    Beat runs every morning; a period is sent by the first run inside it (Monday's for a week, the 1st's for a
    month) and never again, so a run missed because the workers were down is made up the next morning.
    """
    if frequency == ReportSchedule.Frequency.DAILY:
        return day.isoformat()
    if frequency == ReportSchedule.Frequency.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    if frequency == ReportSchedule.Frequency.MONTHLY:
        return f"{day:%Y-%m}"
    return None


# --- files -------------------------------------------------------------------------------------------------------


def _title(schedule: ReportSchedule) -> str:
    if schedule.report_id:
        return schedule.report.name
    return str(ReportSchedule.Dashboard(schedule.dashboard).label)


def _sheets(schedule: ReportSchedule, recipient, *, typed: bool = False) -> tuple[list[list], int]:
    """The rows of the file for `recipient` (run as them) and how many data rows it holds; cells are text, or with
    `typed` numbers stay numbers (the PDF formats them in the recipient's language)."""
    if schedule.report_id:
        definition = selectors.parse(schedule.report.definition)
        try:
            rows = list(selectors.export_rows(definition, user=recipient, typed=typed))
        except selectors.TooManyRows as error:
            return [[error.message]], 0
        described = definition.described_filters()
        preface = [[_("Filters")] + (described or [_("none")])]
        return [*preface, [], *rows], max(len(rows) - 1, 0)
    board = dashboard(user=recipient, kind=schedule.dashboard)
    rows, count = [], 0
    for chart in board["charts"].values():
        exported = [[cell if typed and _is_number(cell) else str(cell) for cell in row] for row in chart.export_rows()]
        rows += [[str(chart.title)], *exported, []]
        count += max(len(exported) - 1, 0)
    return rows, count


def _is_number(cell) -> bool:
    return isinstance(cell, int | float | Decimal) and not isinstance(cell, bool)


def _xlsx(rows) -> bytes:
    file = io.BytesIO()
    write_xlsx(iter(rows), file, sheet_name=pgettext("report builder", "Report"))
    return file.getvalue()


def _pdf(schedule, recipient, rows, period) -> bytes:
    from weasyprint import HTML

    chart = ""
    if schedule.report_id:
        definition = selectors.parse(schedule.report.definition)
        if definition.groups:
            result = selectors.run(definition, user=recipient, limit=30)
            depth = len(definition.groups)
            bars = [
                (" · ".join(str(cell) for cell in row[:depth]), float(row[depth] or 0), number(row[depth]))
                for row in result.rows
            ]
            chart = "data:image/svg+xml;base64," + base64.b64encode(svg.bars(bars).encode()).decode()
    html = render_to_string(
        "analytics/builder_pdf.html",
        {
            "title": _title(schedule),
            "rows": rows,
            "period": period,
            "recipient": recipient,
            "chart": chart,
            "LANGUAGE_CODE": translation.get_language(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def report_file(schedule: ReportSchedule, recipient, period: str) -> tuple[str, bytes, str, int]:
    """(file name, content, MIME type, data rows) of `schedule` for `recipient`, in the active language (the
    caller activates the recipient's)."""
    pdf = schedule.format == ReportSchedule.Format.PDF
    rows, count = _sheets(schedule, recipient, typed=pdf)
    # Translators: the start of a scheduled report's file name ("report-12-2026-W50.pdf"): one word, no spaces.
    word = _("report")
    stem = f"{word}-{schedule.pk}-{period}"
    if pdf:
        return f"{stem}.pdf", _pdf(schedule, recipient, rows, period), "application/pdf", count
    return f"{stem}.xlsx", _xlsx(rows), XLSX_TYPE, count


# --- sending -----------------------------------------------------------------------------------------------------


def schedule_send(schedule: ReportSchedule, period: str) -> int:
    """Mail `schedule`'s copy for `period` to each recipient not yet served for it, in the recipient's language;
    returns how many were sent."""
    sent = 0
    link = reverse("analytics:builder-run", args=[schedule.report_id]) if schedule.report_id else ""
    for recipient in schedule.recipients.filter(is_active=True).select_related("staff").order_by("pk"):
        if ScheduleDelivery.objects.filter(schedule=schedule, recipient=recipient, period=period).exists():
            continue
        language = staff_language(recipient)
        with translation.override(language):
            name, content, mimetype, count = report_file(schedule, recipient, period)
            title = _title(schedule)
        try:
            with transaction.atomic():
                delivery = ScheduleDelivery.objects.create(
                    schedule=schedule, recipient=recipient, period=period, rows=count
                )
                message = message_send(
                    template="analytics.scheduled_report",
                    user=recipient,
                    channel=Channel.EMAIL,
                    kind=Kind.SERVICE,
                    language=language,
                    context={"report_name": title, "period": period, "rows": count},
                    link=link,
                    dedupe_key=f"report:{schedule.pk}:{recipient.pk}:{period}",
                    attachment=(name, content, mimetype),
                )
                delivery.message_id = message.pk
                delivery.save(update_fields=["message_id"])
        except IntegrityError:
            continue  # another run served this recipient for this period
        sent += 1
    ReportSchedule.objects.filter(pk=schedule.pk).update(last_period=period)
    return sent


def _all_served(schedule, period) -> bool:
    recipients = schedule.recipients.filter(is_active=True).count()
    return ScheduleDelivery.objects.filter(schedule=schedule, period=period).count() >= recipients


def schedules_due(*, day: datetime.date | None = None) -> int:
    """Send every active schedule's current period to the recipients not yet served (`day`: default today);
    returns the messages sent."""
    day = day or timezone.localdate()
    sent = 0
    for schedule in ReportSchedule.objects.filter(active=True).select_related("report").order_by("pk"):
        period = period_of(schedule.frequency, day)
        if period is None or schedule.last_period == period and _all_served(schedule, period):
            continue
        try:
            sent += schedule_send(schedule, period)
        except Exception:
            logger.exception("Scheduled report %s failed for %s", schedule.pk, period)
    return sent
