"""Inventory: projects (developments) → buildings → units, and the history of their list prices."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}
AREA = {"max_digits": 9, "decimal_places": 2}


class Project(models.Model):
    """A development being sold; staff are assigned to projects, customers come to them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    developer = models.CharField(_("developer"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sales:project-detail", args=[self.pk])


class Building(models.Model):
    """A building (楼栋) of a project; its units form the sales-control grid."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("project"))
    name = models.CharField(_("name"), max_length=50)
    floors = models.PositiveSmallIntegerField(_("floors above ground"), default=1, validators=[MinValueValidator(1)])
    sale_permit = models.CharField(_("pre-sale permit"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["project", "name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="building_unique_name")]

    def __str__(self):
        return f"{self.project} · {self.name}"

    def get_absolute_url(self):
        return reverse("sales:building-grid", args=[self.pk])


class UnitQuerySet(models.QuerySet):
    def for_sale(self):
        return self.exclude(status=Unit.Status.NOT_FOR_SALE)


class Unit(models.Model):
    """A flat, shop or office: one cell of the sales-control grid."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        HELD = "held", _("Held")
        RESERVED = "reserved", _("Reserved")
        SUBSCRIBED = "subscribed", _("Subscribed")
        CONTRACTED = "contracted", _("Contracted")
        DELIVERED = "delivered", _("Delivered")
        LEASED = "leased", _("Leased")
        NOT_FOR_SALE = "not_for_sale", _("Not for sale")

    class Orientation(models.TextChoices):
        SOUTH = "S", _("South")
        NORTH = "N", _("North")
        EAST = "E", _("East")
        WEST = "W", _("West")
        SOUTH_NORTH = "SN", _("South-north")
        EAST_WEST = "EW", _("East-west")
        SOUTHEAST = "SE", _("Southeast")
        SOUTHWEST = "SW", _("Southwest")

    class Use(models.TextChoices):
        HOME = "home", pgettext_lazy("unit use", "Home")
        SHOP = "shop", _("Shop")
        OFFICE = "office", _("Office")
        PARKING = "parking", _("Parking space")

    # A live deal on the unit sets these statuses; the rest are set by hand.
    DEAL_STATUSES = (Status.RESERVED, Status.SUBSCRIBED, Status.CONTRACTED, Status.DELIVERED)

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building"))
    # Denormalised from the building: filters and reports by project must not join buildings on 200,000 units.
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="units", verbose_name=_("project"))
    floor = models.SmallIntegerField(_("floor"))
    number = models.CharField(_("unit number"), max_length=20)
    use = models.CharField(_("use"), max_length=10, choices=Use.choices, default=Use.HOME)
    rooms = models.PositiveSmallIntegerField(_("rooms"), default=0)
    halls = models.PositiveSmallIntegerField(_("halls"), default=0)
    baths = models.PositiveSmallIntegerField(_("baths"), default=0)
    building_area = models.DecimalField(_("building area (m²)"), **AREA, validators=[MinValueValidator(Decimal("1"))])
    usable_area = models.DecimalField(_("usable area (m²)"), **AREA, null=True, blank=True)
    orientation = models.CharField(_("orientation"), max_length=2, choices=Orientation.choices, blank=True)
    list_price = models.DecimalField(_("list price"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    cost_basis = models.DecimalField(_("cost basis"), **MONEY, null=True, blank=True)
    for_lease = models.BooleanField(_("for lease"), default=False)
    monthly_rent = models.DecimalField(_("asking rent per month"), **MONEY, null=True, blank=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.AVAILABLE)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("held by"),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "-floor", "number"]
        permissions = [
            ("import_unit", _("Can import units")),
            ("change_price", _("Can change list prices")),
        ]
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="unit_unique_number")]
        indexes = [
            models.Index(fields=["project", "status"], name="unit_project_status_idx"),
            # Recommendations read available units by rooms and price band (analytics.selectors.recommendations).
            models.Index(fields=["status", "rooms", "list_price"], name="unit_status_rooms_price_idx"),
        ]

    def __str__(self):
        return f"{self.building.name}-{self.number}"

    def get_absolute_url(self):
        return reverse("sales:unit-detail", args=[self.pk])

    @property
    def price_per_m2(self) -> Decimal:
        return (self.list_price / self.building_area).quantize(Decimal("0.01"))

    @property
    def layout(self) -> str:
        return f"{self.rooms}-{self.halls}-{self.baths}"


class PriceAdjustment(models.Model):
    """One bulk change of list prices (by building, floor range, layout), with its reason."""

    class Mode(models.TextChoices):
        PERCENT = "percent", _("By percent")
        PER_M2 = "per_m2", _("By amount per m²")
        SET_PER_M2 = "set_per_m2", _("Set price per m²")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="price_adjustments")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    floor_from = models.SmallIntegerField(_("from floor"), null=True, blank=True)
    floor_to = models.SmallIntegerField(_("to floor"), null=True, blank=True)
    rooms = models.PositiveSmallIntegerField(_("rooms"), null=True, blank=True)
    mode = models.CharField(_("change"), max_length=12, choices=Mode.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    units_changed = models.PositiveIntegerField(_("units changed"), default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("price adjustment")
        verbose_name_plural = _("price adjustments")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.project} · {self.get_mode_display()} {self.value} · {self.reason}"


class UnitPriceChange(models.Model):
    """A unit's list price before and after one adjustment: the price list's history."""

    adjustment = models.ForeignKey(PriceAdjustment, on_delete=models.CASCADE, related_name="changes")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="price_changes")
    old_price = models.DecimalField(_("old price"), **MONEY)
    new_price = models.DecimalField(_("new price"), **MONEY)

    class Meta:
        verbose_name = _("unit price change")
        verbose_name_plural = _("unit price changes")
        ordering = ["-adjustment__at"]

    def __str__(self):
        return f"{self.unit_id}: {self.old_price} → {self.new_price}"
