from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULTS = {  # level: (visit every N days, protection days, warn days before lapse)
    "A": (7, 30, 5),
    "B": (14, 45, 7),
    "C": (30, 60, 7),
    "D": (60, 90, 10),
}


class LevelPolicy(models.Model):
    """Per customer level: how often to visit, and how long an owner keeps a file without follow-up."""

    level = models.CharField(_("interest level"), max_length=1, unique=True)
    visit_every_days = models.PositiveIntegerField(_("visit every (days)"), validators=[MinValueValidator(1)])
    protection_days = models.PositiveIntegerField(
        _("protection period (days)"),
        validators=[MinValueValidator(1)],
        help_text=_("Without a logged follow-up for this long, the file goes to the team's public pool."),
    )
    warn_days = models.PositiveIntegerField(_("warn the owner (days before)"), default=7)

    class Meta:
        verbose_name = _("level policy")
        verbose_name_plural = _("level policies")
        ordering = ["level"]

    def __str__(self):
        return self.level

    @classmethod
    def for_all_levels(cls) -> dict[str, "LevelPolicy"]:
        policies = {policy.level: policy for policy in cls.objects.all()}
        for level, (visit, protection, warn) in DEFAULTS.items():
            policies.setdefault(
                level, cls(level=level, visit_every_days=visit, protection_days=protection, warn_days=warn)
            )
        return policies


class CustomerSettings(models.Model):
    """Organisation-wide customer rules (one row)."""

    hold_limit = models.PositiveIntegerField(
        _("customers a rep may hold"), default=500, help_text=_("Claiming from the pool stops at this number.")
    )
    inquiry_alert_hours = models.PositiveIntegerField(
        _("flag unanswered inquiries after (hours)"), default=2, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("customer settings")
        verbose_name_plural = _("customer settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "CustomerSettings":
        return cls.objects.first() or cls()
