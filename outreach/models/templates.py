"""Message templates: a subject and a body in English and Chinese, with merge fields such as {{ customer_name }}."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

KEY_VALIDATOR = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]*$", _("Lower-case letters, digits, dots, dashes and underscores, e.g. ticket.assigned.")
)
LANGUAGES = ("en", "zh-hans")


class Kind(models.TextChoices):
    """Marketing needs the customer's consent; a service message (a ticket reply, a delivery date) does not."""

    MARKETING = "marketing", pgettext_lazy("message kind", "Marketing")
    SERVICE = "service", pgettext_lazy("message kind", "Service")


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("message channel", "Email")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    IN_APP = "in_app", _("In-app notification")


class MessageTemplate(models.Model):
    """What a message says, in both languages; `key` is how code names it (`message_send(template="welcome")`)."""

    key = models.CharField(_("key"), max_length=60, unique=True, validators=[KEY_VALIDATOR])
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MARKETING)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    subject_zh = models.CharField(_("subject (Chinese)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), max_length=10_000)
    body_zh = models.TextField(_("text (Chinese)"), max_length=10_000, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("outreach:template-edit", args=[self.pk])

    def text(self, language: str) -> tuple[str, str]:
        """(subject, body) in `language`; a language left empty falls back to the other one."""
        if language.startswith("zh") and (self.subject_zh or self.body_zh):
            return self.subject_zh or self.subject_en, self.body_zh or self.body_en
        return self.subject_en or self.subject_zh, self.body_en or self.body_zh
