"""The `scores` job: every customer's scores for one night (analytics.scoring), as one snapshot row each.

prepare: the night's partition, the earlier snapshots loyalty's trend reads
steps:   in parallel, the churn trees trained on past data (prospects: analytics.churn, figures["churn"]; owners:
         analytics.churn_owners, figures["churn_owners"]) and the profit-class tree trained on the newest earlier
         snapshot's owners (analytics.profit_class)
chunk:   facts of customers lo..hi (analytics.facts) → scores → the night's rows for lo..hi replaced (delete +
         COPY on PostgreSQL, chunked bulk_create elsewhere, in one transaction)
finish:  the value-matrix thresholds per project (medians over all chunks) and the quadrants, one UPDATE each; the
         owners' actual profit class (net-profit terciles over all owners of the night), one UPDATE
"""

import io
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import orjson
import pandas as pd
from django.db import connection, transaction
from django.db.models import Case, FloatField, Max, Min, Q, Value, When
from django.db.models.functions import Cast

from analytics import churn, churn_owners, definitions, facts, jobs, partitions, profit_class, scoring
from analytics.models import CustomerScore, JobRun
from analytics.selectors.facts import read_frame, shared_reads
from customers.models import Customer

COLUMNS = [
    "night", "customer_id", "owner_id", "team_id", "project_id", "status", "contracts", "gross_profit",
    "service_cost", "rewards_cost", "campaign_cost", "net_profit", "demand", "quadrant", "current_value",
    "potential_value", "incremental_value", "lifetime_value", "segment", "loyalty", "loyalty_factors",
    "loyalty_nights", "loyalty_slope", "risk", "risk_reasons", "churn", "churn_reasons", "profit_class",
    "profit_class_leaf",
]  # fmt: skip
JSON_COLUMNS = ("loyalty_factors", "risk_reasons", "churn_reasons")
NULL = r"\N"  # COPY's null marker: an empty CSV field stays an empty string


def prepare(run: JobRun) -> dict:
    partitions.prepare_night(run.night)  # before any chunk writes the night (PostgreSQL: its own partition)
    keep = int(definitions.get("loyalty_history"))
    earlier = list(
        JobRun.objects.filter(name="scores", status=JobRun.Status.SUCCEEDED, night__lt=run.night)
        .values_list("night", flat=True)
        .distinct()
        .order_by("-night")[: max(keep - 1, 0)]
    )
    return {"history_nights": sorted(str(night) for night in set(earlier))}


# The three trees train on their own data, each a task of its own (two workers: the night's longest step sets the
# time, not their sum).
STEPS = {
    "churn": lambda run: churn.train(run.night),
    "churn_owners": lambda run: churn_owners.train(run.night),
    "profit_class": lambda run: profit_class.train(run.night),
}


def chunks(run: JobRun) -> list[tuple[int, int]]:
    bounds = Customer.objects.aggregate(first=Min("pk"), last=Max("pk"))
    return jobs.id_ranges(bounds["first"], bounds["last"], int(definitions.get("chunk_size")))


def _history(lo: int, hi: int, nights: list[str]) -> pd.DataFrame | None:
    """Earlier loyalty of the chunk's customers: one column per earlier night, oldest first."""
    if not nights:
        return None
    # One query per night: each reads one night's (customer, night) index (on PostgreSQL its own partition). Loyalty
    # comes as a float, not a Decimal per value; a night in a column of the result would cost a date per row.
    columns = {}
    for night in sorted(nights):
        frame = read_frame(
            CustomerScore.objects.filter(night=night, customer__pk__range=(lo, hi))
            .annotate(points=Cast("loyalty", FloatField()))
            .values_list("customer_id", "points")
            .order_by(),
            ["customer_id", "loyalty"],
        )
        columns[str(night)] = frame.set_index("customer_id")["loyalty"].astype(float)
    return pd.DataFrame(columns).reindex(columns=sorted(nights))


