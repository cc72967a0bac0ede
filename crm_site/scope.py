"""Who may see which rows: decided here once, used by every list, detail, search, export and API.

A staff member's data scope (StaffProfile.scope) names the rows they may read:

- own: rows they own (plus rows a model shares with them, e.g. co-owned customers);
- subordinates: own + rows owned by members of the teams they manage, recursively;
- department: own + rows owned by members of their own team/department;
- department_tree: own + rows owned by members of their team and every team below it;
- projects: own + rows attached to the projects they are assigned to;
- served_projects: own + rows attached to every project a member of their team (or a team below it) is
  assigned to: the projects their department serves (a service manager);
- all: every row (executives, admins, superusers).

Rows may also be reached through another app's relation to the covered projects or to the user (a customer
holding a contract or a ticket in a served project, a ticket assigned to the user): an app declares it with
`relate("customers.Customer", provider)`, `provider(user, reach) -> ids`; querysets add `related_q(user, label)`.
crm_site names no domain app: the providers live in the apps that own the relations.

Each model with owned rows offers `Model.objects.visible_to(user)`, built on `scope_q`.
The computed sets are memoised on the user object, so one request pays for them once.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

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
        elif staff.scope == Scope.SERVED_PROJECTS:
            team_ids = served_teams = subtree_ids([staff.team_id]) if staff.team_id else set()
            project_ids = set(staff.projects.values_list("id", flat=True))
            project_ids |= set(
                StaffProfile.projects.through.objects.filter(staffprofile__team_id__in=served_teams).values_list(
                    "project_id", flat=True
                )
            )
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


RELATED: dict[str, list[Callable]] = {}
# Up to this many related rows are inlined as an id list (PostgreSQL keeps the owner index under the OR); past it,
# the relation stays a subquery: a service manager's 224,592 served files as a list made a 1.7 MB statement and
# a 7 s customer list on the bench data.
RELATED_INLINE_LIMIT = 2000


def relate(label: str, provider: Callable) -> None:
    """Rows of model `label` a user also reaches: `provider(user, reach)` returns querysets of one column, the
    primary keys (or an iterable of primary keys)."""
    providers = RELATED.setdefault(label, [])
    if provider not in providers:
        providers.append(provider)


def _related_parts(user, label: str) -> list:
    """The registered relations' parts for `user`: querysets of keys, or plain id lists (memoised on the user)."""
    cache = getattr(user, "_crm_related", None)
    if cache is None:
        cache = {}
        if user.is_authenticated:
            user._crm_related = cache
    if label in cache:
        return cache[label]
    covered = reach(user)
    parts: list = []
    if user.is_authenticated and user.is_active and not covered.everything:
        for provider in RELATED.get(label, []):
            given = provider(user, covered)
            parts.extend(given if isinstance(given, list | tuple) else [given])
    cache[label] = parts
    return parts


def related_q(user, label: str) -> Q | None:
    """A Q for the rows of `label` reached through registered relations, or None when there are none.

    Small relations are resolved to ids first (an OR with a subquery keeps PostgreSQL from the owner index);
    large ones stay subqueries (an id list of hundreds of thousands is a statement of megabytes).
    """
    memo = getattr(user, "_crm_related_q", None)
    if memo is None:
        memo = {}
        if user.is_authenticated:
            user._crm_related_q = memo
    if label not in memo:
        memo[label] = _related_q(user, label)
    return memo[label]


def _related_q(user, label: str) -> Q | None:
    inline: set = set()
    subqueries = []
    for part in _related_parts(user, label):
        if isinstance(part, QuerySet):
            head = list(part.order_by()[: RELATED_INLINE_LIMIT + 1])
            if len(head) > RELATED_INLINE_LIMIT:
                subqueries.append(part.order_by())
                continue
            part = head
        inline.update(value for value in part if value is not None)
    q = None
    if inline:
        q = Q(pk__in=sorted(inline))
    for subquery in subqueries:
        q = Q(pk__in=subquery) if q is None else q | Q(pk__in=subquery)
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
