from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Tier(models.Model):
    """A member tier. A member is owed the highest tier whose threshold they meet by either route:
    qualifying points earned over the last 12 months, or contracted units owned. A tier with neither
    threshold is the entry tier."""

    name = models.CharField(_("name (English)"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    rank = models.PositiveSmallIntegerField(_("order"), unique=True, help_text=_("Higher is better."))
    benefits = models.TextField(_("benefits (English)"), blank=True, max_length=2000)
    benefits_zh = models.TextField(_("benefits (Chinese)"), blank=True, max_length=2000)
    points_threshold = models.PositiveIntegerField(_("qualifying points in 12 months"), null=True, blank=True)
    units_threshold = models.PositiveSmallIntegerField(_("owns at least (contracted units)"), null=True, blank=True)
    # Pre-filled on a member's new purchase; above the rep's limit it waits for approval like any discount.
    discount_pct = models.DecimalField(
        _("member discount on a new purchase (%)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("30"))],
    )

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["rank"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        language = get_language() or ""
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name

    @property
    def benefits_text(self) -> str:
        language = get_language() or ""
        return self.benefits_zh if language.startswith("zh") and self.benefits_zh else self.benefits

    def met_by(self, *, points: int, units: int) -> bool:
        if self.points_threshold is None and self.units_threshold is None:
            return True
        by_points = self.points_threshold is not None and points >= self.points_threshold
        by_units = self.units_threshold is not None and units >= self.units_threshold
        return by_points or by_units


class TierChange(models.Model):
    """A dated row for every tier a member was put in, with the reason."""

    class Reason(models.TextChoices):
        JOINED = "joined", _("Joined")
        PROMOTED = "promoted", _("Promoted")
        REVIEW = "review", _("Yearly review")
        MANUAL = "manual", _("Set by staff")

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    qualifying_points = models.IntegerField(_("qualifying points"), default=0)
    units = models.PositiveSmallIntegerField(_("contracted units"), default=0)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.member_id}: {self.from_tier_id} → {self.to_tier_id}"
