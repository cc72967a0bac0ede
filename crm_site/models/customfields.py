from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import localized

# Record kinds that carry custom fields, filled by the apps that own them (register_entity in their
# panels or AppConfig.ready): the foundation names no domain app.
_ENTITIES: dict[str, tuple] = {}


def register_entity(key: str, label, order: int = 100) -> None:
    """Let admins define custom fields on the record kind `key` (its model has a `custom` JSONField)."""
    _ENTITIES[key] = (order, label)


def entity_choices() -> list[tuple[str, str]]:
    """(key, label) of the registered record kinds, in their order."""
    return [(key, label) for key, (_order, label) in sorted(_ENTITIES.items(), key=lambda item: item[1][0])]


class CustomField(models.Model):
    """An admin-defined extra field of a record kind; values live in the record's `custom` JSON."""

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice")
        MULTI_CHOICE = "multi", _("Multiple choice")
        BOOLEAN = "bool", _("Yes / no")

    entity = models.CharField(_("record kind"), max_length=30, choices=entity_choices, default="customer")
    key = models.SlugField(
        _("key"), max_length=40, help_text=_("Letters, digits and underscores; used in imports, exports and the API.")
    )
    label_en = models.CharField(_("label (English)"), max_length=100)
    label_zh = models.CharField(_("label (Chinese)"), max_length=100, blank=True)
    field_type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.TEXT)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_("One per line: value|English label|Chinese label. Only for choice types."),
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["entity", "order", "key"]
        constraints = [models.UniqueConstraint(fields=["entity", "key"], name="customfield_unique_key")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return localized(self.label_en, self.label_zh)

    @property
    def is_choice(self) -> bool:
        return self.field_type in (self.Type.CHOICE, self.Type.MULTI_CHOICE)

    def choice_list(self) -> list[tuple[str, str]]:
        """(value, label in the active language) pairs parsed from `choices`."""
        pairs = []
        for line in self.choices.splitlines():
            parts = [part.strip() for part in line.split("|")]
            if not parts[0]:
                continue
            english = parts[1] if len(parts) > 1 and parts[1] else parts[0]
            chinese = parts[2] if len(parts) > 2 else ""
            pairs.append((parts[0], localized(english, chinese)))
        return pairs

    def clean(self):
        if self.key and not self.key.replace("_", "").isalnum():
            raise ValidationError({"key": _("Use only letters, digits and underscores.")})
        values = [value for value, _label in self.choice_list()]
        if self.is_choice and not values:
            raise ValidationError({"choices": _("A choice field needs at least one choice.")})
        if len(values) != len(set(values)):
            raise ValidationError({"choices": _("Each choice value may appear only once.")})
