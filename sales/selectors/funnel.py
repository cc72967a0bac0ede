"""Reads of the funnel: opportunity lists, the kanban board, stage history and the funnel report."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from crm_site.models.choices import localized
from crm_site.scope import reach
from sales.models import Opportunity, StageChange

User = get_user_model()
Stage = Opportunity.Stage
BOARD_LIMIT = 50
CLOSED_WINDOW_DAYS = 30


def opportunity_list(
    *,
    user,
    owner=None,
    team=None,
    project=None,
    stage: str = "",
    campaign=None,
    created_from: datetime.date | None = None,
    created_to: datetime.date | None = None,
    status: str = "",
    customer=None,
) -> QuerySet[Opportunity]:
    """The user's visible opportunities, filtered, newest stage change first."""
    rows = Opportunity.objects.visible_to(user).select_related(
        "customer", "project", "owner", "unit__building", "campaign", "lost_reason"
    )
    for name, value in (
        ("owner", owner),
        ("team", team),
        ("project", project),
        ("stage", stage),
        ("campaign", campaign),
        ("customer", customer),
    ):
        if value:
            rows = rows.filter(**{name: value})
    if created_from:
        rows = rows.filter(created_at__date__gte=created_from)
    if created_to:
        rows = rows.filter(created_at__date__lte=created_to)
    if status == "open":
        rows = rows.open()
    elif status == "closed":
        rows = rows.filter(stage__in=Opportunity.CLOSED_STAGES)
    return rows.order_by("-stage_changed_at", "-id")


def opportunity_get(*, user, pk: int) -> Opportunity:
    """The opportunity `pk` if `user` may see it; raises Opportunity.DoesNotExist otherwise."""
    return (
        Opportunity.objects.visible_to(user)
        .select_related("customer", "project", "owner", "team", "unit__building", "campaign", "lost_reason", "lost_to")
        .get(pk=pk)
    )


def reaches_others(user) -> bool:
    """A manager (or anyone whose scope covers more than their own rows) may pick whose board to see."""
    covered = reach(user)
    return covered.everything or len(covered.user_ids) > 1 or bool(covered.project_ids)


def board_rows(*, user, who: str = "mine") -> QuerySet[Opportunity]:
    """The opportunities on a board: `mine`, `team` (everything in scope) or a user id in scope."""
    rows = Opportunity.objects.visible_to(user)
    if who == "team" and reaches_others(user):
        return rows
    if who.isdecimal() and reaches_others(user):
        return rows.filter(owner_id=int(who))
    return rows.filter(owner=user)


@dataclass
class Column:
    stage: str
    label: str
    cards: list = field(default_factory=list)
    count: int = 0

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.cards))


def board_moves(card: Opportunity) -> list:
    """The forward moves a card offers on the board, without a query (deal stages move through their deal)."""
    if card.stage == Stage.CONTRACT:
        return [Stage.WON]
    if card.stage in Opportunity.DEAL_STAGES or not card.is_open:
        return []
    after = Opportunity.ORDER[Opportunity.ORDER.index(card.stage) + 1 :]
    return [Stage(stage) for stage in after if stage not in Opportunity.DEAL_STAGES]


def with_days(cards, now=None) -> list[Opportunity]:
    """Mark each card with its whole days in the current stage and its board moves."""
    now = now or timezone.now()
    for card in cards:
        card.days_in_stage = max(0, (now - card.stage_changed_at).days)
        card.board_moves = board_moves(card)
    return cards


def board_counts(rows: QuerySet[Opportunity]) -> dict[str, int]:
    """Cards per open stage, and won/lost in the last 30 days: one grouped query."""
    since = timezone.now() - datetime.timedelta(days=CLOSED_WINDOW_DAYS)
    counted = (
        rows.filter(Q(stage__in=Opportunity.ORDER) | Q(closed_at__gte=since))
        .order_by()
        .values("stage")
        .annotate(n=Count("id"))
    )
    return {row["stage"]: row["n"] for row in counted}


