from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One create / update / delete of a business record: who, when, before and after."""

    class Action(models.TextChoices):
        CREATE = "+", _("Created")
        UPDATE = "~", _("Updated")
        DELETE = "-", _("Deleted")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=1, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    # {"field": [before, after]}; for a create only the after values, for a delete the before.
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id", "-at"], name="audit_record_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.model} {self.object_repr}"


class AccessLog(models.Model):
    """One unmasked view (or export) of sensitive fields of a record."""

    class Purpose(models.TextChoices):
        VIEW = "view", _("Viewed")
        LIST = "list", _("Listed")
        EXPORT = "export", _("Exported")
        API = "api", _("API")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=64)
    fields = models.CharField(_("fields"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.VIEW)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"], name="access_record_idx")]

    def __str__(self):
        return f"{self.user} {self.purpose} {self.model}#{self.object_id}"
