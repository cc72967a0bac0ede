from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm_site.querysets import ScopedQuerySet


class MemberQuerySet(ScopedQuerySet):
    # A member is seen by whoever may see the customer file (the same owner and project rule).
    scope_owner_field = "customer__owner"
    scope_project_field = "customer__project"


class Member(models.Model):
    """A customer's membership of the club: one per customer, with a member number and a card number."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LEFT = "left", _("Left")

    class Channel(models.TextChoices):
        DESK = "desk", _("At the desk")
        PHONE = "phone", _("By phone")
        API = "api", _("Through the API")
        CONTRACT = "contract", _("Contract signed")

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.PROTECT, related_name="membership", verbose_name=_("customer")
    )
    number = models.CharField(_("member number"), max_length=20, unique=True)
    card_no = models.CharField(_("card number"), max_length=20, unique=True)
    joined_on = models.DateField(_("joined"))
    channel = models.CharField(_("joined through"), max_length=10, choices=Channel.choices, default=Channel.DESK)
    tier = models.ForeignKey("members.Tier", on_delete=models.PROTECT, related_name="members", verbose_name=_("tier"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # With the household-card setting on, a family member's membership points at the card holder's: the card
    # number printed and scanned is the holder's, and the lookup finds the whole household.
    household = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="household_members",
        verbose_name=_("household card of"),
    )
    # The sum of the member's ledger entries, written in the same transaction as each entry under a row lock;
    # the nightly reconciliation compares it with the sum and reports any difference.
    balance = models.IntegerField(_("points balance"), default=0)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["-joined_on", "-id"]
        permissions = [
            ("adjust_points", _("Can adjust members' points by hand")),
            ("view_member_dashboard", _("Can see the member dashboard")),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(balance__gte=0), name="member_balance_not_negative")]
        indexes = [
            models.Index(fields=["tier", "-joined_on"], name="member_tier_joined_idx"),
            models.Index(fields=["status", "-joined_on"], name="member_status_joined_idx"),
            models.Index(fields=["-joined_on", "-id"], name="member_joined_idx"),
        ]

    def __str__(self):
        return f"{self.number} · {self.customer}"

    def get_absolute_url(self):
        return reverse("members:member-detail", args=[self.pk])

    @property
    def card_number(self) -> str:
        """The number on the card the member carries: the household's when they share one."""
        return self.household.card_no if self.household_id else self.card_no
