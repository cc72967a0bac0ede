"""Callbacks (回访): scheduled calls after a contract and after a resolved ticket, with score and outcome."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm_site.querysets import ScopedQuerySet
from crm_site.validators import TEXT_MAX_LENGTH


class CallbackQuerySet(ScopedQuerySet):
    scope_owner_field = "assignee"
    scope_project_field = "project"


class Callback(models.Model):
    class Reason(models.TextChoices):
        CONTRACT = "contract", _("After the contract")
        TICKET = "ticket", _("After a resolved ticket")

    class Outcome(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        ISSUE = "issue", _("Raised an issue")
        UNREACHABLE = "unreachable", _("Could not be reached")

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="callbacks", verbose_name=_("customer")
    )
    project = models.ForeignKey(
        "sales.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    deal = models.ForeignKey("sales.Deal", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    ticket = models.ForeignKey(
        "service.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="callbacks"
    )
    months_after = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(_("due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    done_at = models.DateTimeField(_("called"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conversation = models.TextField(_("conversation"), max_length=TEXT_MAX_LENGTH, blank=True)
    score = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    follow_up = models.ForeignKey(
        "service.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up ticket"),
    )

    objects = CallbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "months_after"], condition=models.Q(deal__isnull=False), name="callback_deal_unique"
            ),
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(reason="ticket"), name="callback_ticket_unique"
            ),
        ]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="callback_queue_idx")]

    def __str__(self):
        return f"{self.customer_id} {self.get_reason_display()} {self.due_on}"
