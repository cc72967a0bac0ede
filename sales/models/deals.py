"""Deals on units: reservation (认筹) → subscription (认购) → contract (签约), and the sales rules."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm_site.models.labels import CachedChoiceLabels
from crm_site.querysets import ScopedQuerySet
from sales.models.funnel import Opportunity
from sales.models.inventory import MONEY, Project, Unit


class SalesSettings(models.Model):
    """Organisation-wide sales rules (one row)."""

    discount_limit_pct = models.DecimalField(
        _("discount a rep may give without approval (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    reservation_days = models.PositiveIntegerField(
        _("reservation holds the unit for (days)"), default=7, validators=[MinValueValidator(1)]
    )
    partner_protection_days = models.PositiveIntegerField(
        _("partner registration is protected for (days)"), default=30, validators=[MinValueValidator(1)]
    )
    promise_warn_days = models.PositiveIntegerField(_("warn about promises due within (days)"), default=7)

    class Meta:
        verbose_name = _("sales settings")
        verbose_name_plural = _("sales settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "SalesSettings":
        return cls.objects.first() or cls()


class DealQuerySet(ScopedQuerySet):
    scope_owner_field = "owner"
    scope_project_field = "project"

    def live(self):
        return self.filter(state=Deal.State.LIVE)

    def contracts(self):
        return self.filter(stage=Deal.Stage.CONTRACT).exclude(state=Deal.State.CANCELLED)


class Deal(CachedChoiceLabels, models.Model):
    """A unit held for a customer: reserved, then subscribed, then contracted; or cancelled.

    One live deal per unit is a database constraint: two reps reserving the same unit at once, one wins.
    """

    class Stage(models.TextChoices):
        RESERVATION = "reservation", _("Reservation")
        SUBSCRIPTION = "subscription", _("Subscription")
        CONTRACT = "contract", _("Contract")

    class State(models.TextChoices):
        LIVE = "live", _("Live")
        CANCELLED = "cancelled", _("Cancelled")
        DELIVERED = "delivered", _("Delivered")

    class PaymentMethod(models.TextChoices):
        FULL = "full", _("Full payment")
        MORTGAGE = "mortgage", _("Mortgage")
        INSTALLMENTS = "installments", _("Installments")

    class Approval(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed")
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="deals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="deals", verbose_name=_("unit"))
    # Denormalised from opportunity and unit: scope and reports filter on them without joins.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="deals", verbose_name=_("customer")
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="deals", verbose_name=_("project"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deals", verbose_name=_("owner")
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.RESERVATION)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.LIVE)
    # Reservation
    deposit = models.DecimalField(_("deposit"), **MONEY, default=0, validators=[MinValueValidator(0)])
    reserved_at = models.DateTimeField(_("reserved"))
    expires_at = models.DateTimeField(_("reservation expires"), null=True, blank=True)
    # Subscription and contract
    list_price = models.DecimalField(_("list price"), **MONEY)
    price = models.DecimalField(_("price"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    payment_method = models.CharField(_("payment method"), max_length=12, choices=PaymentMethod.choices, blank=True)
    approval = models.CharField(
        _("discount approval"), max_length=10, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    subscribed_on = models.DateField(_("subscription signed"), null=True, blank=True)
    contract_no = models.CharField(_("contract number"), max_length=40, blank=True)
    signed_on = models.DateField(_("contract signed"), null=True, blank=True)
    delivered_on = models.DateField(_("handed over"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = DealQuerySet.as_manager()

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-reserved_at", "-id"]
        permissions = [("approve_discount", _("Can approve discounts above the limit"))]
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=models.Q(state="live"), name="deal_one_live_per_unit"),
            models.UniqueConstraint(
                fields=["contract_no"], condition=~models.Q(contract_no=""), name="deal_unique_contract_no"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "stage", "signed_on"], name="deal_project_signed_idx"),
            models.Index(fields=["owner", "stage", "signed_on"], name="deal_owner_signed_idx"),
            models.Index(fields=["signed_on"], name="deal_signed_idx"),
            # The few cancelled deals, whose payment lines are no longer owed (sales.selectors.money._live_lines): the
            # payments list and the reports hash them from this instead of reading all 91,000 deals (10 ms a view).
            models.Index(fields=["id"], name="deal_cancelled_idx", condition=models.Q(state="cancelled")),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} · {self.unit_id} · {self.customer_id}"

    def get_absolute_url(self):
        return reverse("sales:deal-detail", args=[self.pk])

    @property
    def discount(self) -> Decimal:
        return self.list_price - self.price if self.price is not None else Decimal("0")

    @property
    def discount_pct(self) -> Decimal:
        if self.price is None or not self.list_price:
            return Decimal("0")
        return (self.discount * 100 / self.list_price).quantize(Decimal("0.01"))

    @property
    def margin(self) -> Decimal | None:
        """Contract price minus the unit's cost basis (profit), when both are known."""
        if self.price is None or self.unit.cost_basis is None:
            return None
        return self.price - self.unit.cost_basis