def compute(run: JobRun, lo: int, hi: int) -> pd.DataFrame:
    """The chunk's rows, as a DataFrame with COLUMNS (index: customer id)."""
    # The profit-class tree's file attributes come with the same read (no query of their own).
    names = ["owner_id", "team_id", "project_id", "status", *profit_class.FILE_COLUMNS]
    files = read_frame(
        Customer.objects.filter(pk__range=(lo, hi)).values_list("pk", *names).order_by("pk"),
        ["customer_id", *names],
    ).set_index("customer_id")
    if files.empty:
        return pd.DataFrame(columns=COLUMNS)
    with shared_reads():  # the facts and the churn features read the chunk's contacts once
        known = facts.read(lo, hi, run.night, files.index)
        scores = scoring.score(known, _history(lo, hi, run.figures.get("history_nights", [])))
        risk = churn.predict(run.figures.get("churn", {}), lo, hi, run.night, files.index, known)
        # Owners (disjoint from the prospects) into the same columns, from the facts just read.
        risk = churn_owners.predict(run.figures.get("churn_owners", {}), lo, hi, run.night, known, risk)
    classes = profit_class.predict(run.figures.get("profit_class", {}), files, known, run.night)
    frame = files.join(scores).join(risk).join(classes)
    frame["night"] = run.night
    frame["quadrant"] = ""
    frame["customer_id"] = frame.index
    return frame[COLUMNS]


def _text(value) -> str:
    """One value as a COPY csv field: text quoted when it holds a quote, a comma or a line break, or is empty (an
    unquoted empty field would read as NULL); numbers and dates as Python writes them."""
    if isinstance(value, str):
        if not value or any(mark in value for mark in '",\n\r'):
            return '"' + value.replace('"', '""') + '"'
        return value
    return str(value)


def _field_texts(series: pd.Series, json: bool = False) -> list[str]:
    """One column as COPY csv fields. Each distinct value is written once (pandas.factorize): a chunk's columns
    hold a handful of statuses, zeros and one night each; missing values as NULL."""
    if json:
        return ['"' + orjson.dumps(value).decode().replace('"', '""') + '"' for value in series.tolist()]
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = np.array([*(_text(value) for value in uniques.tolist()), NULL], dtype=object)
    return texts[codes].tolist()  # a missing value's code is -1: the NULL at the end


def _csv(frame: pd.DataFrame) -> str:
    """The frame's rows as COPY csv text (pandas' to_csv took 0.6 s per 50,000 rows, a fifth of a chunk)."""
    columns = [_field_texts(frame[name], json=name in JSON_COLUMNS) for name in COLUMNS]
    return "".join(",".join(row) + "\n" for row in zip(*columns, strict=True))


def _copy(frame: pd.DataFrame) -> None:
    buffer = io.StringIO(_csv(frame))
    table = CustomerScore._meta.db_table
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')", buffer
        )


def _bulk(frame: pd.DataFrame) -> None:
    records = frame.to_dict(orient="records")
    for record in records:
        for key in ("owner_id", "team_id", "project_id", "churn", "profit_class_leaf"):
            if record[key] is not None and pd.isna(record[key]):
                record[key] = None
    CustomerScore.objects.bulk_create((CustomerScore(**record) for record in records), batch_size=2000)


def _totals(frame: pd.DataFrame) -> dict:
    """The chunk's part of the night's figures (finish adds them up instead of scanning the night's million rows):
    rows, net profit as stored (to the cent) and the prospects' predicted profit classes (owners' classes are set
    by finish)."""
    prospects = frame.loc[frame["contracts"] == 0, "profit_class"]
    return {
        "rows": len(frame),
        "net_profit": round(float(frame["net_profit"].astype(float).round(2).sum()), 2),
        "prospect_classes": {str(key): int(n) for key, n in prospects[prospects != ""].value_counts().items()},
    }


