"""Reads of staff and teams, always through the viewer's scope."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from crm_site.models import StaffProfile, Team

User = get_user_model()


def staff_list(*, user, search: str = "", team_id: int | None = None, role: str = "", active: str = "") -> QuerySet:
    profiles = (
        StaffProfile.objects.visible_to(user)
        .select_related("user", "team")
        .prefetch_related("user__groups")
        .order_by("user__first_name", "user__username")
    )
    if search:
        profiles = profiles.filter(
            Q(user__username__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
            | Q(title__icontains=search)
        )
    if team_id:
        profiles = profiles.filter(team_id=team_id)
    if role:
        profiles = profiles.filter(user__groups__name=role)
    if active in ("yes", "no"):
        profiles = profiles.filter(user__is_active=active == "yes")
    return profiles


def staff_get(*, user, user_id: int) -> StaffProfile:
    return (
        StaffProfile.objects.visible_to(user)
        .select_related("user", "team", "team__manager")
        .prefetch_related("projects", "user__groups")
        .get(user_id=user_id)
    )


def team_list(*, user) -> QuerySet:
    return (
        Team.objects.visible_to(user)
        .select_related("manager", "parent")
        .annotate(member_count=Count("members", filter=Q(members__user__is_active=True)))
        .order_by("name")
    )


def team_tree(*, user) -> list[tuple[Team, int]]:
    """Visible teams in tree order with their depth (a team whose parent is hidden starts a root)."""
    teams = list(team_list(user=user))
    ids = {team.pk for team in teams}
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        parent = team.parent_id if team.parent_id in ids else None
        children.setdefault(parent, []).append(team)
    ordered: list[tuple[Team, int]] = []

    def walk(parent_id, depth):
        for team in children.get(parent_id, []):
            ordered.append((team, depth))
            walk(team.pk, depth + 1)

    walk(None, 0)
    return ordered


def assignable_staff(*, user) -> QuerySet:
    """Active staff the user may hand records to: those in their scope."""
    return User.objects.filter(is_active=True, staff__in=StaffProfile.objects.visible_to(user)).order_by(
        "first_name", "username"
    )


def choice_options(list_name: str) -> list[tuple[str, str]]:
    """(stored text, label in the active language) of a choice list's active entries, in the admin's order.
    Records keep the text as a Chinese company writes it (the Chinese label, else the English one)."""
    from crm_site.models import ChoiceOption

    rows = ChoiceOption.objects.filter(list_name=list_name, active=True).order_by("order", "value")
    return [(row.label_zh or row.label_en, row.label) for row in rows]
