"""The points ledger: every earn and spend is a new entry, written with the member's balance under its row lock.

Credits expire `expiry_months` after they were earned; debits draw first in first out from the credits that
expire first. Because credits expire in the order they were earned, the points of the credits due by a date
that no debit has yet drawn are `max(0, credits due by then + all debits so far)` (debits are negative): the
expiry job writes exactly that, and a spend may only draw on what is left after it (so a late job run never
lets a spend use points that have already expired).

A reason is either text a person typed (a `str`, kept as written) or a system reason (`members.reasons.Reason`):
its code and raw parameters are stored, read in the viewer's language, and `reason` holds its English text.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
from members.models import LedgerEntry, Member, MemberSettings
from members.reasons import POINTS_EXPIRED, Reason

logger = logging.getLogger(__name__)
Kind = LedgerEntry.Kind
EXPIRY_BATCH = 1000


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it is shorter: 31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _lock(member: Member) -> Member:
    return Member.objects.select_for_update().get(pk=member.pk)


def expiry_due(member_id: int, *, today: datetime.date | None = None) -> int:
    """Points of `member_id` whose credits have expired by `today` and are not yet written off or spent."""
    today = today or timezone.localdate()
    totals = LedgerEntry.objects.filter(member_id=member_id).aggregate(
        due=Coalesce(Sum("amount", filter=Q(amount__gt=0, expires_on__lte=today)), 0),
        debits=Coalesce(Sum("amount", filter=Q(amount__lt=0)), 0),
    )
    return max(0, totals["due"] + totals["debits"])


def available(member: Member, *, today: datetime.date | None = None) -> int:
    """What the member may spend now: the balance less what has expired but the nightly job has not yet written."""
    return member.balance - expiry_due(member.pk, today=today)


@dataclass
class ExpiringLot:
    expires_on: datetime.date
    points: int


def expiring(member: Member, *, today: datetime.date | None = None, limit: int = 5) -> list[ExpiringLot]:
    """The member's next expiries: for each credit date, the points of it no debit has drawn yet (FIFO)."""
    today = today or timezone.localdate()
    debits = -(member.entries.filter(amount__lt=0).aggregate(total=Coalesce(Sum("amount"), 0))["total"])
    lots: list[ExpiringLot] = []
    for expires_on, points in (
        member.entries.filter(amount__gt=0)
        .values_list("expires_on")
        .annotate(points=Sum("amount"))
        .order_by("expires_on")
        .values_list("expires_on", "points")
    ):
        drawn = min(debits, points)
        debits -= drawn
        if points - drawn > 0 and expires_on is not None and expires_on > today:
            lots.append(ExpiringLot(expires_on, points - drawn))
            if len(lots) >= limit:
                break
    return lots


def _reason_fields(reason: str | Reason) -> dict:
    """The entry's reason columns: a system reason's code, parameters and English text, or typed text as it is."""
    if isinstance(reason, Reason):
        return {"reason": reason.stored_text(), "reason_code": reason.code, "reason_params": dict(reason.params)}
    return {"reason": (reason or "")[:200], "reason_code": "", "reason_params": {}}


def _write(
    member: Member,
    *,
    kind: str,
    amount: int,
    reason: str | Reason,
    by=None,
    rule: str = "",
    source=None,
    key: str = "",
    now=None,
) -> LedgerEntry:
    """Add one entry to a member locked by the caller and move the balance with it."""
    now = now or timezone.now()
    expires_on = None
    if amount > 0:
        months = MemberSettings.current().expiry_months
        expires_on = add_months(timezone.localdate(now), months)
    source_type, source_id = ("", None)
    if source is not None:
        source_type, source_id = f"{source._meta.app_label}.{source._meta.model_name}", source.pk
    entry = LedgerEntry.objects.create(
        member=member,
        kind=kind,
        amount=amount,
        rule=rule,
        **_reason_fields(reason),
        source_type=source_type,
        source_id=source_id,
        key=key,
        expires_on=expires_on,
        by=by,
    )
    Member.objects.filter(pk=member.pk).update(balance=F("balance") + amount, last_activity_at=now)
    member.balance += amount
    member.last_activity_at = now
    return entry


def _existing(key: str) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(key=key).first() if key else None


def _write_once(member: Member, **fields) -> tuple[LedgerEntry, bool]:
    """Write the entry unless one with its key exists (the unique index settles two writers at once)."""
    key = fields.get("key", "")
    existing = _existing(key)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return _write(member, **fields), True
    except IntegrityError:
        existing = _existing(key)
        if existing is None:
            raise
        return existing, False


