"""Message templates: saved by admins and marketing, checked in the sandbox before they are kept."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from outreach import merge
from outreach.models import MessageTemplate

TEXT_FIELDS = ("subject_en", "subject_zh", "body_en", "body_zh")
FIELDS = ("key", "name", "kind", "channel", *TEXT_FIELDS, "active")


@transaction.atomic
def template_save(*, by, template: MessageTemplate | None = None, **fields) -> MessageTemplate:
    """Create or change a template; every subject and text must compile in the sandbox (outreach.merge)."""
    errors = {}
    for name in TEXT_FIELDS:
        if error := merge.check(fields.get(name) or ""):
            errors[name] = _("This text cannot be used: %(error)s") % {"error": error}
    if not (fields.get("subject_en") or fields.get("subject_zh")):
        errors["subject_en"] = _("Write a subject in at least one language.")
    if not (fields.get("body_en") or fields.get("body_zh")):
        errors["body_en"] = _("Write a text in at least one language.")
    key = fields.get("key", template.key if template else "")
    if MessageTemplate.objects.filter(key=key).exclude(pk=template.pk if template else None).exists():
        errors["key"] = _("Another template has this key.")
    if errors:
        raise ValidationError(errors)
    template = template or MessageTemplate()
    for name in FIELDS:
        if name in fields:
            setattr(template, name, fields[name])
    template.updated_by = by
    template._history_user = by
    template.full_clean(exclude=["updated_by"])
    template.save()
    return template
