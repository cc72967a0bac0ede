"""API of sales inventory, mounted by crm_site/api.py: projects, buildings, units, and holds on units."""

import functools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from crm_site import customfields
from crm_site.api.common import ApiError, PageNumberPagination, require_perm
from sales.models import Building, Project, Unit
from sales.selectors import inventory as selectors
from sales.services import inventory as services
from sales.services.customfields import custom_update

router = Router(tags=["inventory"])

VIEW = "sales.view_unit"


class ProjectOut(Schema):
    id: int
    name: str
    code: str
    city: str
    district: str
    developer: str
    active: bool
    unit_total: int
    sold_value: Decimal
    counts: dict[str, int]

    @staticmethod
    def resolve_counts(obj):
        return {status: count for status, _label, count in obj.counts}


class BuildingOut(Schema):
    id: int
    project_id: int
    name: str
    floors: int
    sale_permit: str
    unit_total: int
    counts: dict[str, int]

    @staticmethod
    def resolve_counts(obj):
        return {status: count for status, _label, count in obj.counts}


class UnitOut(Schema):
    id: int
    project_id: int
    building_id: int
    building: str
    floor: int
    number: str
    use: str
    rooms: int
    halls: int
    baths: int
    building_area: Decimal
    usable_area: Decimal | None
    orientation: str
    list_price: Decimal
    price_per_m2: Decimal
    for_lease: bool
    status: str
    held_by_id: int | None
    custom: dict

    @staticmethod
    def resolve_building(obj):
        return obj.building.name


class UnitFilter(Schema):
    status: str = ""


class CustomIn(Schema):
    """All custom-field values of the unit ({key: value}); a field left out is emptied."""

    custom: dict


class StatusIn(Schema):
    status: str = Field(max_length=20, description="held, available or not_for_sale")


def _visible_project(request, project_id: int) -> Project:
    try:
        return selectors.project_get(user=request.user, pk=project_id)
    except Project.DoesNotExist:
        raise Http404 from None


@router.get("/projects/", response=list[ProjectOut])
def list_projects(request):
    require_perm(request, VIEW)
    return selectors.project_list_with_counts(user=request.user)


@router.get("/projects/{project_id}/buildings/", response=list[BuildingOut])
def list_buildings(request, project_id: int):
    require_perm(request, VIEW)
    return selectors.building_list(project=_visible_project(request, project_id))


@router.get("/buildings/{building_id}/units/", response=list[UnitOut])
@paginate(PageNumberPagination, page_size=100)
def list_units(request, building_id: int, filters: Query[UnitFilter]):
    require_perm(request, VIEW)
    if filters.status and filters.status not in Unit.Status.values:
        raise ApiError(
            422, {"detail": "Unknown status.", "errors": {"status": [f"Choose one of {Unit.Status.values}."]}}
        )
    try:
        building = selectors.building_get(user=request.user, pk=building_id)
    except Building.DoesNotExist:
        raise Http404 from None
    return selectors.unit_list(user=request.user, building=building, status=filters.status or None)


def _visible_unit(request, unit_id: int) -> Unit:
    try:
        return selectors.unit_get(user=request.user, pk=unit_id)
    except Unit.DoesNotExist:
        raise Http404 from None


@router.get("/units/{unit_id}/", response=UnitOut)
def get_unit(request, unit_id: int):
    require_perm(request, VIEW)
    return _visible_unit(request, unit_id)


def _may_hold(user) -> bool:
    return user.has_perm("sales.add_deal") or user.has_perm("sales.change_unit")


def _status_action(request, unit: Unit, wanted: str):
    """The service call moving `unit` to `wanted`, once the permission checks passed (403 / 422 otherwise)."""
    user = request.user
    if wanted == Unit.Status.HELD:
        if not _may_hold(user):
            require_perm(request, "sales.add_deal")
        return functools.partial(services.unit_hold, unit=unit, by=user)
    if wanted == Unit.Status.AVAILABLE and unit.status == Unit.Status.NOT_FOR_SALE:
        require_perm(request, "sales.change_unit")
        return functools.partial(services.unit_set_availability, unit=unit, for_sale=True, by=user)
    if wanted == Unit.Status.AVAILABLE:
        if not _may_hold(user):
            require_perm(request, "sales.add_deal")
        if unit.status == Unit.Status.HELD and not services.may_release(unit=unit, user=user):
            require_perm(request, "sales.change_unit")
        return functools.partial(services.unit_release, unit=unit, by=user)
    if wanted == Unit.Status.NOT_FOR_SALE:
        require_perm(request, "sales.change_unit")
        return functools.partial(services.unit_set_availability, unit=unit, for_sale=False, by=user)
    raise ApiError(
        422,
        {"detail": "This status cannot be set here.", "errors": {"status": ["Use held, available or not_for_sale."]}},
    )


@router.patch("/units/{unit_id}/status/", response=UnitOut)
def set_unit_status(request, unit_id: int, payload: StatusIn):
    """`held` holds an available unit; `available` releases a hold (or, with sales.change_unit, puts a
    not-for-sale unit back on sale); `not_for_sale` takes it off the market (sales.change_unit).
    409 when the unit's status does not allow it."""
    require_perm(request, VIEW)
    unit = _visible_unit(request, unit_id)
    action = _status_action(request, unit, payload.status)
    try:
        action()
    except ValidationError as error:
        raise ApiError(409, {"detail": " ".join(error.messages), "status": unit.status}) from None
    return unit


@router.put("/units/{unit_id}/custom/", response=UnitOut)
def set_unit_custom(request, unit_id: int, payload: CustomIn):
    """Replace the unit's custom-field values (validated: 422 naming each bad field)."""
    require_perm(request, "sales.change_unit")
    unit = _visible_unit(request, unit_id)
    errors = {}
    values = customfields.validate_into(selectors.UNIT, payload.custom, errors)
    if errors:
        raise ApiError(422, {"detail": "Invalid custom fields.", "errors": errors})
    custom_update(record=unit, entity=selectors.UNIT, values=values, by=request.user)
    return unit
