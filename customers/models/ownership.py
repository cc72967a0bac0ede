from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CustomerConflict(models.Model):
    """A second rep's claim on a customer someone already owns (撞单); a manager decides it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept by owner")
        SHARED = "shared", _("Shared")
        REASSIGNED = "reassigned", _("Reassigned")

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="conflicts")
    claimant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims")
    owner_at_claim = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ownership conflict")
        verbose_name_plural = _("ownership conflicts")
        ordering = ["-claimed_at"]
        indexes = [models.Index(fields=["status", "-claimed_at"], name="conflict_status_idx")]

    def __str__(self):
        return f"{self.customer} ← {self.claimant}"

    def get_absolute_url(self):
        return reverse("customers:conflict-detail", args=[self.pk])


class CustomerShare(models.Model):
    """A co-owner of a customer file (after a conflict is settled by sharing, or by a manager)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shared_customers")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("co-owner")
        verbose_name_plural = _("co-owners")
        constraints = [models.UniqueConstraint(fields=["customer", "user"], name="share_unique_user")]

    def __str__(self):
        return f"{self.customer} ↔ {self.user}"


class Handover(models.Model):
    """One hand-over of customers from a rep to a colleague, done by a manager in one step."""

    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_out")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_in")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300)
    customer_count = models.PositiveIntegerField(default=0)
    followup_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.from_user} → {self.to_user} ({self.customer_count})"
