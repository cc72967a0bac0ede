from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm_site.querysets import ScopedQuerySet


class ReferralQuerySet(ScopedQuerySet):
    scope_owner_field = "referred__owner"
    scope_project_field = "referred__project"


class Referral(models.Model):
    """老带新: a customer (usually a member) brought in a new person, registered by phone.

    The reward is decided once, when the referred customer's first contract is signed: points to the
    referrer, or nothing because a partner's protected registration brought the same deal (the decision and
    its reason are recorded). One referral per referred customer is a database constraint.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Following up")
        REWARDED = "rewarded", _("Rewarded")
        PARTNER = "partner", _("Partner commission instead")
        REVERSED = "reversed", _("Reward reversed")

    referrer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="referrals_made", verbose_name=_("referrer")
    )
    referred = models.OneToOneField(
        "customers.Customer", on_delete=models.PROTECT, related_name="referral", verbose_name=_("referred customer")
    )
    project = models.ForeignKey(
        "sales.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    deal = models.OneToOneField(
        "sales.Deal", on_delete=models.PROTECT, null=True, blank=True, related_name="referral", verbose_name=_("deal")
    )
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    points = models.IntegerField(_("points granted"), default=0)
    created_at = models.DateTimeField(_("referred"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(referrer=models.F("referred")), name="referral_not_self"),
        ]
        indexes = [models.Index(fields=["referrer", "-created_at"], name="referral_referrer_idx")]

    def __str__(self):
        return f"{self.referrer_id} → {self.referred_id}"
