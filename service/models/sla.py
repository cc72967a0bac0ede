"""SLA policies (priority × category, targets in business minutes) and escalations of breached tickets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tickets import Category, Ticket


def _unique(name: str, fields: list[str], **condition) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=fields,
        condition=models.Q(**condition),
        name=name,
        violation_error_message=_("There is a policy for this priority, category and customer class already."),
    )


class SlaPolicy(models.Model):
    """Targets for a priority, optionally for one category (and its sub-categories) and one customer class (key
    accounts, or members from a tier up): the most specific policy wins (service.selectors.sla.policy_for).
    """

    priority = models.CharField(_("priority"), max_length=8, choices=Ticket.Priority.choices)
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("category"),
        help_text=_("Empty: every category without its own policy."),
    )
    key_account = models.BooleanField(
        _("key accounts only"), default=False, help_text=_("Ticked: applies only to the customers marked key account.")
    )
    member_tier = models.ForeignKey(
        "members.Tier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("members from tier"),
        help_text=_("Set: applies only to active members of this tier or a higher one."),
    )
    first_response_minutes = models.PositiveIntegerField(_("first response within (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution within (business minutes)"))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["priority", "category", "key_account", "member_tier"]
        # One policy per priority × category × customer class (NULLs are distinct in a plain unique constraint).
        constraints = [
            _unique("sla_policy_unique", ["priority", "category"], key_account=False, member_tier__isnull=True),
            _unique(
                "sla_policy_default_unique",
                ["priority"],
                category__isnull=True,
                key_account=False,
                member_tier__isnull=True,
            ),
            _unique("sla_policy_key_unique", ["priority", "category"], key_account=True, member_tier__isnull=True),
            _unique(
                "sla_policy_key_default_unique",
                ["priority"],
                category__isnull=True,
                key_account=True,
                member_tier__isnull=True,
            ),
            _unique("sla_policy_tier_unique", ["priority", "category", "member_tier"], member_tier__isnull=False),
            _unique(
                "sla_policy_tier_default_unique",
                ["priority", "member_tier"],
                category__isnull=True,
                member_tier__isnull=False,
            ),
            models.CheckConstraint(
                condition=models.Q(key_account=False) | models.Q(member_tier__isnull=True),
                name="sla_policy_one_class",
                violation_error_message=_("A policy is for key accounts or for a member tier, not both."),
            ),
        ]

    def __str__(self):
        return f"{self.get_priority_display()} · {self.category or _('any category')} · {self.customer_class}"

    @property
    def customer_class(self) -> str:
        if self.member_tier_id:
            return _("members from %(tier)s") % {"tier": self.member_tier}
        if self.key_account:
            return str(_("key accounts"))
        return str(_("every customer"))


class Escalation(models.Model):
    """A breached ticket handed up to the service manager; one per ticket (the job runs every few minutes)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="escalation")
    at = models.DateTimeField(_("escalated"))
    due_at = models.DateTimeField(_("was due"))
    to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.ticket_id} {self.at:%Y-%m-%d %H:%M}"