def board(*, user, who: str = "mine") -> dict:
    """The kanban: one query per open stage (the 50 most recent cards, served by the owner/team index) and one
    count query, whatever the number of opportunities."""
    rows = board_rows(user=user, who=who)
    counts = board_counts(rows)
    now = timezone.now()
    columns = []
    for stage in Opportunity.ORDER:
        cards = list(
            rows.filter(stage=stage)
            .select_related("customer", "project", "unit__building", "owner")
            .order_by("-stage_changed_at", "-id")[:BOARD_LIMIT]
        )
        columns.append(Column(stage, Stage(stage).label, with_days(cards, now), counts.get(stage, 0)))
    return {"columns": columns, "won": counts.get(Stage.WON, 0), "lost": counts.get(Stage.LOST, 0)}


def stage_history(*, opportunity: Opportunity) -> list[StageChange]:
    """The opportunity's stage changes, oldest first, each with `duration` (time until the next, or until now)."""
    changes = list(opportunity.stage_changes.select_related("by").order_by("at", "id"))
    now = timezone.now()
    for change, following in zip(changes, [*changes[1:], None], strict=True):
        end = following.at if following else (None if change.to_stage in Opportunity.CLOSED_STAGES else now)
        change.duration = end - change.at if end else None
        change.days = change.duration.days if change.duration is not None else None
    return changes


# --- the funnel report -------------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    stage: str
    label: str
    entered: int = 0
    advanced: int = 0
    median_days: float | None = None

    @property
    def conversion(self) -> float | None:
        return round(100 * self.advanced / self.entered, 1) if self.entered else None


def _report_opportunities(*, user, project=None, team=None) -> QuerySet[Opportunity]:
    rows = Opportunity.objects.visible_to(user)
    if project:
        rows = rows.filter(project=project)
    if team:
        rows = rows.filter(team=team)
    return rows


def _median(durations: QuerySet) -> float | None:
    """The median of the annotated `duration` (two small ordered reads, no Python loop over the rows)."""
    count = durations.count()
    if not count:
        return None
    ordered = durations.order_by("duration").values_list("duration", flat=True)
    middle = [ordered[(count - 1) // 2], ordered[count // 2]]
    seconds = sum(value.total_seconds() for value in middle) / 2
    return round(seconds / 86400, 1)


def funnel_report(*, user, date_from: datetime.date, date_to: datetime.date, project=None, team=None) -> dict:
    """Entries into each stage in the period, conversion to any later stage, median days in stage, losses."""
    opportunities = _report_opportunities(user=user, project=project, team=team)
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min))
    changes = StageChange.objects.filter(opportunity__in=opportunities.values("pk"), at__gte=start, at__lt=end)
    following = StageChange.objects.filter(opportunity=OuterRef("opportunity"), at__gt=OuterRef("at")).order_by(
        "at", "id"
    )
    rows = []
    for index, stage in enumerate(Opportunity.ORDER):
        later = [*Opportunity.ORDER[index + 1 :], Stage.WON]
        entered = changes.filter(to_stage=stage).annotate(
            went_on=Exists(
                StageChange.objects.filter(
                    opportunity=OuterRef("opportunity"), to_stage__in=later, at__gte=OuterRef("at")
                )
            )
        )
        totals = entered.aggregate(
            entered=Count("opportunity", distinct=True),
            advanced=Count("opportunity", distinct=True, filter=Q(went_on=True)),
        )
        durations = (
            changes.filter(to_stage=stage)
            .annotate(next_at=Subquery(following.values("at")[:1]))
            .exclude(next_at=None)
            .annotate(duration=ExpressionWrapper(F("next_at") - F("at"), output_field=DurationField()))
        )
        rows.append(FunnelRow(stage, Stage(stage).label, totals["entered"], totals["advanced"], _median(durations)))
    lost = opportunities.filter(stage=Stage.LOST, closed_at__gte=start, closed_at__lt=end).order_by()
    by_reason = [
        {"label": localized(row["lost_reason__label_en"] or "", row["lost_reason__label_zh"] or ""), "n": row["n"]}
        for row in lost.values("lost_reason__label_en", "lost_reason__label_zh").annotate(n=Count("id")).order_by("-n")
    ]
    by_competitor = list(
        lost.exclude(lost_to=None).values("lost_to__name").annotate(n=Count("id")).order_by("-n", "lost_to__name")
    )
    won = changes.filter(to_stage=Stage.WON).aggregate(n=Count("opportunity", distinct=True))["n"]
    return {"rows": rows, "won": won, "lost_by_reason": by_reason, "lost_by_competitor": by_competitor}
