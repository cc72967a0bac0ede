"""Reads of sales targets and their attainment, computed from contracts (never stored)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum

from crm_site.models import StaffProfile, Team
from crm_site.scope import reach
from sales.models import Deal, Project, SalesTarget

User = get_user_model()
Level = SalesTarget.Level
ZERO = Decimal("0")
PCT = Decimal("0.1")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    """The last day of the month starting on `month`."""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def parse_month(value) -> datetime.date | None:
    """The first day of a month written 2026-03, or None."""
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


def percent(done, target) -> Decimal | None:
    if not target:
        return None
    return (Decimal(done) * 100 / Decimal(target)).quantize(PCT)


@dataclass
class Attainment:
    """What a subject (rep, team or project) contracted in a month against its targets."""

    subject: object
    target: SalesTarget | None
    amount: Decimal
    units: int

    @property
    def amount_pct(self) -> Decimal | None:
        return percent(self.amount, self.target.amount) if self.target else None

    @property
    def stretch_pct(self) -> Decimal | None:
        return percent(self.amount, self.target.stretch_amount) if self.target else None

    @property
    def units_pct(self) -> Decimal | None:
        return percent(self.units, self.target.units) if self.target else None

    @property
    def stretch_units_pct(self) -> Decimal | None:
        return percent(self.units, self.target.stretch_units) if self.target else None

    @property
    def bar(self) -> int:
        """The width of the attainment bar (0–100)."""
        return min(100, int(self.amount_pct or 0))

    @property
    def rolled_up(self) -> bool:
        """The target is the sum of the sub-teams' targets, not one set for this subject."""
        return getattr(self.target, "rolled_up", False)

    @property
    def counts(self) -> bool:
        """Worth a row in a report: a target to meet, or something signed."""
        return self.target is not None or bool(self.units) or bool(self.amount)

    @property
    def sort_key(self):
        return (self.amount_pct is not None, self.amount_pct or ZERO, self.amount)


def contracts_in(month: datetime.date) -> QuerySet[Deal]:
    """Contracts signed in the month and not cancelled: what attainment counts."""
    return Deal.objects.contracts().filter(signed_on__gte=month, signed_on__lte=month_end(month))


def _team_children() -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = {}
    for team_id, parent_id in Team.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(team_id)
    return children


def _team_members(team_ids, children=None) -> dict[int, set[int]]:
    """For each team, the ids of the teams in its subtree (one query over the tree)."""
    children = _team_children() if children is None else children
    subtrees = {}
    for root in team_ids:
        found, stack = set(), [root]
        while stack:
            team_id = stack.pop()
            if team_id not in found:
                found.add(team_id)
                stack.extend(children.get(team_id, []))
        subtrees[root] = found
    return subtrees


def attainment(*, month: datetime.date, level: str, subjects) -> list[Attainment]:
    """Per subject (users, teams or projects of `level`), the month's target and contracted amount and units.

    One aggregate query over the month's contracts per call, whatever the number of subjects.
    """
    month = month_start(month)
    subjects = list(subjects)
    ids = [subject.pk for subject in subjects]
    field = {Level.REP: "staff", Level.TEAM: "team", Level.PROJECT: "project"}[level]
    targets = {}
    if level != Level.TEAM:  # teams' targets roll up their sub-teams' (below)
        targets = {
            getattr(target, f"{field}_id"): target
            for target in SalesTarget.objects.filter(month=month, level=level, **{f"{field}__in": ids})
        }
    deals = contracts_in(month)
    totals: dict[int, tuple[Decimal, int]] = {}
    if level == Level.REP:
        rows = deals.filter(owner__in=ids).values_list("owner").annotate(Sum("price"), Count("pk"))
        totals = {key: (amount or ZERO, units) for key, amount, units in rows}
    elif level == Level.PROJECT:
        rows = deals.filter(project__in=ids).values_list("project").annotate(Sum("price"), Count("pk"))
        totals = {key: (amount or ZERO, units) for key, amount, units in rows}
    else:
        children = _team_children()
        subtrees = _team_members(ids, children)
        every = set().union(*subtrees.values()) if subtrees else set()
        targets = _rolled_team_targets(month, ids, every, children)
        rows = (
            deals.filter(owner__staff__team__in=every)
            .values_list("owner__staff__team")
            .annotate(Sum("price"), Count("pk"))
        )
        by_team = {key: (amount or ZERO, units) for key, amount, units in rows}
        for root, members in subtrees.items():
            amount = sum((by_team[team][0] for team in members if team in by_team), ZERO)
            units = sum(by_team[team][1] for team in members if team in by_team)
            totals[root] = (amount, units)
    return [Attainment(subject, targets.get(subject.pk), *totals.get(subject.pk, (ZERO, 0))) for subject in subjects]


