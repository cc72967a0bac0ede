"""Reads about units: the handover date, warranty status per component, renovations."""

import datetime
from dataclasses import dataclass

from service.models import Renovation, WarrantyPeriod

# Common practice (质量保修书): waterproofing 5 years, electrical / plumbing / decoration 2 years,
# heating and cooling 2 heating/cooling seasons (counted as 24 months here), structure: design life (no end).
DEFAULT_PERIODS = [
    ("waterproofing", "Roof and wet-room waterproofing", "屋面及卫生间防水", 60),
    ("electrical", "Electrical", "电气管线", 24),
    ("plumbing", "Plumbing", "给排水管道", 24),
    ("decoration", "Decoration", "装修工程", 24),
    ("heating", "Heating and cooling", "供热与供冷系统", 24),
    ("structure", "Structure", "地基基础和主体结构", None),
]


@dataclass
class WarrantyStatus:
    component: str
    label: str
    until: datetime.date | None  # None with covered: the design life
    covered: bool
    handover: datetime.date | None


def handover_date(unit) -> datetime.date | None:
    """When the unit was handed over: its delivered contract's handover date."""
    from sales.models import Deal

    return (
        Deal.objects.filter(unit=unit, delivered_on__isnull=False)
        .exclude(state=Deal.State.CANCELLED)
        .order_by("-delivered_on")
        .values_list("delivered_on", flat=True)
        .first()
    )


def periods() -> dict[str, WarrantyPeriod]:
    saved = {period.component: period for period in WarrantyPeriod.objects.all()}
    for component, label_en, label_zh, months in DEFAULT_PERIODS:
        saved.setdefault(
            component, WarrantyPeriod(component=component, label_en=label_en, label_zh=label_zh, months=months)
        )
    return saved


def _add_months(day: datetime.date, months: int) -> datetime.date:
    from service.services.callbacks import add_months

    return add_months(day, months)


def warranty(unit, component: str, *, today=None, handover=None) -> WarrantyStatus | None:
    """Whether `component` of `unit` is under warranty on `today`; None for an unknown component."""
    from django.utils import timezone
    from django.utils.translation import get_language

    period = periods().get(component)
    if period is None:
        return None
    today = today or timezone.localdate()
    handover = handover if handover is not None else handover_date(unit)
    label = period.label_zh if (get_language() or "").startswith("zh") and period.label_zh else period.label_en
    if handover is None:
        return WarrantyStatus(component, label, None, False, None)
    if period.months is None:
        return WarrantyStatus(component, label, None, True, handover)
    until = _add_months(handover, period.months) - datetime.timedelta(days=1)
    return WarrantyStatus(component, label, until, today <= until, handover)


def warranty_table(unit, *, today=None) -> list[WarrantyStatus]:
    handover = handover_date(unit)
    return [warranty(unit, component, today=today, handover=handover) for component in periods()]


def renovations(unit) -> list[Renovation]:
    return list(Renovation.objects.filter(unit=unit).select_related("by")[:50])
