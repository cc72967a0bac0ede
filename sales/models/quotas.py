"""Monthly sales targets per rep, team and project: the assessed target and the ideal (stretch) one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sales.models.inventory import MONEY, Project


class SalesTarget(models.Model):
    """What a rep, a team or a project should sign in a month; attainment is computed from contracts."""

    class Level(models.TextChoices):
        REP = "rep", _("Rep")
        TEAM = "team", _("Team")
        PROJECT = "project", _("Project")

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    level = models.CharField(_("for"), max_length=8, choices=Level.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sales_targets",
        verbose_name=_("rep"),
    )
    team = models.ForeignKey(
        "crm_site.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    amount = models.DecimalField(_("assessed target (amount)"), **MONEY, default=0)
    units = models.PositiveIntegerField(_("assessed target (units)"), default=0)
    stretch_amount = models.DecimalField(_("ideal target (amount)"), **MONEY, default=0)
    stretch_units = models.PositiveIntegerField(_("ideal target (units)"), default=0)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["-month", "level"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level="rep", staff__isnull=False, team__isnull=True, project__isnull=True)
                    | Q(level="team", staff__isnull=True, team__isnull=False, project__isnull=True)
                    | Q(level="project", staff__isnull=True, team__isnull=True, project__isnull=False)
                ),
                name="salestarget_one_subject",
            ),
            models.UniqueConstraint(fields=["month", "staff"], condition=Q(level="rep"), name="salestarget_rep"),
            models.UniqueConstraint(fields=["month", "team"], condition=Q(level="team"), name="salestarget_team"),
            models.UniqueConstraint(
                fields=["month", "project"], condition=Q(level="project"), name="salestarget_project"
            ),
        ]

    def __str__(self):
        subject = self.staff or self.team or self.project
        return f"{self.month:%Y-%m} · {subject}"
