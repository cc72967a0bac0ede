"""What service keeps about a unit: warranty periods per component (from the handover date) and renovations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm_site.validators import TEXT_MAX_LENGTH


class WarrantyPeriod(models.Model):
    """How long a component is under warranty after handover (defaults from common practice; admins edit)."""

    component = models.CharField(_("component"), max_length=20, unique=True)
    label_en = models.CharField(_("name (English)"), max_length=60)
    label_zh = models.CharField(_("name (Chinese)"), max_length=60, blank=True)
    months = models.PositiveIntegerField(
        _("months"), null=True, blank=True, help_text=_("Empty: the structure's design life (no end).")
    )

    class Meta:
        verbose_name = _("warranty period")
        verbose_name_plural = _("warranty periods")
        ordering = ["component"]

    def __str__(self):
        return self.label_en


class Renovation(models.Model):
    """A renovation or alteration of a unit: what, when and why (service staff see it before a repair)."""

    unit = models.ForeignKey("sales.Unit", on_delete=models.CASCADE, related_name="renovations", verbose_name=_("unit"))
    what = models.CharField(_("what"), max_length=200)
    done_on = models.DateField(_("when"))
    why = models.TextField(_("why"), max_length=TEXT_MAX_LENGTH, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("renovation")
        verbose_name_plural = _("renovations")
        ordering = ["-done_on", "-id"]

    def __str__(self):
        return self.what
