"""The audit log as people read it: the record type's name, the record by its name with a link, field names and
choice labels in the active language, related rows by name, times in the user's time zone.

`readable(entries)` turns AuditEntry rows (their `changes` already masked where the viewer may not see them)
into rows for templates/partials/audit_entries.html, with one query per related model, whatever the number
of entries.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

EMPTY = "—"


@dataclass
class Change:
    label: str
    before: str = ""
    after: str = ""


@dataclass
class Row:
    entry: object
    record_type: str
    record: str
    url: str = ""
    changes: list[Change] = field(default_factory=list)


def model_of(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def record_types() -> list[tuple[str, str]]:
    """(label, name) of every audited model (those with a change history), by name, for the record-type filter."""
    found = {
        model._meta.label_lower: capfirst(model._meta.verbose_name)
        for model in apps.get_models()
        if hasattr(model, "history") and not model.__name__.startswith("Historical")
    }
    return sorted(found.items(), key=lambda item: str(item[1]))


def field_label(model_field) -> str:
    """The field's name in the active language; a field left with Django's default name (from its attribute,
    never marked for translation) is looked up in the catalogue, a foreign key named after its model takes the
    model's name."""
    name = model_field.verbose_name
    if isinstance(name, Promise):
        return capfirst(name)
    related = getattr(model_field, "related_model", None)
    if related is not None and model_field.name == related._meta.model_name:
        return capfirst(related._meta.verbose_name)
    translated = _(name)
    if translated == name:
        translated = _(capfirst(name))
    return capfirst(translated)


def _fields_by_attname(model) -> dict:
    return {f.attname: f for f in model._meta.concrete_fields} if model else {}


def _names(model, ids) -> dict[str, tuple[str, str]]:
    """{str(pk): (name, url)} of rows of `model`, in one query."""
    wanted = [pk for pk in ids if pk not in (None, "")]
    if not model or not wanted:
        return {}
    try:
        rows = model._base_manager.filter(pk__in=wanted)
        has_url = hasattr(model, "get_absolute_url")
        found = {}
        for row in rows:
            url = ""
            if has_url:
                try:
                    url = row.get_absolute_url()
                except Exception:  # a model whose URL needs more than the row: show the name only
                    url = ""
            name = row.get_full_name() if hasattr(row, "get_full_name") else ""
            found[str(row.pk)] = (name or str(row), url)
        return found
    except (ValueError, TypeError):
        return {}


def _value(model_field, value, related: dict) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field is None:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(model_field, models.ForeignKey):
        return related.get(model_field.related_model, {}).get(str(value), (f"#{value}", ""))[0]
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.UTC)
            return date_format(timezone.localtime(moment), "Y-m-d H:i")
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        day = parse_date(value[:10])
        if day is not None:
            return f"{day:%Y-%m-%d}"
    if isinstance(value, list):
        return ", ".join(str(part) for part in value)
    return str(value)


def readable(entries) -> list[Row]:
    entries = list(entries)
    field_maps = {entry.model: _fields_by_attname(model_of(entry.model)) for entry in entries}
    # The records themselves and every related row the changes name, one query per model.
    wanted: dict = {}
    for entry in entries:
        model = model_of(entry.model)
        if model is not None:
            wanted.setdefault(model, set()).add(entry.object_id)
        for attname, change in (entry.changes or {}).items():
            model_field = field_maps[entry.model].get(attname)
            if isinstance(model_field, models.ForeignKey):
                values = change if isinstance(change, list) else [change]
                wanted.setdefault(model_field.related_model, set()).update(str(v) for v in values if v is not None)
    related = {model: _names(model, ids) for model, ids in wanted.items()}
    rows = []
    for entry in entries:
        model = model_of(entry.model)
        fields = field_maps[entry.model]
        name, url = related.get(model, {}).get(entry.object_id, (entry.object_repr, ""))
        row = Row(
            entry=entry,
            record_type=capfirst(model._meta.verbose_name) if model else entry.model,
            record=name or entry.object_repr,
            url=url,
        )
        for attname, change in (entry.changes or {}).items():
            model_field = fields.get(attname)
            label = field_label(model_field) if model_field is not None else attname
            if entry.action == "~" and isinstance(change, list) and len(change) == 2:
                row.changes.append(
                    Change(str(label), _value(model_field, change[0], related), _value(model_field, change[1], related))
                )
            else:
                row.changes.append(Change(str(label), after=_value(model_field, change, related)))
        rows.append(row)
    return rows
