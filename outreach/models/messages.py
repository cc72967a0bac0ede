"""Messages (one per recipient and channel, with its delivery status), consent changes, staff notification settings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outreach.models.templates import Channel, Kind


class Message(models.Model):
    """One message to one customer (or one staff member), as rendered when it was queued.

    Email and in-app messages are delivered by the CRM; SMS and WeChat messages are sent by another system,
    which reports them here (by its external id). A send reaches each customer at most once: a unique constraint
    on (send, customer), not a check, so a send started twice cannot write a second row.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")
        UNREACHABLE = "unreachable", _("No address")
        CANCELLED = "cancelled", _("Cancelled")

    REACHED = (Status.SENT, Status.DELIVERED)
    NOT_REACHED = (Status.FAILED, Status.BOUNCED, Status.UNREACHABLE, Status.CANCELLED)

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,  # a merged file's messages stay in their send's report
        null=True,
        blank=True,
        related_name="outreach_messages",
        verbose_name=_("customer"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("staff member"),
    )
    send = models.ForeignKey("outreach.Send", on_delete=models.CASCADE, null=True, blank=True, related_name="messages")
    template_key = models.CharField(_("template"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=7, default="en")
    to_address = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # In-app notifications keep their merge values: the list shows them in the reader's language.
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    status_at = models.DateTimeField(_("status since"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    dedupe_key = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # One file sent with an e-mail (a scheduled report): kept with the message, so a retry sends the same file.
    attachment = models.FileField(_("attachment"), upload_to="outreach/attachments/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=150, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("send_message", _("Can send a message to a customer in scope")),
            ("record_message", _("Can record messages sent elsewhere and delivery statuses")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["send", "customer"], condition=Q(send__isnull=False), name="message_once_per_send"
            ),
            models.UniqueConstraint(fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="message_dedupe_key"),
            models.UniqueConstraint(
                fields=["channel", "external_id"], condition=~Q(external_id=""), name="message_external_id"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="message_customer_idx"),
            models.Index(fields=["user", "read_at", "-created_at"], name="message_user_idx"),
            models.Index(fields=["send", "status", "id"], name="message_send_status_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="message_status_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.subject or self.body[:40]}"

    @property
    def reached(self) -> bool:
        return self.status in self.REACHED


class ConsentChange(models.Model):
    """A customer's marketing consent given or withdrawn: who, when and how."""

    class How(models.TextChoices):
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
        FILE = "file", _("On the customer file")
        API = "api", _("API")
        STAFF = "staff", _("Recorded by staff")

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, related_name="consent_changes"
    )
    granted = models.BooleanField(_("consents"))
    how = models.CharField(_("how"), max_length=12, choices=How.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent change")
        verbose_name_plural = _("consent changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "-at"], name="consent_customer_idx")]

    def __str__(self):
        return f"{self.customer_id}: {'+' if self.granted else '-'} ({self.how})"


class NotificationSetting(models.Model):
    """Whether a staff member also wants their notifications by e-mail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.BooleanField(_("also by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user_id)
