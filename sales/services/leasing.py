"""Leases of shops and offices: the rent schedule is a list of Installment rows, paid like any other."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sales.models import Installment, Lease, Payment, Unit
from sales.services.money import CENT, add_months, money

MAX_TERM_MONTHS = 240


def rent_due_dates(*, starts_on: datetime.date, ends_on: datetime.date, rent_day: int) -> list[datetime.date]:
    """One due date per month of the term: the rent day of each period's month, never before the start."""
    dates = []
    months = 0
    while (period_start := add_months(starts_on, months)) < ends_on:
        due = add_months(period_start.replace(day=1), 0, on_day=rent_day)
        dates.append(max(due, starts_on))
        months += 1
        if months > MAX_TERM_MONTHS:
            raise ValidationError({"ends_on": _("A lease runs for at most %(n)d months.") % {"n": MAX_TERM_MONTHS}})
    return dates


def _check_terms(*, starts_on, ends_on, monthly_rent, deposit, rent_day) -> tuple[Decimal, Decimal]:
    errors = {}
    if ends_on <= starts_on:
        errors["ends_on"] = _("The lease must end after it starts.")
    if not 1 <= rent_day <= 31:
        errors["rent_day"] = _("The rent day is a day of the month (1–31).")
    try:
        monthly_rent = money(monthly_rent)
        if monthly_rent < CENT:
            errors["monthly_rent"] = _("The rent must be a positive amount.")
    except ValidationError as error:
        errors["monthly_rent"] = error.messages
    try:
        deposit = money(deposit)
        if deposit < 0:
            errors["deposit"] = _("The deposit cannot be negative.")
    except ValidationError as error:
        errors["deposit"] = error.messages
    if errors:
        raise ValidationError(errors)
    return monthly_rent, deposit


@transaction.atomic
def lease_create(
    *,
    unit: Unit,
    tenant,
    starts_on: datetime.date,
    ends_on: datetime.date,
    monthly_rent,
    deposit=Decimal("0"),
    rent_day: int = 1,
    signed_on: datetime.date | None = None,
    by,
) -> Lease:
    """Let `unit` to `tenant`: the lease, its rent and deposit lines, and the unit marked leased."""
    monthly_rent, deposit = _check_terms(
        starts_on=starts_on, ends_on=ends_on, monthly_rent=monthly_rent, deposit=deposit, rent_day=rent_day
    )
    unit = Unit.objects.select_for_update().get(pk=unit.pk)  # two leases of one shop at once: one waits, then fails
    if not unit.for_lease:
        raise ValidationError({"unit": _("This unit is not offered for lease.")})
    live = Lease.objects.filter(unit=unit, state=Lease.State.LIVE).exists()
    if live or unit.status not in (Unit.Status.AVAILABLE, Unit.Status.LEASED):
        raise ValidationError(
            {"unit": _("This unit is not available: it is %(status)s.") % {"status": unit.get_status_display()}}
        )
    dates = rent_due_dates(starts_on=starts_on, ends_on=ends_on, rent_day=rent_day)
    signed_on = signed_on or timezone.localdate()
    try:
        with transaction.atomic():
            lease = Lease.objects.create(
                unit=unit,
                project_id=unit.project_id,
                tenant=tenant,
                owner=by,
                starts_on=starts_on,
                ends_on=ends_on,
                monthly_rent=monthly_rent,
                deposit=deposit,
                rent_day=rent_day,
                signed_on=signed_on,
            )
    except IntegrityError:
        raise ValidationError({"unit": _("This unit was just leased by someone else.")}) from None
    lines = []
    if deposit:
        lines.append(
            Installment(kind=Installment.Kind.DEPOSIT, sequence=0, due_on=min(signed_on, starts_on), amount=deposit)
        )
    lines += [
        Installment(kind=Installment.Kind.RENT, sequence=number, due_on=due, amount=monthly_rent)
        for number, due in enumerate(dates, start=1)
    ]
    for line in lines:
        line.lease, line.project_id, line.owner_id = lease, lease.project_id, lease.owner_id
    Installment.objects.bulk_create(lines)
    unit.status = Unit.Status.LEASED
    unit.status_changed_at = timezone.now()
    unit.save(update_fields=["status", "status_changed_at"])
    return lease


@transaction.atomic
def lease_end(*, lease: Lease, reason: str, by, terminated: bool = False) -> Lease:
    """End `lease`: the unit is available again and unpaid rent not yet due is dropped (arrears stay owed)."""
    lease = Lease.objects.select_for_update().get(pk=lease.pk)
    if lease.state != Lease.State.LIVE:
        raise ValidationError(_("This lease has already ended."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the lease ends.")})
    today = timezone.localdate()
    lease.state = Lease.State.TERMINATED if terminated else Lease.State.ENDED
    lease.ended_reason = reason.strip()[:300]
    if terminated and lease.starts_on < today < lease.ends_on:
        lease.ends_on = today
    lease.save(update_fields=["state", "ended_reason", "ends_on"])
    paid = Payment.objects.filter(installment__lease=lease).values("installment_id")
    lease.installments.filter(kind=Installment.Kind.RENT, due_on__gt=today, received=0).exclude(pk__in=paid).delete()
    unit = Unit.objects.select_for_update().get(pk=lease.unit_id)
    if unit.status == Unit.Status.LEASED:
        unit.status = Unit.Status.AVAILABLE
        unit.status_changed_at = timezone.now()
        unit.save(update_fields=["status", "status_changed_at"])
    return lease