def _positive(amount) -> int:
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        raise ValidationError({"amount": _("Enter a whole number of points.")}) from None
    if amount <= 0:
        raise ValidationError({"amount": _("Enter a number of points above zero.")})
    return amount


def _require_active(member: Member) -> None:
    if member.status != Member.Status.ACTIVE:
        raise ValidationError(_("This membership is not active."))


@transaction.atomic
def points_earn(
    *, member: Member, amount: int, reason: str | Reason, by=None, rule: str = "", source=None, key: str = ""
) -> LedgerEntry:
    """Credit points (an award with `key` is granted once); promotes the member if they now qualify."""
    from members.services.tiers import tier_promote  # tiers reads the ledger

    amount = _positive(amount)
    member = _lock(member)
    entry, created = _write_once(
        member, kind=Kind.EARN, amount=amount, reason=reason, by=by, rule=rule, source=source, key=key
    )
    if created:
        tier_promote(member=member, by=by)
    return entry


@transaction.atomic
def points_spend(
    *, member: Member, amount: int, reason: str | Reason, by=None, source=None, key: str = "", today=None
) -> LedgerEntry:
    """Debit points; never beyond what is available (the row lock makes concurrent spends take turns)."""
    amount = _positive(amount)
    member = _lock(member)
    existing = _existing(key)
    if existing is not None:
        return existing
    _require_active(member)
    # Expired points are written off before any debit: a debit then always draws on live points, so "debits
    # consume the earliest credits" (what expiry_due assumes) stays true and FIFO expiry is exact.
    _write_off_expired(member, today=today)
    left = available(member, today=today)
    if amount > left:
        raise ValidationError({"amount": _("Not enough points: %(available)s available.") % {"available": left}})
    entry, _created = _write_once(member, kind=Kind.SPEND, amount=-amount, reason=reason, by=by, source=source, key=key)
    return entry


