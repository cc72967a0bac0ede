"""Product analysis (000 ⑥): what active buyers ask for against what the projects have available.

Demand: the current purchase intent (the newest PurchaseIntent) of each active customer (prospect or intending,
within the viewer's scope), counted by rooms, area band, budget band, floor band and orientation; an intent that
leaves a dimension open (no rooms, orientation "any", ...) is not counted in that dimension. A range is placed by
its midpoint (area 80–100 m² → 90 m²; one bound alone is the point).
Supply: available homes (status available, use home) counted by the same bands (list price for the budget band).
Gap: for each band, available units per asking customer; a band with demand and under one unit per asking
customer is "short" — what buyers ask for that the projects lack.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from crm_site.charts import Chart
from customers.models import Customer, PurchaseIntent
from sales.models import Unit

AREA_BANDS = [(None, 70), (70, 90), (90, 120), (120, 144), (144, None)]  # m²
BUDGET_BANDS = [(None, 100), (100, 200), (200, 300), (300, 500), (500, None)]  # 10k yuan (万)
FLOOR_BANDS = [(None, 4), (4, 11), (11, 21), (21, None)]
FLOOR_LABELS = ["1–3", "4–10", "11–20", "≥ 21"]
ROOMS = [1, 2, 3, 4]  # and "5+"
TEN_THOUSAND = Decimal("10000")
ACTIVE = (Customer.Status.PROSPECT, Customer.Status.INTENDING)
NUMBER = DecimalField(max_digits=14, decimal_places=2)


def _band_label(low, high, unit: str = "") -> str:
    if low is None:
        return f"< {high}{unit}"
    if high is None:
        return f"≥ {low}{unit}"
    return f"{low}–{high}{unit}"


def _in_band(field_name: str, low, high, scale: Decimal = Decimal(1)) -> Q:
    condition = Q(**{f"{field_name}__isnull": False})
    if low is not None:
        condition &= Q(**{f"{field_name}__gte": Decimal(low) * scale})
    if high is not None:
        condition &= Q(**{f"{field_name}__lt": Decimal(high) * scale})
    return condition


def _midpoint(low: str, high: str):
    both = ExpressionWrapper((F(low) + F(high)) / Decimal(2), output_field=NUMBER)
    return Coalesce(both, F(low), F(high), output_field=NUMBER)


def current_intents(*, user, project=None):
    """The newest intent of each active customer `user` may see (one row per customer)."""
    customers = Customer.objects.visible_to(user).filter(status__in=ACTIVE)
    if project is not None:
        customers = customers.filter(Q(project=project) | Q(intents__projects=project)).distinct()
    newest = PurchaseIntent.objects.filter(customer=OuterRef("customer_id")).order_by("-recorded_at", "-id")
    return PurchaseIntent.objects.filter(customer__in=customers.values("pk")).filter(
        pk=Subquery(newest.values("pk")[:1])
    )


def available_units(*, project=None):
    units = Unit.objects.filter(status=Unit.Status.AVAILABLE, use=Unit.Use.HOME)
    if project is not None:
        units = units.filter(project=project)
    return units


def _dimensions():
    """(key, title, [(label, demand Q on intents, supply Q on units)])."""
    rooms = [(str(n), Q(rooms=n), Q(rooms=n)) for n in ROOMS]
    rooms.append(("5+", Q(rooms__gte=5), Q(rooms__gte=5)))
    area = [
        (_band_label(low, high, " m²"), _in_band("area_mid", low, high), _in_band("building_area", low, high))
        for low, high in AREA_BANDS
    ]
    budget = [
        (_band_label(low, high, "万"), _in_band("budget_mid", low, high),
         _in_band("list_price", low, high, TEN_THOUSAND))
        for low, high in BUDGET_BANDS
    ]  # fmt: skip
    floor = [
        (label, _in_band("floor_mid", low, high), _in_band("floor", low, high))
        for label, (low, high) in zip(FLOOR_LABELS, FLOOR_BANDS, strict=True)
    ]
    labels = dict(PurchaseIntent.Orientation.choices)
    orientation = [(labels[value], Q(orientation=value), Q(orientation=value))
                   for value, _label in PurchaseIntent.Orientation.choices if value]  # fmt: skip
    return [
        ("rooms", _("Rooms"), rooms),
        ("area", _("Area band"), area),
        ("budget", _("Budget / price band"), budget),
        ("floor", _("Floor band"), floor),
        ("orientation", _("Orientation"), orientation),
    ]


def product_analysis(*, user, project=None) -> dict:
    """The product page: one chart per dimension (demand and supply), each from two aggregate queries."""
    intents = current_intents(user=user, project=project).annotate(
        area_mid=_midpoint("area_min", "area_max"),
        budget_mid=_midpoint("budget_min", "budget_max"),
        floor_mid=_midpoint("floor_min", "floor_max"),
    )
    units = available_units(project=project)
    dimensions = _dimensions()
    demand_measures, supply_measures = {"n": Count("pk")}, {"n": Count("pk")}
    for key, _title, bands in dimensions:
        for index, (_label, demand_q, supply_q) in enumerate(bands):
            demand_measures[f"{key}_{index}"] = Count("pk", filter=demand_q)
            supply_measures[f"{key}_{index}"] = Count("pk", filter=supply_q)
    demand = intents.order_by().aggregate(**demand_measures)
    supply = units.order_by().aggregate(**supply_measures)
    charts, short = {}, []
    for key, title, bands in dimensions:
        chart = Chart(
            key,
            title,
            "bar",
            [(title, "text"), (_("Customers asking"), "number"), (_("Available units"), "number"),
             (_("Units per asking customer"), "number"), (_("Short"), "text")],
            plot=[1, 2],
        )  # fmt: skip
        for index, (label, _demand_q, _supply_q) in enumerate(bands):
            asking, available = demand[f"{key}_{index}"], supply[f"{key}_{index}"]
            ratio = (Decimal(available) / asking).quantize(Decimal("0.01")) if asking else None
            lacking = bool(asking) and available < asking
            chart.rows.append([label, asking, available, ratio, _("Short") if lacking else ""])
            if lacking:
                short.append((title, label, asking, available))
        charts[key] = chart
    gaps = Chart(
        "gaps",
        _("What buyers ask for that the projects lack"),
        "hbar",
        [(_("Demand"), "text"), (_("Customers asking"), "number"), (_("Available units"), "number")],
        plot=[1, 2],
        note=_("Bands where fewer units are available than customers ask for, largest shortfall first."),
    )
    for title, label, asking, available in sorted(short, key=lambda row: row[3] - row[2]):
        gaps.rows.append([f"{title}: {label}", asking, available])
    return {
        "charts": {"gaps": gaps, **charts},
        "kpis": {"intents": demand["n"], "units": supply["n"], "short": len(short)},
    }
