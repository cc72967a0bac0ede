"""Saving the visit-frequency rules (the settings page "Visit rules"): every change is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from analytics.models import CustomerScore, VisitRule
from analytics.models.visits import MAX_DAYS
from crm_site import audit
from crm_site.models import AuditEntry

VALUES = {
    VisitRule.Kind.SEGMENT.value: CustomerScore.Segment.values,
    VisitRule.Kind.QUADRANT.value: CustomerScore.Quadrant.values,
}


def field_name(kind: str, value: str) -> str:
    """The form field (and error key) of one rule: `segment_key`, `quadrant_star`."""
    return f"{kind}_{value}"


def visit_rules_errors(days: dict[tuple[str, str], int | None]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for (kind, value), number in days.items():
        if value not in VALUES.get(kind, ()):
            errors.setdefault("__all__", []).append(_("Unknown segment or quadrant: %(value)s") % {"value": value})
        elif number is not None and (
            isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_DAYS
        ):
            errors.setdefault(field_name(kind, value), []).append(
                _("Enter a whole number of days from 1 to %(max)d, or leave it empty for no rule.") % {"max": MAX_DAYS}
            )
    return errors


@transaction.atomic
def visit_rules_save(*, days: dict[tuple[str, str], int | None], by) -> list[VisitRule]:
    """Set the rule of each (kind, value) in `days`: a number of days, or None for no rule (kept, inactive)."""
    errors = visit_rules_errors(days)
    if errors:
        raise ValidationError(errors)
    existing = {(rule.kind, rule.value): rule for rule in VisitRule.objects.select_for_update()}
    saved = []
    for (kind, value), number in days.items():
        rule = existing.get((kind, value))
        if rule is None:
            if number is None:
                continue  # no rule before, none now
            rule = VisitRule.objects.create(kind=kind, value=value, days=number, active=True)
            audit.record(
                actor=by, action=AuditEntry.Action.CREATE, instance=rule, changes={"days": number, "active": True}
            )
            saved.append(rule)
            continue
        changes = {}
        if number is None:
            if rule.active:
                changes["active"] = [True, False]
                rule.active = False
        else:
            if rule.days != number:
                changes["days"] = [rule.days, number]
                rule.days = number
            if not rule.active:
                changes["active"] = [False, True]
                rule.active = True
        if changes:
            rule.save(update_fields=["days", "active"])
            audit.record(actor=by, action=AuditEntry.Action.UPDATE, instance=rule, changes=changes)
            saved.append(rule)
    return saved
