"""Reads of the funnel: opportunity lists, the kanban board, stage history and the funnel report."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from crm_site import customfields, reportcache
from crm_site.models.choices import localized
from crm_site.scope import reach
from sales.models import Opportunity, StageChange

User = get_user_model()
Stage = Opportunity.Stage
ENTITY = "opportunity"  # the record kind of custom fields (registered in SalesConfig.ready)
BOARD_LIMIT = 20  # cards per column; the column links to the filtered list for the rest
RECENT_DAYS = 3
BOARD_COUNT_CAP = 1000
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
    source: str = "",
    custom: dict | None = None,
) -> QuerySet[Opportunity]:
    """The user's visible opportunities, filtered (source: the customer's source channel; custom: {key: value} of
    custom-field filters), newest stage change first."""
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
    if source:
        rows = rows.filter(customer__source=source)
    if created_from:
        rows = rows.filter(created_at__date__gte=created_from)
    if created_to:
        rows = rows.filter(created_at__date__lte=created_to)
    if status == "open":
        rows = rows.open()
    elif status == "closed":
        rows = rows.filter(stage__in=Opportunity.CLOSED_STAGES)
    rows = customfields.filter_records(rows, ENTITY, custom)
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

    @property
    def count_label(self) -> str:
        return count_label(self.count)

    @property
    def more_label(self) -> str:
        """How many cards the column does not show: "980+" when its count is over the cap."""
        if self.count > BOARD_COUNT_CAP:
            return f"{BOARD_COUNT_CAP - len(self.cards)}+"
        return str(self.more)


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
    """Cards per open stage, counted up to BOARD_COUNT_CAP + 1 (more reads "over the cap"), and won/lost in the
    last 30 days: one statement.

    An exact count reads every card of a column (a big team's has tens of thousands); a capped count reads at
    most the cap, walking the (owner, stage, -stage_changed_at) index in its order (hence the ORDER BY). Closing
    sets stage_changed_at and closed_at together (services.funnel.stage_enter), so the recent closed cards are
    found through the same index instead of reading every old lost card.
    """
    since = timezone.now() - datetime.timedelta(days=CLOSED_WINDOW_DAYS)
    parts, params = [], []
    for stage in Opportunity.ORDER:
        capped = rows.filter(stage=stage).order_by("owner_id", "stage", "-stage_changed_at").values("pk")
        sql, capped_params = capped[: BOARD_COUNT_CAP + 1].query.sql_with_params()
        parts.append(f"SELECT %s, COUNT(*) FROM ({sql}) AS capped")  # noqa: S608 - SQL of a queryset
        params += [stage, *capped_params]
    closed = rows.filter(stage__in=Opportunity.CLOSED_STAGES, stage_changed_at__gte=since, closed_at__gte=since)
    sql, closed_params = closed.order_by().values("stage").annotate(n=Count("id")).query.sql_with_params()
    parts.append(sql)
    params += closed_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {stage: n for stage, n in cursor.fetchall() if n}


def count_label(count: int) -> str:
    """A column's count as shown: "1000+" once over the cap."""
    return f"{BOARD_COUNT_CAP}+" if count > BOARD_COUNT_CAP else str(count)


# What a card shows: the board reads these columns only (a customer row alone has some forty).
CARD_FIELDS = (
    "stage",
    "stage_changed_at",
    "expected_amount",
    "customer__name",
    "project__name",
    "unit__number",
    "unit__building__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


def _recent_card_ids(rows: QuerySet[Opportunity], stages, limit: int) -> dict[str, list[int]]:
    """The ids of the `limit` most recent cards of each of `stages`, most recent first: one query."""
    ranked = (
        rows.filter(stage__in=stages)
        .annotate(
            rank=Window(RowNumber(), partition_by=F("stage"), order_by=[F("stage_changed_at").desc(), F("id").desc()])
        )
        .filter(rank__lte=limit)
        .order_by()
        .values_list("stage", "rank", "id")
    )
    found: dict[str, list[int]] = {stage: [] for stage in stages}
    for stage, _rank, pk in sorted(ranked):
        found[stage].append(pk)
    return found


def board(*, user, who: str = "mine") -> dict:
    """The kanban: the BOARD_LIMIT most recent cards of each open stage, and the count of each.

    A team's board covers some hundred thousand cards; the most recent ones are looked for among the last
    RECENT_DAYS' stage changes first (a narrow index range), and only a stage with too few of them there is
    ranked over all its cards. Four queries at most, whatever the number of opportunities: the counts, the
    recent ids, the stages short of cards, the cards themselves (the columns they show, through select_related).
    """
    rows = board_rows(user=user, who=who)
    counts = board_counts(rows)
    now = timezone.now()
    stages = [stage for stage in Opportunity.ORDER if counts.get(stage)]
    recent = rows.filter(stage_changed_at__gte=now - datetime.timedelta(days=RECENT_DAYS))
    ids = _recent_card_ids(recent, stages, BOARD_LIMIT) if stages else {}
    short = [stage for stage in stages if len(ids[stage]) < min(BOARD_LIMIT, counts[stage])]
    if short:
        ids.update(_recent_card_ids(rows, short, BOARD_LIMIT))
    wanted = [pk for stage in stages for pk in ids[stage]]
    cards = (
        Opportunity.objects.filter(pk__in=wanted).select_related("customer", "project", "unit__building", "owner")
        if wanted
        else Opportunity.objects.none()
    )
    by_pk = {card.pk: card for card in with_days(list(cards.only(*CARD_FIELDS)), now)}
    columns = [
        Column(
            stage,
            Stage(stage).label,
            [by_pk[pk] for pk in ids.get(stage, []) if pk in by_pk],
            counts.get(stage, 0),
        )
        for stage in Opportunity.ORDER
    ]
    return {
        "columns": columns,
        "won": counts.get(Stage.WON, 0),
        "lost": counts.get(Stage.LOST, 0),
        "limit": BOARD_LIMIT,
    }


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
    """One stage of the funnel report for a period.

    entered: opportunities that entered the stage during the period; in_stage: those plus the ones already in it
    when the period began (a contract signed last quarter and handed over this month was in "contract" now);
    advanced: of the in_stage ones, those that reached a later stage (or won) before the period ended.
    """

    stage: str
    label: str
    entered: int = 0
    advanced: int = 0
    median_days: float | None = None
    in_stage: int = 0

    @property
    def conversion(self) -> float | None:
        base = self.in_stage or self.entered
        return round(100 * self.advanced / base, 1) if base else None


def _report_opportunities(*, user, project=None, team=None, owner=None, source: str = "") -> QuerySet[Opportunity]:
    rows = Opportunity.objects.visible_to(user)
    if project:
        rows = rows.filter(project=project)
    if team:
        rows = rows.filter(team=team)
    if owner:
        rows = rows.filter(owner=owner)
    if source:
        rows = rows.filter(customer__source=source)
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


def _median_days_by_stage(*, opportunities, start, end) -> dict[str, float] | None:
    """{stage: median days from entering it in [start, end) to the opportunity's next change} in one statement
    on PostgreSQL (None elsewhere: the caller reads each stage's median on its own).

    A change's next one is the first strictly later instant of the same opportunity: the minimum over the
    following rows with their ties excluded (a window frame over the scope's changes since `start`: a change in
    the period can only be followed by a later one), then percentile_cont per stage. Per stage and row, a
    correlated "next change" subquery took 20-45 s on the bench data; DISTINCT instants with LEAD and a join back
    took 7-8 s for a year of the company's 1,000,000 changes.
    """
    if connection.vendor != "postgresql":
        return None
    if opportunities.query.where:
        scope_sql, scope_params = opportunities.order_by().values("pk").query.sql_with_params()
        in_scope = f"AND opportunity_id IN ({scope_sql})"
    else:  # everything: no scope clause
        in_scope, scope_params = "", ()
    sql = f"""
        SELECT to_stage, percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM next_at - at))
        FROM (
            SELECT to_stage, at, MIN(at) OVER (
                PARTITION BY opportunity_id ORDER BY at
                RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE GROUP
            ) AS next_at
            FROM sales_stagechange
            WHERE at >= %s {in_scope}
        ) AS timed
        WHERE at < %s AND next_at IS NOT NULL
        GROUP BY to_stage
    """  # noqa: S608 - the SQL of a queryset, parameters bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, *scope_params, end])
        return {stage: round(float(seconds) / 86400, 1) for stage, seconds in cursor.fetchall()}


def _distinct_count(*querysets) -> int:
    """How many distinct ids the single-column querysets give together (one UNION statement)."""
    first, *rest = querysets
    return first.union(*rest).count()


def _stage_flow(*, stage: str, opportunities, changes, start, end) -> tuple[int, int, int]:
    """(entered, in stage, advanced) of `stage` in [start, end): see FunnelRow."""
    index = Opportunity.ORDER.index(stage)
    later = [*Opportunity.ORDER[index + 1 :], Stage.WON]
    scoped = StageChange.objects.filter(opportunity__in=opportunities.values("pk"))
    entries = changes.filter(to_stage=stage)
    # Already in the stage when the period began: still there (never moved since), or the first change after
    # the start leaves it. The to_stage filter lets the (to_stage, at) index serve the range.
    still_there = opportunities.filter(stage=stage, stage_changed_at__lt=start).values("pk")
    earlier_in_period = StageChange.objects.filter(
        opportunity=OuterRef("opportunity"), at__gte=start, at__lt=OuterRef("at")
    )
    left_after_start = scoped.filter(from_stage=stage, to_stage__in=Stage.values, at__gte=start).exclude(
        Exists(earlier_in_period)
    )
    went_on_after_entry = Exists(
        StageChange.objects.filter(
            opportunity=OuterRef("opportunity"), to_stage__in=later, at__gte=OuterRef("at"), at__lt=end
        )
    )
    went_on_in_period = Exists(
        StageChange.objects.filter(opportunity=OuterRef("opportunity"), to_stage__in=later, at__gte=start, at__lt=end)
    )
    entered = entries.aggregate(n=Count("opportunity", distinct=True))["n"]
    in_stage = _distinct_count(
        entries.order_by().values("opportunity_id"),
        still_there.order_by(),
        left_after_start.order_by().values("opportunity_id"),
    )
    advanced = _distinct_count(
        entries.filter(went_on_after_entry).order_by().values("opportunity_id"),
        left_after_start.filter(went_on_in_period).order_by().values("opportunity_id"),
    )
    return entered, in_stage, advanced


def _stage_flows_by_stage(*, opportunities, start, end) -> dict[str, tuple[int, int, int]] | None:
    """{stage: (entered, in stage, advanced)} for every funnel stage, and {WON: (won, 0, 0)}, in two statements on
    PostgreSQL (None elsewhere: the caller asks `_stage_flow` per stage). The same definitions as `_stage_flow`:

    - entered: opportunities with a change to the stage in [start, end);
    - in stage: entered, or in the stage before the start and never moved since, or whose first change at or
      after the start leaves the stage;
    - advanced: entered and later (at or after the entry, before the end) changed to a later stage or won; or
      in the stage at the start and changed to a later stage within the period.

    One pass groups the scope's changes since `start` per opportunity (first and last instant into each stage,
    whether its first change left the stage), then counts per stage; a count by stage adds those never moved since.
    Six stages asked separately read the period's changes about thirty times (17 s median for an executive
    over the 500,000 bench opportunities).
    """
    if connection.vendor != "postgresql":
        return None
    stages = [*Opportunity.ORDER, Stage.WON]
    order = list(Opportunity.ORDER)
    if opportunities.query.where:
        scope_sql, scope_params = opportunities.order_by().values("pk").query.sql_with_params()
        in_scope = f"AND opportunity.id IN ({scope_sql})"
    else:  # everything (an executive, no filter): a scope clause would only join the table to itself
        in_scope, scope_params = "", ()
    per_stage = []
    params: list = [order, start, start, *scope_params]
    for index, stage in enumerate(stages):
        per_stage.append(f"MIN(at) FILTER (WHERE to_stage = %s AND at < %s) AS e{index}")
        per_stage.append(f"MAX(at) FILTER (WHERE to_stage = %s AND at < %s) AS x{index}")
        # The first change since the start left the stage: its first change from the stage is the first change.
        per_stage.append(f"MIN(at) FILTER (WHERE from_stage = %s AND to_stage = ANY(%s)) = MIN(at) AS c{index}")
        params += [stage, end, stage, end, stage, list(Stage.values)]
    outer = []
    for index, _stage in enumerate(Opportunity.ORDER):
        later = ", ".join(f"x{k}" for k in range(index + 1, len(stages)))
        went_on = f"GREATEST({later})"
        outer.append(f"COUNT(*) FILTER (WHERE e{index} IS NOT NULL)")
        outer.append(f"COUNT(*) FILTER (WHERE e{index} IS NOT NULL OR still_stage = %s OR COALESCE(c{index}, false))")
        outer.append(
            f"COUNT(*) FILTER (WHERE (e{index} IS NOT NULL AND {went_on} >= e{index})"
            f" OR (COALESCE(c{index}, false) AND {went_on} IS NOT NULL))"
        )
    won_index = len(stages) - 1
    outer.append(f"COUNT(*) FILTER (WHERE e{won_index} IS NOT NULL)")
    outer += ["COUNT(*) FILTER (WHERE still_stage = %s)"] * len(order)
    # Opportunities in a stage since before the start are counted by stage by the scope's own query (an
    # index-only count, no per-row expressions over most of the scope); those of them that changed since the
    # start are in `flows` already (their still_stage), so they are subtracted rather than anti-joined.
    sql = f"""
        WITH changes AS (
            SELECT change.opportunity_id, change.from_stage, change.to_stage, change.at,
                   CASE WHEN opportunity.stage = ANY(%s) AND opportunity.stage_changed_at < %s
                        THEN opportunity.stage END AS still_stage
            FROM sales_stagechange AS change
            JOIN sales_opportunity AS opportunity ON opportunity.id = change.opportunity_id
            WHERE change.at >= %s {in_scope}
        ), flows AS (
            SELECT opportunity_id, MAX(still_stage) AS still_stage, {", ".join(per_stage)}
            FROM changes GROUP BY opportunity_id
        )
        SELECT {", ".join(outer)} FROM flows
    """  # noqa: S608 - generated column names and the SQL of a queryset; every value is a bound parameter
    all_params = [*params, *order, *order]  # placeholders in text order: the CTEs, then the final SELECT
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        values = cursor.fetchone()
    still_before = dict(
        opportunities.filter(stage__in=order, stage_changed_at__lt=start)
        .order_by()
        .values("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    flows_count = len(order) * 3 + 1
    changed_since = dict(zip(order, values[flows_count:], strict=True))
    result = {}
    for index, stage in enumerate(Opportunity.ORDER):
        entered, in_stage, advanced = values[index * 3 : index * 3 + 3]
        # Never moved since: in the stage before the start, and not among those changed since.
        result[stage] = (entered, in_stage + still_before.get(stage, 0) - changed_since[stage], advanced)
    result[Stage.WON] = (values[flows_count - 1], 0, 0)
    return result


def funnel_report(
    *,
    user,
    date_from: datetime.date,
    date_to: datetime.date,
    project=None,
    team=None,
    owner=None,
    source: str = "",
) -> dict:
    """Per stage for the period: entries, opportunities in the stage (entered or already there), how many of
    them went on to a later stage within the period, median days in stage; won and lost in the period.
    owner: one rep's opportunities; source: those of customers from one source channel."""
    opportunities = _report_opportunities(user=user, project=project, team=team, owner=owner, source=source)
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min))
    changes = StageChange.objects.filter(opportunity__in=opportunities.values("pk"), at__gte=start, at__lt=end)
    following = StageChange.objects.filter(opportunity=OuterRef("opportunity"), at__gt=OuterRef("at")).order_by(
        "at", "id"
    )
    medians = _median_days_by_stage(opportunities=opportunities, start=start, end=end)
    flows = _stage_flows_by_stage(opportunities=opportunities, start=start, end=end)
    rows = []
    for stage in Opportunity.ORDER:
        if flows is not None:
            entered, in_stage, advanced = flows[stage]
        else:
            entered, in_stage, advanced = _stage_flow(
                stage=stage, opportunities=opportunities, changes=changes, start=start, end=end
            )
        if medians is not None:
            median = medians.get(stage)
        else:
            durations = (
                changes.filter(to_stage=stage)
                .annotate(next_at=Subquery(following.values("at")[:1]))
                .exclude(next_at=None)
                .annotate(duration=ExpressionWrapper(F("next_at") - F("at"), output_field=DurationField()))
            )
            median = _median(durations)
        rows.append(FunnelRow(stage, Stage(stage).label, entered, advanced, median, in_stage))
    lost = opportunities.filter(stage=Stage.LOST, closed_at__gte=start, closed_at__lt=end).order_by()
    by_reason = [
        {"label": localized(row["lost_reason__label_en"] or "", row["lost_reason__label_zh"] or ""), "n": row["n"]}
        for row in lost.values("lost_reason__label_en", "lost_reason__label_zh").annotate(n=Count("id")).order_by("-n")
    ]
    by_competitor = list(
        lost.exclude(lost_to=None).values("lost_to__name").annotate(n=Count("id")).order_by("-n", "lost_to__name")
    )
    if flows is not None:
        won = flows[Stage.WON][0]
    else:
        won = changes.filter(to_stage=Stage.WON).aggregate(n=Count("opportunity", distinct=True))["n"]
    return {
        "rows": rows,
        "won": won,
        "lost": sum(row["n"] for row in by_reason),
        "lost_by_reason": by_reason,
        "lost_by_competitor": by_competitor,
        "date_from": date_from,
        "date_to": date_to,
    }


def previous_period(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period of the same number of days that ends the day before `date_from`."""
    days = (date_to - date_from).days + 1
    previous_to = date_from - datetime.timedelta(days=1)
    return previous_to - datetime.timedelta(days=days - 1), previous_to


def _change(now, before):
    """now - before, or None when either is unknown (a conversion or median of an empty stage)."""
    if now is None or before is None:
        return None
    return round(now - before, 1) if isinstance(now, float) or isinstance(before, float) else now - before


@dataclass
class StageComparison:
    """One stage of the funnel report beside the same stage in the previous period of equal length."""

    current: FunnelRow
    previous: FunnelRow

    @property
    def stage(self) -> str:
        return self.current.stage

    @property
    def label(self) -> str:
        return self.current.label

    @property
    def changes(self) -> dict:
        """Per measure, the change from the previous period (conversion in percentage points)."""
        return {
            name: _change(getattr(self.current, name), getattr(self.previous, name))
            for name in ("entered", "in_stage", "advanced", "conversion", "median_days")
        }


def funnel_compare(*, user, date_from: datetime.date, date_to: datetime.date, **filters) -> dict:
    """The funnel report of the period and of the previous period of equal length (same filters), stage by
    stage: {"current", "previous", "stages": [StageComparison], "won_change", "lost_change"}."""
    current = funnel_report(user=user, date_from=date_from, date_to=date_to, **filters)
    before_from, before_to = previous_period(date_from, date_to)
    return compare(current, funnel_report(user=user, date_from=before_from, date_to=before_to, **filters))


def compare(current: dict, previous: dict) -> dict:
    """Two funnel reports (funnel_report) side by side, stage by stage (see funnel_compare)."""
    return {
        "current": current,
        "previous": previous,
        "stages": [StageComparison(now, before) for now, before in zip(current["rows"], previous["rows"], strict=True)],
        "won_change": current["won"] - previous["won"],
        "lost_change": current["lost"] - previous["lost"],
    }


# Team boards are cached per scope (sales.views.funnel); these writes change what they show.
reportcache.watch("sales.funnel", Opportunity, StageChange)
