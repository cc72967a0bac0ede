"""Reads of sales targets and their attainment, computed from contracts (never stored)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site.charts import Chart
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


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the months from `start`'s to `end`'s."""
    months, month = [], month_start(start)
    while month <= end:
        months.append(month)
        month = month_end(month) + datetime.timedelta(days=1)
    return months


def elapsed_share(start: datetime.date, end: datetime.date, today: datetime.date) -> Decimal:
    """The share of the days of [start, end] gone by the end of `today` (0 before the period, 1 after it): the
    pace a target met evenly over the period would be at."""
    days = (end - start).days + 1
    gone = min(days, max(0, (today - start).days + 1))
    return Decimal(gone) / Decimal(days)


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
    # The share of the period gone by today (elapsed_share): the pace line is the target times it.
    pace_share: Decimal | None = None
    # Teams and projects: the sum of their reps' targets, beside their own (None: not computed).
    members_amount: Decimal | None = None
    members_units: int | None = None

    @property
    def pace_amount(self) -> Decimal | None:
        """What should be signed by today had the target been met evenly: target × elapsed days / days."""
        if self.target is None or self.pace_share is None:
            return None
        return (self.target.amount * self.pace_share).quantize(Decimal("0.01"))

    @property
    def pace_marker(self) -> Decimal | None:
        """Where the pace line sits on the attainment bar (0–100, the bar's 100 being the target)."""
        if self.pace_share is None or not self.target or not self.target.amount:
            return None
        return (self.pace_share * 100).quantize(PCT)

    @property
    def pace_pct(self) -> Decimal | None:
        """Signed against the pace line: 100 % is on pace, more is ahead."""
        return percent(self.amount, self.pace_amount) if self.pace_amount else None

    @property
    def members_mismatch(self) -> bool:
        """The own target and the sum of the reps' targets differ (amount or units)."""
        if self.members_amount is None:
            return False
        own_amount = self.target.amount if self.target else ZERO
        own_units = self.target.units if self.target else 0
        return own_amount != self.members_amount or own_units != (self.members_units or 0)

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


def contracts_in(month: datetime.date, until: datetime.date | None = None) -> QuerySet[Deal]:
    """Contracts signed in the month (through `until`'s month) and not cancelled: what attainment counts."""
    return Deal.objects.contracts().filter(signed_on__gte=month, signed_on__lte=month_end(until or month))


def _summed_target(level: str, parts, **subject) -> SalesTarget:
    """An unsaved target adding up `parts` (several months of one subject, or sub-teams)."""
    return SalesTarget(
        level=level,
        amount=sum((part.amount for part in parts), ZERO),
        units=sum(part.units for part in parts),
        stretch_amount=sum((part.stretch_amount for part in parts), ZERO),
        stretch_units=sum(part.stretch_units for part in parts),
        **subject,
    )


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


def attainment(*, month: datetime.date, level: str, subjects, until: datetime.date | None = None) -> list[Attainment]:
    """Per subject (users, teams or projects of `level`), the month's target and contracted amount and units;
    with `until`, of the months from `month` through `until`'s (the targets of those months added up).

    One aggregate query over the month's contracts per call, whatever the number of subjects.
    """
    month = month_start(month)
    months = months_between(month, month_end(until or month))
    subjects = list(subjects)
    ids = [subject.pk for subject in subjects]
    field = {Level.REP: "staff", Level.TEAM: "team", Level.PROJECT: "project"}[level]
    targets = {}
    if level != Level.TEAM:  # teams' targets roll up their sub-teams' (below)
        found: dict[int, list[SalesTarget]] = {}
        for target in SalesTarget.objects.filter(month__in=months, level=level, **{f"{field}__in": ids}):
            found.setdefault(getattr(target, f"{field}_id"), []).append(target)
        targets = {
            key: parts[0] if len(months) == 1 else _summed_target(level, parts, **{f"{field}_id": key})
            for key, parts in found.items()
        }
    deals = contracts_in(month, months[-1])
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
        targets = _rolled_team_targets_over(months, ids, every, children)
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


def _rolled_team_targets_over(months, ids, every, children) -> dict[int, SalesTarget]:
    """Each team's target over `months`: per month its own else its sub-teams' sum, added up (one query)."""
    own_by_month: dict[datetime.date, dict[int, SalesTarget]] = {month: {} for month in months}
    for target in SalesTarget.objects.filter(month__in=months, level=Level.TEAM, team__in=every):
        own_by_month[target.month][target.team_id] = target
    if len(months) == 1:
        return _rolled_team_targets(months[0], ids, every, children, own=own_by_month[months[0]])
    per_team: dict[int, list[SalesTarget]] = {}
    for month in months:
        for team_id, target in _rolled_team_targets(month, ids, every, children, own=own_by_month[month]).items():
            per_team.setdefault(team_id, []).append(target)
    result = {}
    for team_id, parts in per_team.items():
        summed = _summed_target(Level.TEAM, parts, team_id=team_id)
        summed.rolled_up = any(getattr(part, "rolled_up", False) for part in parts)
        result[team_id] = summed
    return result


