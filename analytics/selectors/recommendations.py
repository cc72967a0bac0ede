"""Recommendations (001): the available units that best match a customer's current purchase intent, and what buyers
with a similar intent bought.

Match score (0–100) = Σ weight × match of each dimension, WEIGHTS below; a dimension the intent leaves open counts as
a full match. Budget and area: 1 inside the range, falling linearly to 0 at TOLERANCE (20 %) outside it; rooms: 1
equal, 0.5 one room off; floor: 1 inside the range, falling to 0 five floors away; orientation: 1 the same, 0.5 a
neighbouring south-facing one; project: 1 in one of the preferred projects.

Fast on 200,000 units: the candidates are bounded (available homes, rooms ± 1, price and area within the intent's
ranges ± 20 %; any project, the preference is scored): for each room count the units just above and just below the
budget's midpoint, six short ordered scans of the unit index on (status, rooms, list_price) in one UNION query, at most
CANDIDATES rows; only those are scored in Python.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, PurchaseIntent
from sales.models import Deal, Unit

WEIGHTS = {"budget": 30, "area": 20, "rooms": 20, "floor": 10, "orientation": 10, "project": 10}
LABELS = {
    "budget": _("Budget"),
    "area": _("Area"),
    "rooms": _("Rooms"),
    "floor": _("Floor"),
    "orientation": _("Orientation"),
    "project": _("Project"),
}
TOLERANCE = Decimal("0.2")
FLOOR_SPAN = 5
CANDIDATES = 120
UNIT_FIELDS = ("number", "floor", "rooms", "halls", "baths", "building_area", "orientation", "list_price", "status",
               "project__name", "building__name")  # fmt: skip
ANY_ROOMS = 8
SHOWN = 5
SIMILAR_INTENTS = 500
SIMILAR_SHOWN = 3
TEN_THOUSAND = Decimal("10000")
NEAR_SOUTH = {"S": {"SE", "SW", "SN"}, "SN": {"S"}}
ACTIVE = (Customer.Status.PROSPECT, Customer.Status.INTENDING)


def _range_match(value, low, high, tolerance: Decimal = TOLERANCE) -> Decimal:
    """1 inside [low, high]; linearly down to 0 at `tolerance` (a share of the nearer bound) outside it."""
    if low is None and high is None:
        return Decimal(1)
    value = Decimal(value)
    if low is not None and value < low:
        return max(Decimal(0), 1 - (Decimal(low) - value) / (Decimal(low) * tolerance))
    if high is not None and value > high:
        return max(Decimal(0), 1 - (value - Decimal(high)) / (Decimal(high) * tolerance))
    return Decimal(1)


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value) * TEN_THOUSAND


def matches(unit: Unit, intent: PurchaseIntent, project_ids: set[int]) -> dict[str, Decimal]:
    """Each dimension's match (0–1) of `unit` to `intent`."""
    result = {
        "budget": _range_match(unit.list_price, _money(intent.budget_min), _money(intent.budget_max)),
        "area": _range_match(unit.building_area, intent.area_min, intent.area_max),
    }
    if intent.rooms is None:
        result["rooms"] = Decimal(1)
    else:
        result["rooms"] = {0: Decimal(1), 1: Decimal("0.5")}.get(abs(unit.rooms - intent.rooms), Decimal(0))
    if intent.floor_min is None and intent.floor_max is None:
        result["floor"] = Decimal(1)
    else:
        low = intent.floor_min if intent.floor_min is not None else unit.floor
        high = intent.floor_max if intent.floor_max is not None else unit.floor
        away = max(low - unit.floor, unit.floor - high, 0)
        result["floor"] = max(Decimal(0), 1 - Decimal(away) / FLOOR_SPAN)
    if not intent.orientation or unit.orientation == intent.orientation:
        result["orientation"] = Decimal(1)
    elif unit.orientation in NEAR_SOUTH.get(intent.orientation, set()):
        result["orientation"] = Decimal("0.5")
    else:
        result["orientation"] = Decimal(0)
    result["project"] = Decimal(1) if not project_ids or unit.project_id in project_ids else Decimal(0)
    return result


def score(parts: dict[str, Decimal]) -> Decimal:
    return sum((WEIGHTS[key] * value for key, value in parts.items()), Decimal(0)).quantize(Decimal("0.1"))


