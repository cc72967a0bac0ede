"""Field rules shared by every app's models, so web forms, imports and the API check the same thing."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The longest free text (notes, summaries, messages, promises) a model takes: forms get it from the model field's
# max_length, the API reads the same field (crm_site.validators.text_limit).
TEXT_MAX_LENGTH = 5000


def not_in_future(value: datetime.date | None) -> None:
    """A date that has happened (a birth date): today at the latest, in the configured time zone."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")


def text_limit(model, field_name: str) -> int:
    """The max_length of a model's text field: what the API's schema allows for it."""
    return model._meta.get_field(field_name).max_length
