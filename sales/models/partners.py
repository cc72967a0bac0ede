"""Channel partners: agencies and brokers register (报备) customers and earn commission on protected deals."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sales.models.deals import Deal
from sales.models.inventory import MONEY, Project


class Partner(models.Model):
    """An agency or broker; its users log in to the partner pages and see only its own rows."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Agency")
        BROKER = "broker", _("Independent broker")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.AGENCY)
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="partners", verbose_name=_("users")
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("channel partner")
        verbose_name_plural = _("channel partners")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sales:partner-detail", args=[self.pk])


class PartnerRegistration(models.Model):
    """A partner's claim on a customer (报备), protected for a while against other partners and reps."""

    class Status(models.TextChoices):
        PROTECTED = "protected", _("Protected")
        EXPIRED = "expired", _("Expired")
        REJECTED = "rejected", _("Rejected")
        CONVERTED = "converted", _("Deal signed")

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="registrations")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project"))
    customer_name = models.CharField(_("customer name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("Stored normalised."))
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="partner_registrations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROTECTED)
    reject_reason = models.CharField(_("why rejected"), max_length=200, blank=True)
    registered_at = models.DateTimeField(_("registered"))
    protected_until = models.DateTimeField(_("protected until"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("partner registration")
        verbose_name_plural = _("partner registrations")
        ordering = ["-registered_at"]
        permissions = [("register_customer", _("Can register customers as a channel partner"))]
        constraints = [
            # Two partners registering one number at the same moment: one is protected, the other is refused.
            models.UniqueConstraint(fields=["phone"], condition=Q(status="protected"), name="registration_one_live"),
        ]
        indexes = [models.Index(fields=["partner", "-registered_at"], name="registration_partner_idx")]

    def __str__(self):
        return f"{self.partner} · {self.customer_name}"


class CommissionRule(models.Model):
    """How much a partner earns on a deal: a rate of the contract price plus a fixed amount.

    The most specific active rule wins: partner and project, then partner, then project, then the default."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, null=True, blank=True, related_name="rules")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    rate_pct = models.DecimalField(
        _("rate (percent of contract price)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    fixed_amount = models.DecimalField(_("fixed amount per deal"), **MONEY, default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("commission rule")
        verbose_name_plural = _("commission rules")

    def __str__(self):
        return f"{self.partner or '*'} · {self.project or '*'} · {self.rate_pct}%"


class Commission(models.Model):
    """What a partner earned on one contract."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="commissions")
    registration = models.ForeignKey(PartnerRegistration, on_delete=models.PROTECT, related_name="commissions")
    deal = models.OneToOneField(Deal, on_delete=models.PROTECT, related_name="commission")
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("earned"), auto_now_add=True)

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.partner} · {self.amount}"
