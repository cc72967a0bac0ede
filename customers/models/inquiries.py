from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm_site.validators import TEXT_MAX_LENGTH


class Inquiry(models.Model):
    """A web or API inquiry waiting in the unassigned queue until a manager hands it to a rep."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        API = "api", _("API")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        CONTACTED = "contacted", _("Contacted")
        CLOSED = "closed", _("Closed")
        SPAM = "spam", _("Spam")

    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices, default=Channel.WEB)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("email"), blank=True)
    message = models.TextField(_("message"), blank=True, max_length=TEXT_MAX_LENGTH)
    project = models.ForeignKey("sales.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_detail = models.CharField(_("source detail"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="inquiries"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiries"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "received_at"], name="inquiry_queue_idx")]

    def __str__(self):
        return f"{self.name} · {self.received_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("customers:inquiry-detail", args=[self.pk])

    @property
    def response_time(self):
        return self.first_contact_at - self.received_at if self.first_contact_at else None
