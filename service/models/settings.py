"""The service desk's own settings (one row, edited by admins): reopening, near-breach share, callbacks."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceSettings(models.Model):
    reopen_days = models.PositiveSmallIntegerField(
        _("reopen within (days)"), default=7, help_text=_("A resolved ticket may be reopened this many days.")
    )
    near_breach_percent = models.PositiveSmallIntegerField(
        _("near breach at (percent of target used)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    callback_months = models.CharField(
        _("callbacks after a contract (months)"), max_length=40, default="1,3,6", help_text=_("Comma-separated.")
    )
    callback_after_ticket_days = models.PositiveSmallIntegerField(
        _("callback after a resolved ticket (days)"), default=3
    )
    low_score = models.PositiveSmallIntegerField(
        _("low score (opens a follow-up)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("service settings")
        verbose_name_plural = _("service settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "ServiceSettings":
        return cls.objects.first() or cls()

    def callback_month_list(self) -> list[int]:
        months = []
        for part in self.callback_months.split(","):
            part = part.strip()
            if part.isdecimal() and 0 < int(part) <= 120:
                months.append(int(part))
        return sorted(set(months))
