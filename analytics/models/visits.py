"""Visit-frequency rules: "a customer in this segment (or value quadrant) should be contacted at least every N
days". Read against the newest score snapshot by analytics.selectors.visits; edited by admins on the settings
page "Visit rules" (every change audited)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 365


class VisitRule(models.Model):
    """How often a customer of one segment or one value quadrant should be contacted; an inactive rule is none."""

    class Kind(models.TextChoices):
        SEGMENT = "segment", _("Segment")
        QUADRANT = "quadrant", _("Value quadrant")

    kind = models.CharField(_("applies to"), max_length=8, choices=Kind.choices)
    value = models.CharField(_("segment or quadrant"), max_length=12)
    days = models.PositiveIntegerField(
        _("contact at least every (days)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("visit rule")
        verbose_name_plural = _("visit rules")
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="visitrule_one_per_value")]

    def __str__(self):
        return f"{self.kind}:{self.value}"
