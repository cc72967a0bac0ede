"""Writes of sales targets: one per month per rep, team or project."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sales.models import SalesTarget
from sales.selectors import quotas as selectors

Level = SalesTarget.Level
FIELD = {Level.REP: "staff", Level.TEAM: "team", Level.PROJECT: "project"}


def _check(*, level: str, subject, by, values: dict) -> None:
    if level not in FIELD:
        raise ValidationError({"level": _("Choose rep, team or project.")})
    allowed = selectors.subjects_for(user=by, level=level, own=False).filter(pk=subject.pk).exists()
    if not allowed:
        raise PermissionDenied(_("You may not set targets for this subject."))
    errors = {}
    for name in ("amount", "stretch_amount"):
        if values.get(name) is not None and Decimal(values[name]) < 0:
            errors[name] = _("A target cannot be negative.")
    for name in ("units", "stretch_units"):
        if values.get(name) is not None and int(values[name]) < 0:
            errors[name] = _("A target cannot be negative.")
    if errors:
        raise ValidationError(errors)


def _duplicate_error() -> ValidationError:
    return ValidationError(_("This subject already has a target for that month: edit it instead."))


@transaction.atomic
def target_create(
    *,
    month: datetime.date,
    level: str,
    subject,
    by,
    amount: Decimal = Decimal("0"),
    units: int = 0,
    stretch_amount: Decimal = Decimal("0"),
    stretch_units: int = 0,
) -> SalesTarget:
    """Set a new target; a second one for the same subject and month is refused."""
    if not by.has_perm("sales.add_salestarget"):
        raise PermissionDenied(_("You may not set targets."))
    values = {"amount": amount, "units": units, "stretch_amount": stretch_amount, "stretch_units": stretch_units}
    _check(level=level, subject=subject, by=by, values=values)
    month = selectors.month_start(month)
    field = FIELD[level]
    if SalesTarget.objects.filter(month=month, level=level, **{field: subject}).exists():
        raise _duplicate_error()
    try:
        with transaction.atomic():
            return SalesTarget.objects.create(month=month, level=level, set_by=by, **{field: subject}, **values)
    except IntegrityError:  # created by someone else in the meantime
        raise _duplicate_error() from None


@transaction.atomic
def target_update(*, target: SalesTarget, by, **values) -> SalesTarget:
    """Change a target's amounts and units."""
    if not by.has_perm("sales.change_salestarget"):
        raise PermissionDenied(_("You may not change targets."))
    subject = target.staff or target.team or target.project
    _check(level=target.level, subject=subject, by=by, values=values)
    for name in ("amount", "units", "stretch_amount", "stretch_units"):
        if values.get(name) is not None:
            setattr(target, name, values[name])
    target.set_by = by
    target.save()
    return target


@transaction.atomic
def targets_save_month(*, month: datetime.date, level: str, rows: list[dict], by) -> int:
    """Save a month's grid: each row is a subject with its four numbers; returns how many targets changed.

    Rows with all zeros and no existing target are skipped, so an untouched grid creates nothing.
    """
    month = selectors.month_start(month)
    field = FIELD[level]
    existing = {
        getattr(target, f"{field}_id"): target
        for target in SalesTarget.objects.filter(
            month=month, level=level, **{f"{field}__in": [r["subject"] for r in rows]}
        )
    }
    seen, changed = set(), 0
    for row in rows:
        subject = row.pop("subject")
        if subject.pk in seen:
            raise _duplicate_error()
        seen.add(subject.pk)
        target = existing.get(subject.pk)
        if target is None:
            if not any(row.values()):
                continue
            target_create(month=month, level=level, subject=subject, by=by, **row)
            changed += 1
        elif any(getattr(target, name) != value for name, value in row.items()):
            target_update(target=target, by=by, **row)
            changed += 1
    return changed