def _rolled_team_targets(month, ids, every, children) -> dict[int, SalesTarget]:
    """Each team's target: its own, else the sum of its sub-teams' (a department adds up its teams).
    A summed target is an unsaved SalesTarget marked `rolled_up`."""
    own = {
        target.team_id: target for target in SalesTarget.objects.filter(month=month, level=Level.TEAM, team__in=every)
    }
    found: dict[int, SalesTarget | None] = {}

    def effective(team_id, path=()):
        if team_id in found:
            return found[team_id]
        if team_id in own or team_id in path:  # a cycle cannot sum: stop there
            found[team_id] = own.get(team_id)
            return found[team_id]
        parts = [effective(child, (*path, team_id)) for child in children.get(team_id, [])]
        parts = [part for part in parts if part is not None]
        rolled = None
        if parts:
            rolled = SalesTarget(
                month=month,
                level=Level.TEAM,
                team_id=team_id,
                amount=sum((part.amount for part in parts), ZERO),
                units=sum(part.units for part in parts),
                stretch_amount=sum((part.stretch_amount for part in parts), ZERO),
                stretch_units=sum(part.stretch_units for part in parts),
            )
            rolled.rolled_up = True
        found[team_id] = rolled
        return rolled

    return {team_id: target for team_id in ids if (target := effective(team_id)) is not None}


def rep_list(*, user, include_self: bool = False) -> QuerySet:
    """Active reps (staff who work opportunities) within the user's reach, by team then name."""
    covered = reach(user)
    users = User.objects.filter(is_active=True).select_related("staff__team")
    if not covered.everything:
        users = users.filter(pk__in=sorted(covered.user_ids))
    sellers = User.objects.filter(
        Q(groups__permissions__codename="add_opportunity", groups__permissions__content_type__app_label="sales")
        | Q(user_permissions__codename="add_opportunity", user_permissions__content_type__app_label="sales")
    ).values("pk")
    users = users.filter(pk__in=sellers, is_superuser=False)
    if not include_self:
        users = users.exclude(pk=user.pk)
    # Team managers hold the same sales permissions; their results are their team's row.
    users = users.exclude(pk__in=Team.objects.filter(manager__isnull=False).values("manager_id"))
    return users.order_by("staff__team__name", "first_name", "username")


def team_list(*, user) -> QuerySet[Team]:
    """Teams whose targets the user sees: every team for global scopes, else the teams they reach and their own."""
    covered = reach(user)
    teams = Team.objects.all()
    if not covered.everything:
        ids = set(covered.team_ids)
        staff = StaffProfile.objects.filter(user=user).values_list("team_id", flat=True).first()
        if staff:
            ids.add(staff)
        teams = teams.filter(pk__in=sorted(ids))
    return teams.order_by("name")


def project_list(*, user) -> QuerySet[Project]:
    """Projects whose targets the user sees: assigned ones for project-scoped staff, else the active ones."""
    covered = reach(user)
    if not covered.everything and covered.project_ids:
        return Project.objects.filter(pk__in=sorted(covered.project_ids)).order_by("name")
    return Project.objects.filter(active=True).order_by("name")


def subjects_for(*, user, level: str, own: bool = True):
    if level == Level.REP:
        return rep_list(user=user, include_self=own)
    if level == Level.TEAM:
        return team_list(user=user)
    return project_list(user=user)


def target_get(*, user, pk: int) -> SalesTarget:
    """The target `pk` if its subject is within the user's reach; raises SalesTarget.DoesNotExist otherwise."""
    target = SalesTarget.objects.select_related("staff", "team", "project").get(pk=pk)
    subject_ids = set(subjects_for(user=user, level=target.level).values_list("pk", flat=True))
    subject_id = target.staff_id or target.team_id or target.project_id
    if subject_id not in subject_ids and target.staff_id != user.pk:
        raise SalesTarget.DoesNotExist
    return target


def report(*, user, month: datetime.date) -> dict:
    """The month's attainment of reps (best first), teams and projects the user covers."""
    reps = attainment(month=month, level=Level.REP, subjects=rep_list(user=user, include_self=True))
    reps.sort(key=lambda row: row.sort_key, reverse=True)
    teams = attainment(month=month, level=Level.TEAM, subjects=team_list(user=user))
    projects = attainment(month=month, level=Level.PROJECT, subjects=project_list(user=user))
    return {
        "reps": reps,
        "teams": [row for row in teams if row.counts],
        "projects": [row for row in projects if row.counts],
    }
