"""Money: payment schedules (contracts and leases share them), received payments and refunds."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm_site.querysets import ScopedQuerySet
from sales.models.deals import Deal
from sales.models.inventory import MONEY, Project


class InstallmentQuerySet(ScopedQuerySet):
    scope_owner_field = "owner"
    scope_project_field = "project"

    def outstanding(self):
        return self.filter(received__lt=models.F("amount"))


class Installment(models.Model):
    """One line of a payment schedule: what is due, when, and how much of it has come in."""

    class Kind(models.TextChoices):
        DOWN_PAYMENT = "down_payment", _("Down payment")
        INSTALLMENT = "installment", _("Installment")
        MORTGAGE = "mortgage", _("Mortgage disbursement")
        FULL = "full", _("Full payment")
        RENT = "rent", _("Rent")
        DEPOSIT = "deposit", _("Lease deposit")

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, null=True, blank=True, related_name="installments")
    lease = models.ForeignKey(
        "sales.Lease", on_delete=models.CASCADE, null=True, blank=True, related_name="installments"
    )
    # Denormalised from the deal or lease: the overdue list and the collection report are scoped without joins.
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    sequence = models.PositiveSmallIntegerField(_("no."), default=1)
    due_on = models.DateField(_("due"))
    amount = models.DecimalField(_("amount due"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    # Sum of the payments (refunds subtract): kept by the payment service in the same transaction.
    received = models.DecimalField(_("received"), **MONEY, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = InstallmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["due_on", "sequence", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deal__isnull=False, lease__isnull=True) | Q(deal__isnull=True, lease__isnull=False),
                name="installment_deal_or_lease",
            ),
        ]
        indexes = [
            models.Index(fields=["due_on"], name="installment_due_idx", condition=Q(received__lt=models.F("amount"))),
            models.Index(fields=["project", "due_on"], name="installment_project_due_idx"),
            # The collection report reads a month of due dates across all projects.
            models.Index(fields=["due_on", "project", "owner"], name="installment_due_all_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.sequence} · {self.due_on} · {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.received, Decimal("0"))


class PaymentQuerySet(ScopedQuerySet):
    scope_owner_field = "owner"
    scope_project_field = "project"


class Payment(models.Model):
    """Money received against an installment (回款), or refunded (a negative amount)."""

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CARD = "card", _("Card")
        CASH = "cash", _("Cash")
        MORTGAGE = "mortgage", _("Mortgage bank")
        OTHER = "other", _("Other")

    installment = models.ForeignKey(Installment, on_delete=models.PROTECT, related_name="payments")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)
    is_refund = models.BooleanField(_("refund"), default=False)
    received_on = models.DateField(_("received on"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.TRANSFER)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["project", "received_on"], name="payment_project_day_idx"),
            models.Index(fields=["received_on", "project", "owner"], name="payment_day_all_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_refund=False, amount__gt=0) | Q(is_refund=True, amount__lt=0),
                name="payment_sign_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.amount} · {self.received_on}"
