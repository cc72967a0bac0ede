"""Writes about units: renovations and alterations recorded by service staff."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from service.models import Renovation


def renovation_record(*, unit, what: str, done_on, why: str = "", by) -> Renovation:
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("This date is in the future.")})
    return Renovation.objects.create(unit=unit, what=what.strip(), done_on=done_on, why=why, by=by)
