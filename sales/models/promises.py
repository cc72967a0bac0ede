"""The promises register (承诺): what a rep promised a buyer, by when, and whether it was kept."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm_site.querysets import ScopedQuerySet
from crm_site.validators import TEXT_MAX_LENGTH
from sales.models.deals import Deal
from sales.models.inventory import Project


class PromiseQuerySet(ScopedQuerySet):
    # Scoped by who is responsible now (it follows the customer's owner), not by who made the promise.
    scope_owner_field = "owner"
    scope_project_field = "project"

    def open(self):
        return self.filter(status=Promise.Status.OPEN)


class Promise(models.Model):
    """A promise made to a buyer: the main source of later disputes, so it is recorded and followed."""

    class Topic(models.TextChoices):
        PARKING = "parking", _("Parking space")
        DECORATION = "decoration", _("Decoration standard")
        SCHOOL = "school", _("School place")
        DELIVERY = "delivery", _("Delivery date")
        PRICE = "price", _("Price or discount")
        CERTIFICATE = "certificate", _("Property certificate")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept")
        BROKEN = "broken", _("Broken")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="promises", verbose_name=_("customer")
    )
    deal = models.ForeignKey(
        Deal, on_delete=models.SET_NULL, null=True, blank=True, related_name="promises", verbose_name=_("contract")
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="promises", verbose_name=_("project"))
    # The fact: who made the promise. It never changes.
    promised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="promises", verbose_name=_("promised by")
    )
    # Who must see it kept: the promiser at first, then whoever owns the customer while the promise is open
    # (an owner change moves open promises: sales.services.ownership).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible")
    )
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices, default=Topic.OTHER)
    content = models.TextField(_("what was promised"), max_length=TEXT_MAX_LENGTH)
    due_on = models.DateField(_("due by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text=_("Where it is written down: clause, message, witness."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_note = models.CharField(_("closing note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords()

    objects = PromiseQuerySet.as_manager()

    class Meta:
        verbose_name = _("promise")
        verbose_name_plural = _("promises")
        ordering = ["due_on", "-id"]
        indexes = [
            models.Index(fields=["project", "status", "due_on"], name="promise_project_status_idx"),
            models.Index(fields=["promised_by", "status", "due_on"], name="promise_owner_status_idx"),
            models.Index(fields=["owner", "status", "due_on"], name="promise_responsible_idx"),
        ]

    def __str__(self):
        return f"{self.get_topic_display()}: {self.content[:40]}"

    def save(self, *args, **kwargs):
        if self.owner_id is None:
            self.owner_id = self.promised_by_id  # the promiser is responsible until the customer moves
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sales:promise-detail", args=[self.pk])