@transaction.atomic
def points_adjust(*, member: Member, amount: int, reason: str, by) -> LedgerEntry:
    """A correction by staff with the permission: a reason is required and the adjustment is audited."""
    if not by.has_perm("members.adjust_points"):
        raise PermissionDenied(_("Your role may not adjust points."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the points are adjusted.")})
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        raise ValidationError({"amount": _("Enter a whole number of points.")}) from None
    if amount == 0:
        raise ValidationError({"amount": _("Enter a number of points other than zero.")})
    member = _lock(member)
    if amount < 0:
        _write_off_expired(member)
    if amount < 0 and -amount > available(member):
        raise ValidationError(
            {"amount": _("Not enough points: %(available)s available.") % {"available": available(member)}}
        )
    entry = _write(member, kind=Kind.ADJUST, amount=amount, reason=reason, by=by)
    audit.record(
        actor=by, action=AuditEntry.Action.UPDATE, instance=member, changes={"points": amount}, reason=reason[:200]
    )
    return entry


@transaction.atomic
def points_reverse(
    *, member: Member, amount: int, reason: str | Reason, by=None, source=None, key: str
) -> LedgerEntry | None:
    """Take back an award (once per `key`); never below zero: what was already spent is not clawed back."""
    member = _lock(member)
    existing = _existing(key)
    if existing is not None:
        return existing
    amount = min(_positive(amount), available(member))
    if amount <= 0:
        return None
    entry, _created = _write_once(
        member, kind=Kind.REVERSE, amount=-amount, reason=reason, by=by, source=source, key=key
    )
    return entry


@transaction.atomic
def points_expire(*, member: Member, today: datetime.date | None = None) -> LedgerEntry | None:
    """Write off the member's expired points (nothing when there are none: safe to run twice)."""
    return _write_off_expired(_lock(member), today=today)


def _write_off_expired(member: Member, *, today: datetime.date | None = None) -> LedgerEntry | None:
    """`member` is locked by the caller."""
    due = expiry_due(member.pk, today=today)
    if due <= 0:
        return None
    return _write(member, kind=Kind.EXPIRE, amount=-due, reason=Reason(POINTS_EXPIRED))


def _due_by_member(member_ids=None, *, today):
    rows = LedgerEntry.objects.all()
    if member_ids is not None:
        rows = rows.filter(member_id__in=member_ids)
    return (
        rows.values("member_id")
        .annotate(
            due=Coalesce(Sum("amount", filter=Q(amount__gt=0, expires_on__lte=today)), 0)
            + Coalesce(Sum("amount", filter=Q(amount__lt=0)), 0)
        )
        .filter(due__gt=0)
        .order_by("member_id")
    )


def points_expire_all(*, today: datetime.date | None = None, batch: int = EXPIRY_BATCH) -> int:
    """The nightly expiry: members are taken in id ranges; each range is locked, its expired points computed from
    the ledger and written off in one transaction. Returns the points expired; safe to run twice."""
    today = today or timezone.localdate()
    if connection.vendor == "postgresql":
        return _expire_ranges(today=today, batch=batch * 20)
    member_ids = [row["member_id"] for row in _due_by_member(today=today).iterator(chunk_size=5000)]
    total = 0
    reason = _reason_fields(Reason(POINTS_EXPIRED))
    for start in range(0, len(member_ids), batch):
        chunk = member_ids[start : start + batch]
        with transaction.atomic():
            members = {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=chunk).order_by("pk")}
            entries, changed = [], []
            for row in _due_by_member(chunk, today=today):
                member = members[row["member_id"]]
                entries.append(LedgerEntry(member=member, kind=Kind.EXPIRE, amount=-row["due"], **reason))
                member.balance -= row["due"]
                changed.append(member)
                total += row["due"]
            LedgerEntry.objects.bulk_create(entries, batch_size=1000)
            Member.objects.bulk_update(changed, ["balance"], batch_size=1000)
    return total


def _expire_ranges(*, today: datetime.date, batch: int) -> int:
    """PostgreSQL: one statement per range of member ids locks the members (as a spend does), sums what expired,
    inserts the expire entries and moves the balances; the work stays in the database, memory stays flat."""
    member_table, ledger_table = Member._meta.db_table, LedgerEntry._meta.db_table
    sql = f"""
        WITH locked AS (
            SELECT id FROM {member_table} WHERE id >= %(low)s AND id < %(high)s ORDER BY id FOR UPDATE
        ), due AS (
            SELECT e.member_id,
                   SUM(CASE WHEN e.amount > 0 AND e.expires_on <= %(today)s THEN e.amount ELSE 0 END)
                   + SUM(CASE WHEN e.amount < 0 THEN e.amount ELSE 0 END) AS points
            FROM {ledger_table} e JOIN locked ON locked.id = e.member_id
            GROUP BY e.member_id
        ), written AS (
            INSERT INTO {ledger_table}
                (member_id, kind, amount, rule, reason, reason_code, reason_params, source_type, source_id, key,
                 expires_on, created_at, by_id)
            SELECT member_id, 'expire', -points, '', %(reason)s, %(reason_code)s, '{{}}'::jsonb, '', NULL, '', NULL,
                   now(), NULL
            FROM due WHERE points > 0
            RETURNING member_id, amount
        )
        UPDATE {member_table} m SET balance = m.balance + written.amount
        FROM written WHERE m.id = written.member_id
        RETURNING -written.amount
    """  # noqa: S608 - table names from the models; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {member_table}")  # noqa: S608
        low, high = cursor.fetchone()
    if low is None:
        return 0
    total = 0
    expired = Reason(POINTS_EXPIRED)
    values = {"today": today, "reason": expired.stored_text(), "reason_code": expired.code}
    for start in range(low, high + 1, batch):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {**values, "low": start, "high": start + batch})
            total += sum(row[0] for row in cursor.fetchall())
    return total


@dataclass
class Mismatch:
    member_id: int
    balance: int
    ledger_sum: int


def balances_reconcile() -> list[Mismatch]:
    """Members whose balance column differs from the sum of their entries (reported, never silently fixed).

    One grouped scan of the ledger joined to the members, streamed: memory holds the mismatches only."""
    member_table, ledger_table = Member._meta.db_table, LedgerEntry._meta.db_table
    # Table names from the models, no input.
    sql = (
        f"SELECT m.id, m.balance, COALESCE(s.total, 0) FROM {member_table} m "  # noqa: S608
        f"LEFT JOIN (SELECT member_id, SUM(amount) AS total FROM {ledger_table} GROUP BY member_id) s "
        "ON s.member_id = m.id WHERE m.balance <> COALESCE(s.total, 0) ORDER BY m.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        mismatches = [Mismatch(*row) for row in cursor.fetchall()]
    if mismatches:
        logger.error("Points balance differs from the ledger for %d member(s): %s", len(mismatches), mismatches[:20])
    return mismatches
