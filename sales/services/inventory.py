"""Writes of the inventory: projects and buildings, holds and availability of units, price lists, imports."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sales.models import Building, PriceAdjustment, Project, Unit, UnitPriceChange

CENT = Decimal("0.01")
# Unit.list_price is DECIMAL(14, 2).
PRICE_LIMIT = Decimal("1000000000000")
# A contracted or handed-over unit keeps the price it was sold at.
PRICE_FROZEN = (Unit.Status.CONTRACTED, Unit.Status.DELIVERED)
HOLDABLE = (Unit.Status.AVAILABLE,)
SETTABLE_NOT_FOR_SALE = (Unit.Status.AVAILABLE, Unit.Status.HELD)

CONFLICT = "conflict"  # the code of a ValidationError caused by the unit's current status


# --- projects and buildings ----------------------------------------------------------------------------------


def project_create(*, by, **fields) -> Project:
    project = Project(**fields)
    project.full_clean()
    project.save()
    return project


def project_update(*, project: Project, by, **fields) -> Project:
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    return project


def _check_building_name(*, project: Project, name: str, exclude_pk=None) -> None:
    clash = Building.objects.filter(project=project, name=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": _("This project already has a building with this name.")})


def building_create(*, project: Project, by, **fields) -> Building:
    _check_building_name(project=project, name=fields.get("name", ""))
    building = Building(project=project, **fields)
    building.full_clean()
    building.save()
    return building


def building_update(*, building: Building, by, **fields) -> Building:
    _check_building_name(project=building.project, name=fields.get("name", building.name), exclude_pk=building.pk)
    for name, value in fields.items():
        setattr(building, name, value)
    building.full_clean()
    building.save()
    return building


# --- holds and availability ----------------------------------------------------------------------------------


def _conflict(message: str) -> ValidationError:
    return ValidationError(message, code=CONFLICT)


def _move(unit: Unit, *, allowed: tuple, to_status: str, held_by) -> None:
    """Move `unit` to `to_status` only if it is still in `allowed` (one UPDATE: a concurrent change wins)."""
    now = timezone.now()
    changed = Unit.objects.filter(pk=unit.pk, status__in=allowed).update(
        status=to_status, held_by=held_by, status_changed_at=now
    )
    if not changed:
        unit.refresh_from_db(fields=["status", "held_by", "status_changed_at"])
        raise _conflict(
            _("Unit %(unit)s is %(status)s now; nothing was changed.")
            % {"unit": unit.number, "status": unit.get_status_display().lower()}
        )
    unit.status, unit.held_by, unit.status_changed_at = to_status, held_by, now


def may_release(*, unit: Unit, user) -> bool:
    """The colleague holding a unit releases it, or anyone who may change units."""
    return unit.held_by_id == user.pk or user.has_perm("sales.change_unit")


@transaction.atomic
def unit_hold(*, unit: Unit, by) -> Unit:
    """Hold an available unit for a while (sales-floor courtesy hold) in `by`'s name."""
    _move(unit, allowed=HOLDABLE, to_status=Unit.Status.HELD, held_by=by)
    return unit


@transaction.atomic
def unit_release(*, unit: Unit, by) -> Unit:
    """Release a held unit: available again."""
    if unit.status == Unit.Status.HELD and not may_release(unit=unit, user=by):
        raise ValidationError(_("Only the colleague who holds this unit or a sales manager may release it."))
    _move(unit, allowed=(Unit.Status.HELD,), to_status=Unit.Status.AVAILABLE, held_by=None)
    return unit


@transaction.atomic
def unit_set_availability(*, unit: Unit, for_sale: bool, by) -> Unit:
    """Take an available (or held) unit off the market, or put a not-for-sale unit back on it."""
    if for_sale:
        _move(unit, allowed=(Unit.Status.NOT_FOR_SALE,), to_status=Unit.Status.AVAILABLE, held_by=None)
    else:
        _move(unit, allowed=SETTABLE_NOT_FOR_SALE, to_status=Unit.Status.NOT_FOR_SALE, held_by=None)
    return unit


# --- price lists ---------------------------------------------------------------------------------------------


def adjusted_price(*, price: Decimal, area: Decimal, mode: str, value: Decimal) -> Decimal:
    """The list price after one adjustment, rounded half-up to the cent (may be zero or negative: checked by caller)."""
    if mode == PriceAdjustment.Mode.PERCENT:
        new = price * (Decimal("100") + value) / Decimal("100")
    elif mode == PriceAdjustment.Mode.PER_M2:
        new = price + value * area
    elif mode == PriceAdjustment.Mode.SET_PER_M2:
        new = value * area
    else:
        raise ValidationError(_("Unknown kind of price change."))
    return new.quantize(CENT, rounding=ROUND_HALF_UP)


