from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from crm_site import selectors
from crm_site.api.common import PageNumberPagination, require_perm
from crm_site.models import StaffProfile

router = Router(tags=["staff"])


class TeamRef(Schema):
    id: int
    name: str


class StaffOut(Schema):
    id: int
    username: str
    name: str
    title: str
    team: TeamRef | None
    roles: list[str]
    scope: str
    active: bool

    @staticmethod
    def resolve_id(obj):
        return obj.user_id

    @staticmethod
    def resolve_username(obj):
        return obj.user.username

    @staticmethod
    def resolve_name(obj):
        return obj.user.get_full_name() or obj.user.username

    @staticmethod
    def resolve_roles(obj):
        return [group.name for group in obj.user.groups.all()]

    @staticmethod
    def resolve_active(obj):
        return obj.user.is_active


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    manager_id: int | None
    member_count: int
    active: bool


class StaffFilter(Schema):
    q: str = ""
    team: int | None = None
    role: str = ""
    active: str = ""


@router.get("/", response=list[StaffOut])
@paginate(PageNumberPagination, page_size=50)
def list_staff(request, filters: Query[StaffFilter]):
    require_perm(request, "crm_site.view_staffprofile")
    return selectors.staff_list(
        user=request.user, search=filters.q, team_id=filters.team, role=filters.role, active=filters.active
    )


@router.get("/teams/", response=list[TeamOut])
@paginate(PageNumberPagination, page_size=100)
def list_teams(request):
    require_perm(request, "crm_site.view_team")
    return selectors.team_list(user=request.user)


@router.get("/teams/{team_id}/", response=TeamOut)
def get_team(request, team_id: int):
    require_perm(request, "crm_site.view_team")
    return get_object_or_404(selectors.team_list(user=request.user), pk=team_id)


@router.get("/{user_id}/", response=StaffOut)
def get_staff(request, user_id: int):
    require_perm(request, "crm_site.view_staffprofile")
    try:
        return selectors.staff_get(user=request.user, user_id=user_id)
    except StaffProfile.DoesNotExist:
        raise Http404 from None