def _rolled_team_targets(month, ids, every, children, own=None) -> dict[int, SalesTarget]:
    """Each team's target: its own, else the sum of its sub-teams' (a department adds up its teams).
    A summed target is an unsaved SalesTarget marked `rolled_up`. `own`: the month's team targets, if read."""
    if own is None:
        own = {
            target.team_id: target
            for target in SalesTarget.objects.filter(month=month, level=Level.TEAM, team__in=every)
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


def members_targets(*, level: str, subjects, months) -> dict[int, tuple[Decimal, int]]:
    """What the reps' targets add up to over `months`, per team (the reps of the team and the teams below it) or
    per project (the reps assigned to it): {subject id: (amount, units)}, one query."""
    ids = [subject.pk for subject in subjects]
    reps = SalesTarget.objects.filter(level=Level.REP, month__in=months)
    if level == Level.TEAM:
        subtrees = _team_members(ids)
        every = set().union(*subtrees.values()) if subtrees else set()
        rows = reps.filter(staff__staff__team__in=every).values_list("staff__staff__team")
        by_team = {
            key: (amount or ZERO, units or 0) for key, amount, units in rows.annotate(Sum("amount"), Sum("units"))
        }
        return {
            root: (
                sum((by_team[team][0] for team in members if team in by_team), ZERO),
                sum(by_team[team][1] for team in members if team in by_team),
            )
            for root, members in subtrees.items()
        }
    rows = reps.filter(staff__staff__projects__in=ids).values_list("staff__staff__projects")
    return {key: (amount or ZERO, units or 0) for key, amount, units in rows.annotate(Sum("amount"), Sum("units"))}


def _with_members(rows: list[Attainment], level: str, months) -> list[Attainment]:
    sums = members_targets(level=level, subjects=[row.subject for row in rows], months=months)
    for row in rows:
        row.members_amount, row.members_units = sums.get(row.subject.pk, (ZERO, 0))
    return rows


def year_chart(*, reps: list, year: int, today: datetime.date) -> Chart:
    """Month by month through `year`, for the reps: contracts signed so far (cumulative), their targets
    (cumulative) and the pace line (the year's target spread evenly over its days)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    months = months_between(start, end)
    ids = [rep.pk for rep in reps]
    signed = dict(
        contracts_in(start, end)
        .filter(owner__in=ids)
        .annotate(signed_month=TruncMonth("signed_on"))
        .order_by()
        .values_list("signed_month")
        .annotate(Sum("price"))
    )
    signed = {_as_date(key): amount or ZERO for key, amount in signed.items()}
    targets = dict(
        SalesTarget.objects.filter(level=Level.REP, staff__in=ids, month__in=months)
        .order_by()
        .values_list("month")
        .annotate(Sum("amount"))
    )
    year_target = sum((amount or ZERO for amount in targets.values()), ZERO)
    rows, done, planned = [], ZERO, ZERO
    for month in months:
        done += signed.get(month, ZERO)
        planned += targets.get(month) or ZERO
        pace = (year_target * elapsed_share(start, end, month_end(month))).quantize(Decimal("0.01"))
        rows.append([f"{month:%Y-%m}", done if month <= today else None, planned, pace])
    return Chart(
        key="year",
        title=_("Cumulative contracts against targets, %(year)s") % {"year": year},
        kind="line",
        columns=[
            (_("Month"), "text"),
            (_("Contracted (cumulative)"), "money"),
            (_("Target (cumulative)"), "money"),
            (_("Pace line"), "money"),
        ],
        rows=rows,
        plot=[1, 2, 3],
        note=_("The reps in this report. Pace line: the year's target spread evenly over its days."),
    )


def _as_date(value) -> datetime.date:
    """TruncMonth of a date gives a date (a datetime on some backends)."""
    return value.date() if isinstance(value, datetime.datetime) else value


def _total(rows: list[Attainment], label, share: Decimal) -> Attainment:
    """The reps' rows added up (their targets, contracts and units)."""
    targets = [row.target for row in rows if row.target is not None]
    return Attainment(
        subject=label,
        target=_summed_target(Level.REP, targets) if targets else None,
        amount=sum((row.amount for row in rows), ZERO),
        units=sum(row.units for row in rows),
        pace_share=share,
    )


def report(*, user, month: datetime.date, period: str = "month", today: datetime.date | None = None) -> dict:
    """The attainment of reps (best first), teams and projects the user covers, in the month (`period` "month")
    or in the year of `month` ("year", with the month-by-month chart); each row with its pace line to `today`,
    teams and projects with the sum of their reps' targets."""
    today = today or timezone.localdate()
    month = month_start(month)
    if period == "year":
        start, end = datetime.date(month.year, 1, 1), datetime.date(month.year, 12, 31)
    else:
        start, end = month, month_end(month)
    months = months_between(start, end)
    share = elapsed_share(start, end, today)
    span = {"month": start, "until": months[-1]}
    reps = attainment(level=Level.REP, subjects=rep_list(user=user, include_self=True), **span)
    reps.sort(key=lambda row: row.sort_key, reverse=True)
    # A team or project with neither target nor contracts is left out, unless its reps have targets (a mismatch).
    teams = _with_members(attainment(level=Level.TEAM, subjects=team_list(user=user), **span), Level.TEAM, months)
    teams = [row for row in teams if row.counts or row.members_mismatch]
    projects = attainment(level=Level.PROJECT, subjects=project_list(user=user), **span)
    projects = [row for row in _with_members(projects, Level.PROJECT, months) if row.counts or row.members_mismatch]
    for row in (*reps, *teams, *projects):
        row.pace_share = share
    return {
        "reps": reps,
        "teams": teams,
        "projects": projects,
        "total": _total(reps, _("All reps in this report"), share),
        "period": period,
        "start": start,
        "end": end,
        "today": today,
        "pace_pct": (share * 100).quantize(PCT),
        "chart": year_chart(reps=[row.subject for row in reps], year=start.year, today=today)
        if period == "year"
        else None,
    }
