"""Admin-defined custom fields: their form fields, validation, storage, display and filters.

Values are stored in the record's `custom` JSONField ({key: value}) as JSON-native types:
text → str, number → str of a Decimal (exact), date → ISO date, choice → str, multi → [str],
yes/no → bool. The same definitions drive forms, detail pages, list filters, import, export
and the API, so a field defined once appears everywhere.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from crm_site import formatting
from crm_site.models import CustomField
from crm_site.models.customfields import entity_choices, register_entity
from crm_site.widgets import DateInput

__all__ = ["entity_choices", "register_entity"]

FORM_PREFIX = "cf_"
TRUE_WORDS = {"1", "true", "yes", "y", "是", "对", "t"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "f"}


CACHE_KEY = "customfields:{entity}"


def definitions(entity: str) -> list[CustomField]:
    """Active custom fields of `entity`, in display order (cached: every list page and form asks)."""
    key = CACHE_KEY.format(entity=entity)
    try:
        cached = cache.get(key)
    except Exception:  # a cache outage must not take pages down: read the database
        cached = None
    if cached is None:
        cached = list(CustomField.objects.filter(entity=entity, active=True).order_by("order", "key"))
        try:
            cache.set(key, cached, 300)
        except Exception:  # noqa: S110 (same reason)
            pass
    return cached


@receiver([post_save, post_delete], sender=CustomField)
def _forget_definitions(sender, instance, **kwargs):
    cache.delete(CACHE_KEY.format(entity=instance.entity))


def form_field(definition: CustomField) -> forms.Field:
    """The Django form field that edits `definition`."""
    common = {"label": definition.label, "required": definition.required}
    match definition.field_type:
        case CustomField.Type.NUMBER:
            return forms.DecimalField(max_digits=18, decimal_places=4, **common)
        case CustomField.Type.DATE:
            return forms.DateField(widget=DateInput(), **common)
        case CustomField.Type.CHOICE:
            return forms.ChoiceField(choices=[("", "---------"), *definition.choice_list()], **common)
        case CustomField.Type.MULTI_CHOICE:
            return forms.MultipleChoiceField(
                choices=definition.choice_list(), widget=forms.CheckboxSelectMultiple, **common
            )
        case CustomField.Type.BOOLEAN:
            # A required yes/no would force "yes"; a three-way select keeps "no" a real answer.
            return forms.TypedChoiceField(
                choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))],
                coerce=lambda value: value == "true",
                empty_value=None,
                **common,
            )
        case _:
            return forms.CharField(max_length=500, **common)


def add_form_fields(form: forms.Form, entity: str, values: dict | None) -> list[str]:
    """Add the custom fields of `entity` to `form` with initial `values`; returns their names."""
    names = []
    for definition in definitions(entity):
        name = FORM_PREFIX + definition.key
        form.fields[name] = form_field(definition)
        if values and definition.key in values:
            form.initial[name] = to_initial(definition, values[definition.key])
        names.append(name)
    return names


def to_initial(definition: CustomField, value):
    if definition.field_type == CustomField.Type.BOOLEAN and value is not None:
        return "true" if value else "false"
    return value


def to_storage(definition: CustomField, value):
    """A cleaned form value as the JSON-native value that is stored; None for empty."""
    if value in (None, "", []):
        return None
    match definition.field_type:
        case CustomField.Type.NUMBER:
            return decimal_text(Decimal(value))
        case CustomField.Type.DATE:
            return value.isoformat()
        case CustomField.Type.MULTI_CHOICE:
            return sorted(value)
        case CustomField.Type.BOOLEAN:
            return bool(value)
        case _:
            return str(value).strip()


def decimal_text(number: Decimal) -> str:
    """A decimal as plain text without exponent or trailing zeros: 1200 → "1200", 2.50 → "2.5"."""
    text = format(number.normalize(), "f")
    return text if text != "-0" else "0"


def parse_date_text(text: str) -> datetime.date:
    """2024-03-05, 2024/3/5, 2024.3.5 or 2024年3月5日 (as spreadsheets in China write them)."""
    parts = [part for part in re.split(r"[-/.年月日\s]+", text.strip()) if part]
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise ValueError(text)
    return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))


def values_from_form(cleaned_data: dict, entity: str) -> dict:
    """The custom values of a valid form, ready for the `custom` JSON column (empty ones left out)."""
    values = {}
    for definition in definitions(entity):
        stored = to_storage(definition, cleaned_data.get(FORM_PREFIX + definition.key))
        if stored is not None:
            values[definition.key] = stored
    return values


def merged_values(entity: str, stored: dict | None, values: dict) -> dict:
    """`values` (of the active fields) over the `stored` ones: a value of a deactivated field is kept,
    so switching a field back on brings its values back."""
    active = {definition.key for definition in definitions(entity)}
    kept = {key: value for key, value in (stored or {}).items() if key not in active}
    return {**kept, **values}


def parse_text(definition: CustomField, raw: str):
    """Parse a text cell (import, API) into the stored value; raises ValidationError with a clear message."""
    text = (raw or "").strip()
    if not text:
        if definition.required:
            raise ValidationError(_("%(field)s is required.") % {"field": definition.label})
        return None
    match definition.field_type:
        case CustomField.Type.NUMBER:
            try:
                number = Decimal(text.replace(",", "").replace("，", ""))
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                raise ValidationError(
                    _("%(field)s: “%(value)s” is not a number.") % {"field": definition.label, "value": text}
                )
            return decimal_text(number)
        case CustomField.Type.DATE:
            try:
                return parse_date_text(text).isoformat()
            except ValueError:
                raise ValidationError(
                    _("%(field)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"field": definition.label, "value": text}
                ) from None
        case CustomField.Type.CHOICE | CustomField.Type.MULTI_CHOICE:
            allowed = {}
            for value, label in definition.choice_list():
                allowed[value.lower()] = value
                allowed[label.lower()] = value
            picked = (
                [part.strip() for part in text.replace("；", ";").split(";")]
                if definition.field_type == CustomField.Type.MULTI_CHOICE
                else [text]
            )
            result = []
            for part in picked:
                if part.lower() not in allowed:
                    raise ValidationError(
                        _("%(field)s: “%(value)s” is not one of the choices.")
                        % {"field": definition.label, "value": part}
                    )
                result.append(allowed[part.lower()])
            return sorted(result) if definition.field_type == CustomField.Type.MULTI_CHOICE else result[0]
        case CustomField.Type.BOOLEAN:
            if text.lower() in TRUE_WORDS:
                return True
            if text.lower() in FALSE_WORDS:
                return False
            raise ValidationError(
                _("%(field)s: “%(value)s” is not yes or no.") % {"field": definition.label, "value": text}
            )
        case _:
            if len(text) > 500:
                raise ValidationError(_("%(field)s is longer than 500 characters.") % {"field": definition.label})
            return text


def validate_values(entity: str, values: dict) -> dict:
    """Check a {key: text-or-value} mapping (API input) against the definitions; returns stored values."""
    by_key = {definition.key: definition for definition in definitions(entity)}
    unknown = set(values) - set(by_key)
    errors = {key: [_("Unknown custom field.")] for key in unknown}
    stored = {}
    for key, definition in by_key.items():
        raw = values.get(key)
        if isinstance(raw, list):
            raw = ";".join(str(part) for part in raw)
        elif isinstance(raw, bool):
            raw = "true" if raw else "false"
        try:
            value = parse_text(definition, "" if raw is None else str(raw))
        except ValidationError as error:
            errors[key] = error.messages
            continue
        if value is not None:
            stored[key] = value
    if errors:
        raise ValidationError(errors)
    return stored


def validate_into(entity: str, values: dict | None, errors: dict) -> dict:
    """validate_values for an API payload: the stored values, or {} with the messages put in
    errors["custom"] ({key: [message]}, naming each bad field) for the 422 answer."""
    try:
        return validate_values(entity, values or {})
    except ValidationError as error:
        errors["custom"] = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return {}


def display_value(definition: CustomField, value) -> str:
    """A stored value as the user reads it (choice labels in their language, numbers with the language's
    separators)."""
    if value in (None, "", []):
        return ""
    if definition.field_type == CustomField.Type.BOOLEAN:
        return _("Yes") if value else _("No")
    if definition.is_choice:
        labels = dict(definition.choice_list())
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(item, item) for item in values)
    if definition.field_type == CustomField.Type.NUMBER:
        places = len(str(value).partition(".")[2])
        return formatting.number(value, places)
    return str(value)  # text; a date as stored (YYYY-MM-DD), as every page shows dates


def export_cell(definition: CustomField, value) -> str:
    """A stored value as an export cell the importer reads back: several choices joined by ";", numbers
    and dates as stored (no grouping, ISO dates)."""
    if value in (None, "", []):
        return ""
    if definition.field_type == CustomField.Type.MULTI_CHOICE and isinstance(value, list):
        labels = dict(definition.choice_list())
        return "; ".join(labels.get(item, item) for item in value)
    if definition.field_type in (CustomField.Type.NUMBER, CustomField.Type.DATE):
        return str(value)
    return display_value(definition, value)


def export_headers(entity: str) -> list[str]:
    return [definition.label for definition in definitions(entity)]


def export_cells(entity: str, values: dict | None) -> list[str]:
    """One cell per defined field of `entity`, in the order of export_headers."""
    return [export_cell(definition, (values or {}).get(definition.key)) for definition in definitions(entity)]


def add_filter_fields(form: forms.Form, entity: str) -> list[str]:
    """Add a list filter per custom field of `entity` to `form` (a select for choices and yes/no, text
    otherwise); returns their names. The form reads them back with filter_values."""
    names = []
    for definition in definitions(entity):
        name = FORM_PREFIX + definition.key
        if definition.is_choice:
            form.fields[name] = forms.ChoiceField(
                label=definition.label, required=False, choices=[("", _("Any")), *definition.choice_list()]
            )
        elif definition.field_type == CustomField.Type.BOOLEAN:
            form.fields[name] = forms.ChoiceField(
                label=definition.label, required=False, choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
            )
        else:
            form.fields[name] = forms.CharField(label=definition.label, required=False, max_length=100)
        names.append(name)
    return names


def filter_values(cleaned_data: dict, names: list[str]) -> dict:
    """{key: raw filter value} of the filled custom filters among `names`."""
    return {name[len(FORM_PREFIX) :]: cleaned_data.get(name) for name in names if cleaned_data.get(name)}


def filter_records(queryset, entity: str, values: dict | None, field: str = "custom"):
    """`queryset` narrowed by the custom filters {key: raw value}; a value that does not parse
    (a word in a number filter) matches nothing rather than failing."""
    for definition in definitions(entity):
        raw = (values or {}).get(definition.key)
        if not raw:
            continue
        try:
            queryset = queryset.filter(filter_q(definition, raw, field))
        except ValidationError:
            queryset = queryset.none()
    return queryset


class CustomValuesForm(forms.Form):
    """Only the custom fields of one record kind: for records whose main fields change through their own
    steps (a deal's stages, a unit's status), edited on their own page."""

    def __init__(self, *args, entity: str, values: dict | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity = entity
        self.custom_names = add_form_fields(self, entity, values)

    def custom_values(self) -> dict:
        return values_from_form(self.cleaned_data, self.entity)


def display_rows(entity: str, values: dict) -> list[tuple[str, str]]:
    """(label, display value) for each defined field, for detail pages."""
    return [
        (definition.label, display_value(definition, (values or {}).get(definition.key)))
        for definition in definitions(entity)
    ]


def filter_q(definition: CustomField, raw: str, field: str = "custom") -> Q:
    """A filter on the stored JSON for a list-filter value (exact match; contains for multi-choice)."""
    value = parse_text(definition, raw) if raw not in (None, "") else None
    if value is None:
        return Q()
    lookup = f"{field}__{definition.key}"
    if definition.field_type == CustomField.Type.MULTI_CHOICE:
        return Q(**{f"{lookup}__contains": value}) if _contains_supported() else _any_of(lookup, value)
    if definition.field_type == CustomField.Type.TEXT:
        return Q(**{f"{lookup}__icontains": value})
    return Q(**{lookup: value})


def _contains_supported() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains


def _any_of(lookup: str, values: list) -> Q:
    q = Q()
    for value in values:
        q &= Q(**{f"{lookup}__icontains": f'"{value}"'})
    return q
