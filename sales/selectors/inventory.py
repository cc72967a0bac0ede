"""Reads of the inventory: projects with their sales counts, the sales-control grid, units, price history."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from crm_site import customfields
from crm_site.scope import Scope, reach, staff_profile
from sales.models import Building, Deal, PriceAdjustment, Project, Unit, UnitPriceChange

UNIT = "unit"  # the record kind of custom fields (registered in SalesConfig.ready)
STATUS_ORDER = [value for value, _label in Unit.Status.choices]
STATUS_LABELS = dict(Unit.Status.choices)
# Statuses at which a unit counts as sold on the project list.
SOLD_STATUSES = (Unit.Status.CONTRACTED, Unit.Status.DELIVERED)
# Only these columns are read for the grid: one query, no model instances.
GRID_FIELDS = (
    "id",
    "floor",
    "number",
    "status",
    "rooms",
    "halls",
    "baths",
    "building_area",
    "list_price",
)
TEN_THOUSAND = Decimal("10000")


def project_list(*, user, active_only: bool = False) -> QuerySet[Project]:
    """The projects `user` may see: all, or only the assigned ones for a project-scoped role."""
    projects = Project.objects.all()
    if not reach(user).everything:
        staff = staff_profile(user)
        if staff is not None and staff.scope == Scope.PROJECTS:
            projects = projects.filter(pk__in=sorted(reach(user).project_ids))
    if active_only:
        projects = projects.filter(active=True)
    return projects.order_by("name")


def project_list_with_counts(*, user) -> list[Project]:
    """Visible projects, each with `counts` (status → units), `unit_total` and `sold_value`: one SQL statement."""
    sold = (
        Deal.objects.contracts()
        .filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum(Coalesce("price", "list_price")))
        .values("total")
    )
    annotations = {f"n_{status}": Count("units", filter=Q(units__status=status)) for status in STATUS_ORDER}
    money = DecimalField(max_digits=16, decimal_places=2)
    projects = list(
        project_list(user=user).annotate(
            **annotations,
            unit_total=Count("units"),
            sold_value=Coalesce(Subquery(sold, output_field=money), Value(Decimal("0")), output_field=money),
        )
    )
    for project in projects:
        project.counts = [(status, STATUS_LABELS[status], getattr(project, f"n_{status}")) for status in STATUS_ORDER]
    return projects


def project_get(*, user, pk: int) -> Project:
    """One visible project (Project.DoesNotExist when outside the user's projects)."""
    return project_list(user=user).get(pk=pk)


def building_list(*, project: Project) -> list[Building]:
    """The buildings of `project`, each with `counts` (status → units) and `unit_total`: one query."""
    annotations = {f"n_{status}": Count("units", filter=Q(units__status=status)) for status in STATUS_ORDER}
    buildings = list(project.buildings.annotate(**annotations, unit_total=Count("units")).order_by("name"))
    for building in buildings:
        building.counts = [(status, STATUS_LABELS[status], getattr(building, f"n_{status}")) for status in STATUS_ORDER]
    return buildings


def building_get(*, user, pk: int) -> Building:
    """One building of a visible project, with its project (Building.DoesNotExist otherwise)."""
    return Building.objects.select_related("project").filter(project__in=project_list(user=user)).get(pk=pk)


def unit_list(
    *,
    user,
    project: Project | None = None,
    building: Building | None = None,
    status: str | None = None,
    rooms: int | None = None,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    area_min: Decimal | None = None,
    area_max: Decimal | None = None,
    custom: dict | None = None,
) -> QuerySet[Unit]:
    """Units of the projects `user` may see, filtered (custom: {key: value} of custom-field filters); ordered
    like the grid (building, top floor first)."""
    units = Unit.objects.filter(project__in=project_list(user=user)).select_related("building", "project")
    if project is not None:
        units = units.filter(project=project)
    if building is not None:
        units = units.filter(building=building)
    if status:
        units = units.filter(status=status)
    if rooms is not None:
        units = units.filter(rooms__gte=rooms) if rooms >= ROOMS_OR_MORE else units.filter(rooms=rooms)
    if price_min is not None:
        units = units.filter(list_price__gte=price_min)
    if price_max is not None:
        units = units.filter(list_price__lte=price_max)
    if area_min is not None:
        units = units.filter(building_area__gte=area_min)
    if area_max is not None:
        units = units.filter(building_area__lte=area_max)
    units = customfields.filter_records(units, UNIT, custom)
    return units.order_by("building__name", "-floor", "number")


def unit_get(*, user, pk: int) -> Unit:
    """One unit of a visible project, with building, project and holder (Unit.DoesNotExist otherwise)."""
    return (
        Unit.objects.select_related("building", "project", "held_by")
        .filter(project__in=project_list(user=user))
        .get(pk=pk)
    )


# --- the sales-control grid ----------------------------------------------------------------------------------

ROOMS_OR_MORE = 5  # the rooms filter's last choice means "5 or more"


@dataclass
class GridFilters:
    status: str = ""
    rooms: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    area_min: Decimal | None = None
    area_max: Decimal | None = None
    custom: dict = field(default_factory=dict)  # {key: value} of custom-field filters
    custom_ids: set | None = None  # the units the custom filters match (building_grid reads them once)

    @property
    def active(self) -> bool:
        return bool(self.status or self.custom) or any(
            value is not None for value in (self.rooms, self.price_min, self.price_max, self.area_min, self.area_max)
        )

    def matches(self, *, status: str, rooms: int, price: Decimal, area: Decimal, unit_id: int | None = None) -> bool:
        if self.custom_ids is not None and unit_id not in self.custom_ids:
            return False
        if self.status and status != self.status:
            return False
        if self.rooms is not None and (rooms < self.rooms if self.rooms >= ROOMS_OR_MORE else rooms != self.rooms):
            return False
        if self.price_min is not None and price < self.price_min:
            return False
        if self.price_max is not None and price > self.price_max:
            return False
        if self.area_min is not None and area < self.area_min:
            return False
        return not (self.area_max is not None and area > self.area_max)


@dataclass
class GridFloor:
    number: int
    label: str
    cells: list[dict] = field(default_factory=list)


def building_grid(*, building: Building, filters: GridFilters | dict | None = None) -> dict:
    """The grid of `building`: floors (top first) of cells, status counts, how many cells match `filters`.

    One query reads the needed columns of every unit; grouping, labels and matching happen here so that
    the template only loops. Cells carry no customer data.
    """
    if filters is None:
        filters = GridFilters()
    elif isinstance(filters, dict):
        filters = GridFilters(**filters)
    if filters.custom:
        matching = customfields.filter_records(Unit.objects.filter(building=building), UNIT, filters.custom)
        filters.custom_ids = set(matching.values_list("pk", flat=True))
    rows = Unit.objects.filter(building=building).order_by("-floor", "number").values_list(*GRID_FIELDS)
    counts = dict.fromkeys(STATUS_ORDER, 0)
    floors: list[GridFloor] = []
    current: GridFloor | None = None
    matched = 0
    labels = {status: str(label) for status, label in STATUS_LABELS.items()}
    active = filters.active
    for unit_id, floor, number, status, rooms, halls, baths, area, price in rows:
        counts[status] += 1
        is_match = not active or filters.matches(status=status, rooms=rooms, price=price, area=area, unit_id=unit_id)
        matched += is_match
        # Only strings reach the template: numbers there would pay for localisation on every cell.
        cell = {
            "id": str(unit_id),
            "status": status,
            "css": f"st-{status}" if is_match else f"st-{status} dim",
            "match": is_match,
            "number": number,
            "line": f"{rooms}-{halls}-{baths} · {area:.1f}m²",
            "price": f"{price / TEN_THOUSAND:.1f}",
            "tip": f"{labels[status]} · ¥{price / area:,.0f}/m²" if area else labels[status],
        }
        if current is None or current.number != floor:
            current = GridFloor(floor, str(floor))
            floors.append(current)
        current.cells.append(cell)
    total = sum(counts.values())
    return {
        "building": building,
        "floors": floors,
        "legend": [(status, STATUS_LABELS[status], counts[status]) for status in STATUS_ORDER],
        "total": total,
        "matched": matched,
        "filtered": active,
    }


# --- the unit panel and price history ------------------------------------------------------------------------


def unit_live_deal(*, unit: Unit, user) -> tuple[Deal | None, bool]:
    """(deal, visible): the unit's current deal if `user` may see it, and whether one exists at all."""
    deals = Deal.objects.filter(unit=unit, state__in=[Deal.State.LIVE, Deal.State.DELIVERED]).order_by("-reserved_at")
    visible = deals.visible_to(user).select_related("customer", "owner").first()
    if visible is not None:
        return visible, True
    return None, deals.exists()


def unit_price_history(*, unit: Unit, limit: int = 20) -> list[UnitPriceChange]:
    return list(
        UnitPriceChange.objects.filter(unit=unit)
        .select_related("adjustment", "adjustment__by")
        .order_by("-adjustment__at", "-id")[:limit]
    )


def price_adjustment_list(*, project: Project) -> QuerySet[PriceAdjustment]:
    return PriceAdjustment.objects.filter(project=project).select_related("building", "by").order_by("-at", "-id")


def price_change_list(*, adjustment: PriceAdjustment) -> QuerySet[UnitPriceChange]:
    return (
        UnitPriceChange.objects.filter(adjustment=adjustment)
        .select_related("unit", "unit__building")
        .order_by("unit__building__name", "-unit__floor", "unit__number")
    )


# --- the unit picker of a reservation --------------------------------------------------------------------------

PICKER_LIMIT = 12  # a phone screen or two; typing a building or number narrows the rest


@dataclass
class UnitChoices:
    """What the reservation's unit picker shows: at most PICKER_LIMIT units, and whether there are more."""

    units: list
    more: bool
    intent: object = None  # the customer's current PurchaseIntent, if any
    matching: bool = False  # filtered by that intent


def intent_filters(intent) -> dict:
    """The unit_list filters a purchase intent asks for: rooms, area, budget (the intent's is in 10k yuan)."""
    if intent is None:
        return {}
    filters = {
        "rooms": intent.rooms,
        "area_min": intent.area_min,
        "area_max": intent.area_max,
        "price_min": intent.budget_min * TEN_THOUSAND if intent.budget_min is not None else None,
        "price_max": intent.budget_max * TEN_THOUSAND if intent.budget_max is not None else None,
    }
    return {key: value for key, value in filters.items() if value is not None}


def reservable_units(*, user, opportunity, query: str = "", match_intent: bool = True) -> UnitChoices:
    """Units of the opportunity's project that `user` may reserve now (available, or held by them), matching
    the customer's purchase intent (rooms, area, floors, budget) unless `match_intent` is off, and `query`:
    each word a part of the building's name or of the unit number ("2号楼 1203", "A-2001")."""
    from customers.models import PurchaseIntent

    intent = PurchaseIntent.objects.filter(customer_id=opportunity.customer_id).first()
    matching = match_intent and intent is not None
    units = unit_list(user=user, project=opportunity.project, **(intent_filters(intent) if matching else {}))
    units = units.filter(Q(status=Unit.Status.AVAILABLE) | Q(status=Unit.Status.HELD, held_by=user))
    if matching and intent.floor_min is not None:
        units = units.filter(floor__gte=intent.floor_min)
    if matching and intent.floor_max is not None:
        units = units.filter(floor__lte=intent.floor_max)
    for word in query.replace("-", " ").split()[:4]:
        units = units.filter(Q(number__icontains=word) | Q(building__name__icontains=word))
    rows = list(units.order_by("building__name", "floor", "number")[: PICKER_LIMIT + 1])
    return UnitChoices(rows[:PICKER_LIMIT], len(rows) > PICKER_LIMIT, intent, matching)
