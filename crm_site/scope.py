"""Who may see which rows: decided here once, used by every list, detail, search, export and API.

A staff member's data scope (StaffProfile.scope) names the rows they may read:

- own: rows they own (plus rows a model shares with them, e.g. co-owned customers);
- subordinates: own + rows owned by members of the teams they manage, recursively;
- department: own + rows owned by members of their own team/department;
- department_tree: own + rows owned by members of their team and every team below it;
- projects: own + rows attached to the projects they are assigned to;
- all: every row (executives, admins, superusers).

Each model with owned rows offers `Model.objects.visible_to(user)`, built on `scope_q`.
The computed sets are memoised on the user object, so one request pays for them once.
"""

from dataclasses import dataclass

from django.db.models import Q

from crm_site.models import StaffProfile, Team

Scope = StaffProfile.Scope


@dataclass(frozen=True)
class Reach:
    """What a user's scope covers: None means everything."""

    everything: bool
    user_ids: frozenset[int]
    team_ids: frozenset[int]
    project_ids: frozenset[int]


def subtree_ids(root_ids) -> set[int]:
    """The ids of `root_ids` and every team below them."""
    children: dict[int | None, list[int]] = {}
    for team_id, parent_id in Team.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(team_id)
    found, stack = set(), list(root_ids)
    while stack:
        team_id = stack.pop()
        if team_id in found:
            continue
        found.add(team_id)
        stack.extend(children.get(team_id, []))
    return found


def staff_profile(user) -> StaffProfile | None:
    try:
        return user.staff
    except StaffProfile.DoesNotExist:
        return None


def reach(user) -> Reach:
    """The rows `user` may read, as sets of owners, teams and projects (memoised on the user)."""
    cached = getattr(user, "_crm_reach", None)
    if cached is not None:
        return cached
    nothing = Reach(False, frozenset(), frozenset(), frozenset())
    if not user.is_authenticated or not user.is_active:
        return nothing
    staff = staff_profile(user)
    if user.is_superuser or (staff and staff.scope == Scope.ALL):
        result = Reach(True, frozenset(), frozenset(), frozenset())
    elif staff is None:
        result = Reach(False, frozenset({user.pk}), frozenset(), frozenset())
    else:
        team_ids: set[int] = set()
        project_ids: set[int] = set()
        if staff.scope == Scope.SUBORDINATES:
            team_ids = subtree_ids(Team.objects.filter(manager=user).values_list("id", flat=True))
        elif staff.scope == Scope.DEPARTMENT and staff.team_id:
            team_ids = {staff.team_id}
        elif staff.scope == Scope.DEPARTMENT_TREE and staff.team_id:
            team_ids = subtree_ids([staff.team_id])
        elif staff.scope == Scope.PROJECTS:
            project_ids = set(staff.projects.values_list("id", flat=True))
        user_ids = {user.pk}
        if team_ids:
            user_ids |= set(StaffProfile.objects.filter(team_id__in=team_ids).values_list("user_id", flat=True))
        result = Reach(False, frozenset(user_ids), frozenset(team_ids), frozenset(project_ids))
    user._crm_reach = result
    return result


def scope_q(user, *, owner_field: str = "owner", project_field: str | None = None) -> Q:
    """Rows `user` may see, judged by the staff member in `owner_field` (and the project, if any)."""
    covered = reach(user)
    if covered.everything:
        return Q()
    if not covered.user_ids:
        return Q(pk__in=[])
    q = Q(**{f"{owner_field}__in": sorted(covered.user_ids)})
    if project_field and covered.project_ids:
        q |= Q(**{f"{project_field}__in": sorted(covered.project_ids)})
    return q


def team_q(user, *, team_field: str = "pk") -> Q:
    """Teams `user` may see: all for global scopes, else their own team and the teams they reach."""
    covered = reach(user)
    if covered.everything:
        return Q()
    staff = staff_profile(user) if user.is_authenticated else None
    ids = set(covered.team_ids)
    if staff and staff.team_id:
        ids.add(staff.team_id)
    return Q(**{f"{team_field}__in": sorted(ids)})