def candidates(intent: PurchaseIntent) -> list[Unit]:
    """The bounded candidates (see the module note): with a budget, for each room count (rooms ± 1, or every count
    when none is asked) the units just above and just below the budget's midpoint, each side an ordered range scan
    of the index (status, rooms, list_price) that stops after a few rows; without a budget, the first CANDIDATES
    that fit."""
    units = Unit.objects.filter(status=Unit.Status.AVAILABLE, use=Unit.Use.HOME)
    low, high = _money(intent.budget_min), _money(intent.budget_max)
    if low is not None:
        units = units.filter(list_price__gte=low * (1 - TOLERANCE))
    if high is not None:
        units = units.filter(list_price__lte=high * (1 + TOLERANCE))
    if intent.area_min is not None:
        units = units.filter(building_area__gte=Decimal(intent.area_min) * (1 - TOLERANCE))
    if intent.area_max is not None:
        units = units.filter(building_area__lte=Decimal(intent.area_max) * (1 + TOLERANCE))
    target = None
    if low is not None and high is not None:
        target = (low + high) / 2
    elif low is not None or high is not None:
        target = low if low is not None else high
    if target is not None:
        if intent.rooms is not None:
            counts = range(max(intent.rooms - 1, 0), intent.rooms + 2)
        else:
            counts = range(ANY_ROOMS)  # no room count asked: every count up to ANY_ROOMS − 1, fewer per side
        per_side = max(CANDIDATES // (2 * len(counts)), 1)
        parts = []
        for rooms in counts:
            same = units.filter(rooms=rooms).values_list("pk", flat=True)
            parts.append(same.filter(list_price__gte=target).order_by("list_price")[:per_side])
            parts.append(same.filter(list_price__lt=target).order_by("-list_price")[:per_side])
        if connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL: one UNION ALL query
            ids = list(parts[0].union(*parts[1:], all=True))
        else:  # SQLite cannot order and cut inside a UNION: the same scans one by one
            ids = [pk for part in parts for pk in part]
        return list(Unit.objects.filter(pk__in=ids).select_related("project", "building").only(*UNIT_FIELDS))
    if intent.rooms is not None:
        units = units.filter(rooms__gte=max(intent.rooms - 1, 0), rooms__lte=intent.rooms + 1)
    units = units.order_by("pk")  # no budget: no nearest; the first CANDIDATES that fit
    return list(units.select_related("project", "building").only(*UNIT_FIELDS)[:CANDIDATES])


@dataclass
class Recommendation:
    unit: Unit
    score: Decimal
    parts: list  # (label, weight, points)


def recommend(intent: PurchaseIntent, *, limit: int = SHOWN) -> list[Recommendation]:
    project_ids = set(intent.projects.values_list("pk", flat=True))
    ranked = []
    for unit in candidates(intent):
        parts = matches(unit, intent, project_ids)
        points = [(LABELS[key], WEIGHTS[key], (WEIGHTS[key] * value).quantize(Decimal("0.1")))
                  for key, value in parts.items()]  # fmt: skip
        ranked.append(Recommendation(unit, score(parts), points))
    ranked.sort(key=lambda item: (-item.score, item.unit.list_price, item.unit.pk))
    return ranked[:limit]


def similar_bought(intent: PurchaseIntent, *, customer_id: int) -> list[dict]:
    """What buyers with a similar intent bought: the most recent SIMILAR_INTENTS intents of other customers with
    the same rooms and a budget midpoint within ± 20 % of this one; their contracted deals by project and layout."""
    similar = PurchaseIntent.objects.exclude(customer_id=customer_id)
    if intent.rooms is not None:
        similar = similar.filter(rooms=intent.rooms)
    low, high = intent.budget_min, intent.budget_max
    mid = (low + high) / 2 if low is not None and high is not None else (low if low is not None else high)
    if mid is not None:
        band = Q(budget_min__gte=mid * (1 - TOLERANCE), budget_min__lte=mid * (1 + TOLERANCE)) | Q(
            budget_max__gte=mid * (1 - TOLERANCE), budget_max__lte=mid * (1 + TOLERANCE)
        )
        similar = similar.filter(band)
    if intent.rooms is None and mid is None:
        return []
    customer_ids = list(similar.order_by("-recorded_at", "-id").values_list("customer_id", flat=True)[:SIMILAR_INTENTS])
    rows = (
        Deal.objects.contracts()
        .filter(customer_id__in=set(customer_ids))
        .values("project__name", "unit__rooms", "unit__halls", "unit__baths")
        .annotate(n=Count("customer_id", distinct=True))
        .order_by("-n", "project__name", "unit__rooms")[:SIMILAR_SHOWN]
    )
    return [
        {"project": row["project__name"], "layout": f"{row['unit__rooms']}-{row['unit__halls']}-{row['unit__baths']}",
         "buyers": row["n"]}
        for row in rows
    ]  # fmt: skip


def customer_recommendations(*, customer: Customer, user) -> dict | None:
    """The customer page's section: None when there is nothing to recommend (not an active prospect, no intent,
    or the viewer may not see units)."""
    if customer.status not in ACTIVE or not user.has_perm("sales.view_unit"):
        return None
    intent = PurchaseIntent.objects.filter(customer=customer).prefetch_related("projects").first()
    if intent is None:
        return None
    return {
        "customer": customer,
        "intent": intent,
        "units": recommend(intent),
        "similar": similar_bought(intent, customer_id=customer.pk),
        "can_reserve": user.has_perm("sales.add_deal"),
        "weights": [(LABELS[key], weight) for key, weight in WEIGHTS.items()],
    }
