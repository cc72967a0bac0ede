"""Writes of the service desk's configuration from the CRM settings pages: SLA policies, the working week and its
date overrides, the ticket category tree, the certificate stage template, warranty periods and the service
rules (reopening, near breach, the callback schedule). Every change is audited; a calendar edit recounts the
open tickets' deadlines after commit (service.receivers)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
from service.models import WorkingInterval


def _changes(instance, fields, before: dict) -> dict:
    changes = {}
    for name in fields:
        new = audit.jsonable(getattr(instance, name, None))
        if name not in before:
            changes[name] = new
        elif before[name] != new:
            changes[name] = [before[name], new]
    return changes


@transaction.atomic
def config_save(*, form, by):
    """Save a validated settings ModelForm's instance and audit what changed."""
    instance = form.instance
    created = instance.pk is None
    fields = [field.attname for field in instance._meta.concrete_fields if field.name in form.fields]
    before = {}
    if not created:
        old = type(instance).objects.select_for_update().get(pk=instance.pk)
        before = {name: audit.jsonable(getattr(old, name, None)) for name in fields}
    saved = form.save()
    changes = _changes(saved, fields, before)
    if created or changes:
        action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
        audit.record(actor=by, action=action, instance=saved, changes=changes)
    return saved


@transaction.atomic
def config_delete(*, instance, by) -> None:
    audit.record(actor=by, action=AuditEntry.Action.DELETE, instance=instance)
    instance.delete()


def parse_intervals(text: str) -> list[tuple[datetime.time, datetime.time]]:
    """ "09:00-12:00, 13:30-18:00" → sorted, non-overlapping intervals; ValidationError with a clear message."""
    intervals = []
    for part in text.replace("，", ",").split(","):
        part = part.strip().replace("–", "-").replace("—", "-")
        if not part:
            continue
        pieces = [piece.strip() for piece in part.split("-")]
        try:
            if len(pieces) != 2:
                raise ValueError
            starts, ends = (datetime.time.fromisoformat(piece) for piece in pieces)
        except ValueError:
            raise ValidationError(
                _("“%(part)s” is not a time span: write it like 09:00-12:00.") % {"part": part[:20]}
            ) from None
        if ends <= starts:
            raise ValidationError(_("“%(part)s” must end after it starts.") % {"part": part[:20]})
        intervals.append((starts, ends))
    intervals.sort()
    for (_start, end), (start, _end) in zip(intervals, intervals[1:], strict=False):
        if start < end:
            raise ValidationError(_("The spans of a day must not overlap."))
    return intervals


@transaction.atomic
def week_save(*, week: dict[int, list[tuple[datetime.time, datetime.time]]], by) -> int:
    """Replace the weekly working intervals (one recount of the open tickets follows the commit)."""
    if not any(week.values()):
        raise ValidationError(_("The week needs at least one working span."))
    before = {
        day: [f"{a:%H:%M}-{b:%H:%M}" for a, b in spans]
        for day, spans in _week_of(WorkingInterval.objects.select_for_update().order_by("weekday", "starts")).items()
    }
    after = {day: [f"{a:%H:%M}-{b:%H:%M}" for a, b in spans] for day, spans in week.items() if spans}
    if before == after:
        return 0
    WorkingInterval.objects.all().delete()
    rows = [
        WorkingInterval(weekday=day, starts=starts, ends=ends) for day, spans in week.items() for starts, ends in spans
    ]
    for row in rows:
        row.save()  # one by one: the save signal queues the recount (once per transaction)
    if rows:
        audit.record(
            actor=by,
            action=AuditEntry.Action.UPDATE,
            instance=rows[0],
            changes={"week": [before, after]},
            reason="working week",
        )
    return len(rows)


def _week_of(intervals) -> dict[int, list]:
    week: dict[int, list] = {}
    for interval in intervals:
        week.setdefault(interval.weekday, []).append((interval.starts, interval.ends))
    return week


def week_current() -> dict[int, list]:
    return _week_of(WorkingInterval.objects.order_by("weekday", "starts"))
