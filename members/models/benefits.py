from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Benefit(models.Model):
    """A benefit or value-added service in the catalogue: a points price and/or a tier, stock and validity."""

    class Kind(models.TextChoices):
        MOVING = "moving", _("Moving help")
        DESIGN = "design", _("Decoration design")
        MERCHANT = "merchant", _("Partner-merchant discount")
        FEE_VOUCHER = "fee_voucher", _("Property-fee voucher")
        LAUNCH = "launch", _("Priority notice of new launches")
        OTHER = "other", _("Other")

    name = models.CharField(_("name (English)"), max_length=80)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    description = models.CharField(_("description"), max_length=300, blank=True)
    points_price = models.PositiveIntegerField(_("points price"), default=0)
    min_tier = models.ForeignKey(
        "members.Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from tier")
    )
    # Empty: unlimited. Taken down in the same transaction as the points, under the row lock.
    stock = models.PositiveIntegerField(_("in stock"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        ordering = ["points_price", "name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        language = get_language() or ""
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name


class Redemption(models.Model):
    """A member took a benefit: the points and the stock went in one transaction; then it is fulfilled."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("To fulfil")
        ARRANGED = "arranged", _("Being arranged")
        FULFILLED = "fulfilled", _("Fulfilled")
        CANCELLED = "cancelled", _("Cancelled")

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="redemptions")
    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField(_("points"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    created_at = models.DateTimeField(_("redeemed"), auto_now_add=True)
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A referral rewarded with a gift: the benefit granted free, at most once per referral (the unique column).
    referral = models.OneToOneField(
        "members.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gift",
        verbose_name=_("referral gift for"),
    )

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="redemption_status_idx")]

    def __str__(self):
        return f"{self.member_id} · {self.benefit_id}"

    def get_absolute_url(self):
        return reverse("members:member-detail", args=[self.member_id])

    @property
    def is_open(self) -> bool:
        """Not yet fulfilled nor cancelled: its status may still move, and it may be cancelled."""
        return self.status in (self.Status.REQUESTED, self.Status.ARRANGED)
