"""Custom-field values of opportunities, deals and units (crm_site.customfields defines and validates them)."""

from django.db import transaction

from crm_site import audit, customfields
from crm_site.models import AuditEntry


@transaction.atomic
def custom_update(*, record, entity: str, values: dict, by) -> None:
    """Store the validated custom `values` of `record` (an Opportunity, Deal or Unit); values of deactivated
    fields are kept. Audited: by the record's history where it has one, explicitly otherwise (units)."""
    model = type(record)
    locked = model.objects.select_for_update().get(pk=record.pk)
    before = dict(locked.custom or {})
    locked.custom = customfields.merged_values(entity, before, values)
    if locked.custom == before:
        return
    if hasattr(model, "history"):
        locked._history_user = by
        locked.save(update_fields=["custom"])
    else:
        locked.save(update_fields=["custom"])
        audit.record(
            actor=by, action=AuditEntry.Action.UPDATE, instance=locked, changes={"custom": [before, locked.custom]}
        )
    record.custom = locked.custom
