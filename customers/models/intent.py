from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm_site.validators import TEXT_MAX_LENGTH


class PurchaseIntent(models.Model):
    """What a customer wants, as recorded at one moment. A change adds a row; the newest is current."""

    class Orientation(models.TextChoices):
        ANY = "", _("Any")
        SOUTH = "S", _("South")
        SOUTH_NORTH = "SN", _("South–north through")
        EAST = "E", _("East")
        WEST = "W", _("West")
        NORTH = "N", _("North")

    class Priority(models.TextChoices):
        LOCATION = "location", _("Location")
        PRICE = "price", _("Price")
        GREENING = "greening", _("Greening")
        DECORATION = "decoration", _("Decoration")
        SCHOOLS = "schools", _("Schools")
        TRANSPORT = "transport", _("Transport")
        SURROUNDINGS = "surroundings", _("Surroundings")

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="intents")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    area_min = models.PositiveIntegerField(_("area from (m²)"), null=True, blank=True)
    area_max = models.PositiveIntegerField(_("area to (m²)"), null=True, blank=True)
    rooms = models.PositiveSmallIntegerField(_("rooms"), null=True, blank=True)
    orientation = models.CharField(_("orientation"), max_length=2, choices=Orientation.choices, blank=True, default="")
    floor_min = models.SmallIntegerField(_("floor from"), null=True, blank=True)
    floor_max = models.SmallIntegerField(_("floor to"), null=True, blank=True)
    budget_min = models.DecimalField(_("budget from (10k)"), max_digits=10, decimal_places=1, null=True, blank=True)
    budget_max = models.DecimalField(_("budget to (10k)"), max_digits=10, decimal_places=1, null=True, blank=True)
    projects = models.ManyToManyField(
        "sales.Project", verbose_name=_("preferred projects"), blank=True, related_name="+"
    )
    priorities = models.JSONField(_("what matters"), default=list, blank=True)
    questions = models.TextField(_("questions raised"), blank=True, max_length=TEXT_MAX_LENGTH)
    suggestions = models.TextField(_("suggestions"), blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        verbose_name = _("purchase intent")
        verbose_name_plural = _("purchase intents")
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return f"{self.customer} @ {self.recorded_at:%Y-%m-%d}"

    def priority_labels(self) -> list[str]:
        labels = dict(self.Priority.choices)
        return [str(labels.get(value, value)) for value in self.priorities]
