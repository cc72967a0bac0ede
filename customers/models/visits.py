from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm_site.validators import TEXT_MAX_LENGTH


class VisitPlan(models.Model):
    """A visit a rep plans for a day; recording it links the interaction; a manager may assess it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_plans")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="visit_plans")
    planned_for = models.DateField(_("planned for"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    interaction = models.OneToOneField(
        "customers.Interaction", null=True, blank=True, on_delete=models.SET_NULL, related_name="visit_plan"
    )
    score = models.PositiveSmallIntegerField(_("manager's score (1–5)"), null=True, blank=True)
    assessment = models.CharField(_("manager's comment"), max_length=300, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["planned_for", "id"]
        indexes = [models.Index(fields=["staff", "planned_for"], name="visitplan_staff_day_idx")]

    def __str__(self):
        return f"{self.customer} · {self.planned_for}"


class DailyReport(models.Model):
    """A rep's report of one day: the counts come from facts, the comment from the rep."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="daily_reports")
    day = models.DateField(_("day"))
    comment = models.TextField(_("comment"), blank=True, max_length=TEXT_MAX_LENGTH)
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["staff", "day"], name="dailyreport_unique_day")]

    def __str__(self):
        return f"{self.staff} · {self.day}"
