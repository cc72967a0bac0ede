"""The report archive: monthly management PDFs, kept and downloadable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ManagementReport(models.Model):
    """One month's management report for the company (no project) or one project, in one language."""

    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    project = models.ForeignKey(
        "sales.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    language = models.CharField(_("language"), max_length=10)
    pdf = models.FileField(_("PDF"), upload_to="analytics/reports/%Y/%m/")
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("management report")
        verbose_name_plural = _("management reports")
        ordering = ["-month", "project_id", "language"]
        permissions = [("view_management_report", _("Can download monthly management reports"))]
        indexes = [models.Index(fields=["-month"], name="mgmtreport_month_idx")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.project or ''} {self.language}"
