"""The report builder's saved reports and their e-mail schedules.

A saved report keeps its definition (record type, column keys, filters, group-by, aggregates: keys of
analytics.records only, checked again each time it runs) and never any rows: it always runs with the viewer's
scope and masking, a scheduled one with each recipient's.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedReport(models.Model):
    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    team = models.ForeignKey(
        "crm_site.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared with"),
        help_text=_("Members of this team (and the teams below it) may run the report, each seeing their own scope."),
    )
    record_type = models.CharField(_("record type"), max_length=30)
    definition = models.JSONField(_("definition"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("saved report")
        verbose_name_plural = _("saved reports")
        ordering = ["name", "pk"]
        permissions = [("build_report", _("Can build, save and schedule reports"))]

    def __str__(self):
        return self.name


class ReportSchedule(models.Model):
    """A saved report, or a dashboard, e-mailed each day, week or month to chosen staff (each run as them)."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly (Mondays)")
        MONTHLY = "monthly", _("Monthly (the 1st)")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    class Dashboard(models.TextChoices):
        COMPANY = "company", _("Company dashboard")
        TEAM = "team", _("Team dashboard")

    report = models.ForeignKey(
        SavedReport, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules", verbose_name=_("report")
    )
    dashboard = models.CharField(_("dashboard"), max_length=10, choices=Dashboard.choices, blank=True)
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.XLSX)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("recipients"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(_("active"), default=True)
    last_period = models.CharField(_("last period sent"), max_length=12, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(report__isnull=False) & models.Q(dashboard=""))
                | (models.Q(report__isnull=True) & ~models.Q(dashboard="")),
                name="schedule_report_or_dashboard",
            )
        ]

    def __str__(self):
        return f"{self.report or self.get_dashboard_display()} · {self.get_frequency_display()}"


class ScheduleDelivery(models.Model):
    """One recipient's copy for one period: the unique pair makes a period's mail go out once, whoever runs it."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=12)
    rows = models.PositiveIntegerField(default=0)
    message_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schedule", "recipient", "period"], name="schedule_delivery_once")
        ]

    def __str__(self):
        return f"{self.schedule_id} {self.recipient_id} {self.period}"
