"""SLA policies (priority × category, targets in business minutes) and escalations of breached tickets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tickets import Category, Ticket


class SlaPolicy(models.Model):
    """Targets for a priority, optionally for one category (and its sub-categories): the most specific wins."""

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
    first_response_minutes = models.PositiveIntegerField(_("first response within (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution within (business minutes)"))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["priority", "category"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "category"], name="sla_policy_unique"),
            models.UniqueConstraint(
                fields=["priority"], condition=models.Q(category__isnull=True), name="sla_policy_default_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_priority_display()} · {self.category or _('any category')}"


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
