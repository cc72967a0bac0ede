from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm_site.validators import TEXT_MAX_LENGTH


class Interaction(models.Model):
    """One contact with a customer on any channel, with its outcome and the next step it promises."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        FAX = "fax", _("Fax")
        EMAIL = "email", _("Email")
        MESSAGE = "message", _("SMS / WeChat")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Face-to-face visit")
        SITE_VISIT = "site_visit", _("Site visit")
        WEB = "web", _("Web")

    class Direction(models.TextChoices):
        OUT = "out", _("Outgoing")
        IN = "in", _("Incoming")

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="interactions")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.PHONE)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, default=Direction.OUT)
    occurred_at = models.DateTimeField(_("when"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), on_delete=models.PROTECT, related_name="interactions"
    )
    summary = models.TextField(_("summary"), max_length=TEXT_MAX_LENGTH)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_due = models.DateField(_("next step due"), null=True, blank=True)
    next_done = models.BooleanField(_("next step done"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # On PostgreSQL it also carries the channel (migration 0012): the nightly contact counts read it alone.
            models.Index(fields=["customer", "-occurred_at"], name="interaction_customer_idx"),
            models.Index(
                fields=["staff", "next_due"], condition=models.Q(next_done=False), name="interaction_open_next_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.customer_id} · {self.occurred_at:%Y-%m-%d}"