def run_chunk(run: JobRun, lo: int, hi: int) -> dict:
    frame = compute(run, lo, hi)
    for key in ("owner_id", "team_id", "project_id", "profit_class_leaf"):
        frame[key] = frame[key].astype("Int64")
    with transaction.atomic():
        CustomerScore.objects.filter(night=run.night, customer__pk__range=(lo, hi)).delete()
        if frame.empty:
            return _totals(frame)
        if connection.vendor == "postgresql":
            _copy(frame)
        else:
            _bulk(frame.astype(object).where(frame.notna(), None))
    return _totals(frame)


QUADRANT_SQL = """
UPDATE {table} AS s SET quadrant = CASE
    WHEN s.net_profit > t.profit AND s.demand > t.demand THEN 'troublesome'
    WHEN s.net_profit > t.profit THEN 'star'
    WHEN s.demand > t.demand THEN 'dog'
    ELSE 'chicken_rib' END,
  profit_class = {profit_class}
FROM (VALUES {values}) AS t(project_key, profit, demand)
WHERE s.night = %s AND s.contracts > 0 AND COALESCE(s.project_id, 0) = t.project_key
RETURNING s.quadrant, s.profit_class
"""
PROFIT_CLASS_SQL = "CASE WHEN s.net_profit > %s THEN 'high' WHEN s.net_profit > %s THEN 'medium' ELSE 'low' END"


def _quadrants_sql(night, thresholds: dict, bounds) -> list[tuple[str, str]]:
    """One UPDATE for every project (a join on the thresholds), instead of four per project; it sets the owners'
    actual profit class in the same pass (each updated row is written once, with its indexes) and returns each
    owner's (quadrant, profit class), which finish counts instead of reading the night again."""
    values = ", ".join(["(%s::bigint, %s::numeric, %s::numeric)"] * len(thresholds))
    params = [item for key, (profit, demand) in thresholds.items() for item in (key or 0, profit, demand)]
    if bounds is None:
        profit_sql, class_params = "s.profit_class", []
    else:
        low_max, medium_max = profit_class.case_bounds(bounds)
        profit_sql, class_params = PROFIT_CLASS_SQL, [medium_max, low_max]
    sql = QUADRANT_SQL.format(table=CustomerScore._meta.db_table, values=values, profit_class=profit_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*class_params, *params, night])
        return cursor.fetchall()


def _owners_per_project(frame: pd.DataFrame) -> dict:
    owners = frame.loc[frame["contracts"] > 0, "project_id"]
    return {None if pd.isna(key) else int(key): int(n) for key, n in owners.value_counts(dropna=False).items()}


def _halves(thresholds: dict, sizes: dict) -> tuple[dict, dict]:
    """The projects' thresholds in two parts with about as many owners each (largest project first, to the
    lighter part)."""
    halves, load = ({}, {}), [0, 0]
    for key in sorted(thresholds, key=lambda key: (-sizes.get(key, 0), str(key))):
        side = 0 if load[0] <= load[1] else 1
        halves[side][key] = thresholds[key]
        load[side] += sizes.get(key, 0)
    return halves


def _quadrants_parallel(night, thresholds: dict, bounds, sizes: dict) -> list[tuple[str, str]]:
    """_quadrants_sql for two halves of the projects (balanced by their owners) at once, each on a connection of
    its own: finish runs on one worker while the others have nothing to do (1.85 → about 1 s on the bench data's
    70,000 owners). Inside a transaction (a test's) the other connection would not see its rows: one UPDATE then."""
    if connection.in_atomic_block or len(thresholds) < 2:
        return _quadrants_sql(night, thresholds, bounds)
    halves = _halves(thresholds, sizes)

    def update(half: dict) -> list:
        try:
            with transaction.atomic():
                return _quadrants_sql(night, half, bounds)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=2) as pool:
        return [row for rows in pool.map(update, halves) for row in rows]


