"""Sends (one template to an audience, now or at a set time) and project announcements (a send to buyers)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from outreach.models.templates import Channel, Kind, MessageTemplate


class Send(models.Model):
    """A message to every customer of an audience (outreach.audiences), resolved in the creator's data scope.

    The text comes from `template`, or from the send's own subject and body (an announcement's notice).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Could not start")

    name = models.CharField(_("name"), max_length=120)
    template = models.ForeignKey(
        MessageTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sends",
        verbose_name=_("template"),
    )
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    subject_zh = models.CharField(_("subject (Chinese)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), max_length=10_000, blank=True)
    body_zh = models.TextField(_("text (Chinese)"), max_length=10_000, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MARKETING)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    language = models.CharField(_("language"), max_length=7, choices=settings.LANGUAGES, default="zh-hans")
    audience = models.CharField(_("audience"), max_length=40)
    audience_params = models.JSONField(_("audience settings"), default=dict, blank=True)
    audience_label = models.CharField(_("audience"), max_length=300, blank=True)
    campaign = models.ForeignKey(
        "sales.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outreach_sends",
        verbose_name=_("campaign"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    expanded_at = models.DateTimeField(_("messages written"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    audience_size = models.PositiveIntegerField(_("audience"), default=0)
    excluded_consent = models.PositiveIntegerField(_("without consent"), default=0)
    excluded_address = models.PositiveIntegerField(_("without address"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["audience_size", "excluded_consent", "excluded_address"])

    class Meta:
        verbose_name = _("send")
        verbose_name_plural = _("sends")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="send_status_due_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        if hasattr(self, "announcement"):
            return self.announcement.get_absolute_url()
        return reverse("outreach:send-detail", args=[self.pk])

    @property
    def audience_title(self) -> str:
        """The audience's label in the reader's language, then the values chosen (e.g. the saved filter's name)."""
        from outreach.audiences import AUDIENCES

        audience = AUDIENCES.get(self.audience)
        label = str(audience.label) if audience else self.audience
        return f"{label} · {self.audience_label}" if self.audience_label else label

    def content(self) -> MessageTemplate:
        """The template the messages are rendered from (the send's own text as an unsaved template)."""
        if self.template_id:
            return self.template
        return MessageTemplate(
            key="",
            name=self.name,
            kind=self.kind,
            channel=self.channel,
            subject_en=self.subject_en,
            subject_zh=self.subject_zh,
            body_en=self.body_en,
            body_zh=self.body_zh,
        )


class Announcement(models.Model):
    """A notice to the buyers (and, if chosen, tenants) of a project or building: buyers must be told, not find out."""

    class Category(models.TextChoices):
        DESIGN_CHANGE = "design", _("Design change")
        DELIVERY_DATE = "delivery", _("Delivery date")
        MUNICIPAL = "municipal", _("Municipal change")
        PROGRESS = "progress", _("Construction progress")
        OTHER = "other", _("Other")

    send = models.OneToOneField(Send, on_delete=models.CASCADE, related_name="announcement")
    project = models.ForeignKey(
        "sales.Project", on_delete=models.PROTECT, related_name="announcements", verbose_name=_("project")
    )
    building = models.ForeignKey(
        "sales.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("building"),
    )
    category = models.CharField(_("about"), max_length=10, choices=Category.choices, default=Category.OTHER)
    include_tenants = models.BooleanField(_("tenants too"), default=False)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-send__created_at", "-id"]

    def __str__(self):
        return self.send.name

    def get_absolute_url(self):
        return reverse("outreach:announcement-detail", args=[self.pk])