def _check_adjustment(*, project, building, floor_from, floor_to, mode, value, reason) -> None:
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("Give a reason for the price change.")
    if building is not None and building.project_id != project.pk:
        errors["building"] = _("This building belongs to another project.")
    if floor_from is not None and floor_to is not None and floor_from > floor_to:
        errors["floor_to"] = _("The last floor must not be below the first floor.")
    if mode not in PriceAdjustment.Mode.values:
        errors["mode"] = _("Choose how the prices change.")
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        errors["value"] = _("Enter a number.")
    else:
        if not value.is_finite():
            errors["value"] = _("Enter a number.")
        elif mode == PriceAdjustment.Mode.PERCENT and value <= -100:
            errors["value"] = _("The new price must stay above zero.")
        elif mode == PriceAdjustment.Mode.SET_PER_M2 and value <= 0:
            errors["value"] = _("The price per m² must be positive.")
        elif value.quantize(CENT, rounding=ROUND_HALF_UP) == 0:
            errors["value"] = _("Enter a change other than zero.")
        elif abs(value) >= Decimal("10000000000"):
            errors["value"] = _("This value is too large.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def price_adjust(
    *,
    project: Project,
    building: Building | None = None,
    floor_from: int | None = None,
    floor_to: int | None = None,
    rooms: int | None = None,
    mode: str,
    value: Decimal,
    reason: str,
    by,
) -> PriceAdjustment:
    """Change the list price of the matching units (not contracted or delivered) and record each change.

    All or nothing: if any new price would not be positive, nothing changes.
    """
    _check_adjustment(
        project=project,
        building=building,
        floor_from=floor_from,
        floor_to=floor_to,
        mode=mode,
        value=value,
        reason=reason,
    )
    value = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    units = Unit.objects.select_for_update().filter(project=project).exclude(status__in=PRICE_FROZEN)
    if building is not None:
        units = units.filter(building=building)
    if floor_from is not None:
        units = units.filter(floor__gte=floor_from)
    if floor_to is not None:
        units = units.filter(floor__lte=floor_to)
    if rooms is not None:
        units = units.filter(rooms=rooms)
    units = list(units.only("id", "number", "list_price", "building_area").order_by("id"))
    if not units:
        raise ValidationError(_("No unit that may still be repriced matches this selection; nothing was changed."))
    changes = []
    for unit in units:
        new = adjusted_price(price=unit.list_price, area=unit.building_area, mode=mode, value=value)
        if new <= 0:
            raise ValidationError(
                _("Unit %(unit)s would cost %(price)s: prices must stay positive. Nothing was changed.")
                % {"unit": unit.number, "price": new}
            )
        if new >= PRICE_LIMIT:
            raise ValidationError(
                _("Unit %(unit)s would cost more than the system can store. Nothing was changed.")
                % {"unit": unit.number}
            )
        if new != unit.list_price:
            changes.append((unit, unit.list_price, new))
    if not changes:
        raise ValidationError(_("This change leaves every matching price as it is; nothing was changed."))
    adjustment = PriceAdjustment.objects.create(
        project=project,
        building=building,
        floor_from=floor_from,
        floor_to=floor_to,
        rooms=rooms,
        mode=mode,
        value=value,
        reason=reason.strip(),
        units_changed=len(changes),
        by=by,
    )
    for unit, _old, new in changes:
        unit.list_price = new
    Unit.objects.bulk_update([unit for unit, _old, _new in changes], ["list_price"], batch_size=500)
    UnitPriceChange.objects.bulk_create(
        [UnitPriceChange(adjustment=adjustment, unit=unit, old_price=old, new_price=new) for unit, old, new in changes],
        batch_size=500,
    )
    return adjustment


# --- import --------------------------------------------------------------------------------------------------


def units_import(*, project: Project, data: bytes, filename: str = "", encoding: str = "auto", by) -> int:
    """Read, check and write a file of units into `project`, all or nothing; returns how many were created.

    Raises ValidationError listing the problems (the pages show the full per-row report first).
    """
    from sales import importing as importing_units

    try:
        sheet = importing_units.read(data, filename=filename, encoding=encoding)
        report = importing_units.validate(sheet, project=project)
    except importing_units.FileRejected as rejected:
        raise ValidationError(rejected.message) from None
    if not report.ok:
        raise ValidationError([problem.message_line for problem in report.errors[:20]])
    return importing_units.commit(report, project=project, by=by)