def _quadrants_orm(night_rows, thresholds: dict) -> None:
    for project_id, (profit_median, demand_median) in thresholds.items():
        rows = night_rows.filter(
            contracts__gt=0, **({"project_id": project_id} if project_id else {"project_id__isnull": True})
        )
        large, complex_ = Q(net_profit__gt=profit_median), Q(demand__gt=demand_median)
        rows.filter(large & ~complex_).update(quadrant="star")
        rows.filter(large & complex_).update(quadrant="troublesome")
        rows.filter(~large & ~complex_).update(quadrant="chicken_rib")
        rows.filter(~large & complex_).update(quadrant="dog")


def _profit_classes(night_rows, bounds) -> None:
    """The owners' actual profit class (analytics.profit_class): one UPDATE over the night's owners (the partial
    owners index finds them); prospects keep the class the chunks predicted. PostgreSQL does this within the
    quadrant UPDATE."""
    if bounds is None:
        return
    low_max, medium_max = profit_class.case_bounds(bounds)
    night_rows.filter(contracts__gt=0).update(
        profit_class=Case(
            When(net_profit__gt=medium_max, then=Value("high")),
            When(net_profit__gt=low_max, then=Value("medium")),
            default=Value("low"),
        )
    )


def finish(run: JobRun, results: list) -> dict:
    """Quadrants and the owners' profit classes (one UPDATE), and the night's figures: the owners' counts from what
    the UPDATE returns, the rows, net profit and prospects' classes added up from the chunks' totals (`results`)."""
    started = time.monotonic()
    night_rows = CustomerScore.objects.filter(night=run.night)
    frame = read_frame(
        night_rows.filter(contracts__gt=0).values_list("project_id", "contracts", "net_profit", "demand").order_by(),
        ["project_id", "contracts", "net_profit", "demand"],
    )
    frame["net_profit"] = frame["net_profit"].map(float)
    thresholds = scoring.medians(frame)
    bounds = profit_class.terciles(frame["net_profit"]) if not frame.empty else None
    # Only owners get a quadrant (the UPDATE below); `contracts > 0` lets the partial owners index find them
    # instead of reading the night's million index entries for `quadrant <> ''`. (A re-run's old quadrants.)
    night_rows.filter(contracts__gt=0).exclude(quadrant="").update(quadrant="")
    if thresholds and connection.vendor == "postgresql":
        owners = _quadrants_parallel(run.night, thresholds, bounds, _owners_per_project(frame))
    else:
        with transaction.atomic():
            _quadrants_orm(night_rows, thresholds)
            _profit_classes(night_rows, bounds)
            owners = list(
                night_rows.filter(contracts__gt=0).exclude(quadrant="").values_list("quadrant", "profit_class")
            )
    partitions.analyse_night(run.night)  # the night's dashboards are planned on its own statistics from the start
    quadrants, classes = Counter(), Counter()
    for quadrant, owner_class in owners:
        quadrants[quadrant] += 1
        classes[owner_class] += 1
    # The chord hands finish every chunk's totals (none when there was no customer at all).
    rows = sum(result["rows"] for result in results)
    net_profit = round(sum(result["net_profit"] for result in results), 2)
    for result in results:
        classes.update(result["prospect_classes"])
    return {
        "rows": rows,
        "net_profit": net_profit,
        "quadrants": dict(quadrants),
        "thresholds": {str(key or "none"): list(value) for key, value in thresholds.items()},
        "quadrant_seconds": round(time.monotonic() - started, 2),
        "profit_class_bounds": list(bounds) if bounds else None,
        "profit_classes": {
            value: classes[value] for value, _label in CustomerScore.ProfitClass.choices if classes[value]
        },
    }


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    jobs.register(
        jobs.Job(
            "scores",
            _("Customer scores"),
            chunks=chunks,
            run_chunk=run_chunk,
            finish=finish,
            prepare=prepare,
            steps=STEPS,
        )
    )
