"""The audit log: every create / update / delete of a business record, with before and after.

Models with `history = HistoricalRecords()` are audited automatically: each historical row that
django-simple-history writes becomes an AuditEntry (who, when, which fields changed from what to
what). Bulk operations that bypass `save()` call `record()` themselves.
"""

import datetime
from decimal import Decimal

from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from crm_site.models import AuditEntry

SKIPPED_FIELDS = {"updated_at", "search_text", "history_change_reason"}


def jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | dict | str | int | float | bool) or value is None:
        return value
    return str(value)


def field_values(instance, fields) -> dict:
    return {field.attname: jsonable(getattr(instance, field.attname, None)) for field in fields}


def record(*, actor, action: str, instance, changes: dict | None = None, reason: str = "") -> AuditEntry:
    """Write one audit entry for `instance` explicitly (for bulk writes and decisions with a reason)."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes or {},
        reason=reason[:300],
    )


@receiver(post_create_historical_record)
def audit_from_history(sender, instance, history_instance, history_user, **kwargs):
    # Only fields the history model tracks can be compared with the previous history row.
    tracked = {field.attname for field in type(history_instance)._meta.fields}
    fields = [
        field
        for field in instance._meta.concrete_fields
        if field.attname not in SKIPPED_FIELDS and field.attname in tracked
    ]
    action = history_instance.history_type
    if action == "~":
        previous = history_instance.prev_record
        if previous is None:
            changes = field_values(instance, fields)
        else:
            changes = {}
            for field in fields:
                before = jsonable(getattr(previous, field.attname, None))
                after = jsonable(getattr(instance, field.attname, None))
                if before != after:
                    changes[field.attname] = [before, after]
            if not changes:
                return  # a save that changed nothing is not worth an entry
    else:
        changes = field_values(instance, fields)
    AuditEntry.objects.create(
        actor=history_user if history_user is not None and history_user.is_authenticated else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        reason=(history_instance.history_change_reason or "")[:300],
    )


def record_many(
    *, actor, model: str, changes_by_id: dict, reason: str = "", action: str = AuditEntry.Action.UPDATE
) -> int:
    """One audit entry per row of a bulk write that bypassed save(): {pk: changes} for records of `model`."""
    entries = [
        AuditEntry(
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=action,
            model=model,
            object_id=str(pk),
            object_repr=f"#{pk}",
            changes=changes,
            reason=reason[:300],
        )
        for pk, changes in changes_by_id.items()
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
