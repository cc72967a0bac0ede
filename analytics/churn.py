"""Churn risk (004): a shallow scikit-learn decision tree, trained every night on a time split, explained by
the path a customer takes through it. One tree per population, with the same machinery (train_split, explain,
walk below): prospects here, owners in analytics.churn_owners. The two populations are disjoint (a prospect has
no contract, an owner has one), so both fill the same churn / churn_reasons columns of the snapshot; each row's
reasons name their features, whose labels are analytics.labels.CHURN_FEATURES / OWNER_CHURN_FEATURES.

Who is scored here: prospects — files with an opportunity open on the day and no contract signed by then.
Label (stated): such a prospect has churned when every opportunity open on the day ends lost (to a competitor or
    otherwise) within churn_horizon_days after it.
Features, all as of the day (nothing after it, so nothing leaks the label): interactions in the 90 days before,
    days since the last interaction, visits, promises made, open opportunities, the furthest stage reached
    (from the dated stage history), tenure in days, whether an intent was recorded.
Time split: trained on the population of night − 2 × horizon (outcomes known by night − horizon), tested on that
    of night − horizon (outcomes known by the night). Below churn_min_examples labelled training examples, or
    churn_min_per_class of either class, it refuses to train ("not enough history") and scores nobody.
Recorded in the job run: examples, churn rate, test precision, recall, accuracy and the majority-class baseline,
    the tree as readable rules.
"""

import datetime

import numpy as np
import pandas as pd
from django.db.models import Count, Min, Q

from analytics import definitions
from analytics.selectors.facts import contact_summary, contacts_of, night_end, read_batched, read_frame
from crm_site.lookups import IdList
from customers.models import Customer, PurchaseIntent
from sales.models import Deal, Opportunity, Promise, StageChange

FEATURES = [
    "interactions_90",
    "days_since_contact",
    "visits",
    "promises",
    "open_opportunities",
    "stage_reached",
    "tenure_days",
    "has_intent",
]
STAGE_RANK = {stage: rank for rank, stage in enumerate(Opportunity.ORDER)}
NO_CONTACT_DAYS = 999
NO_REASONS: list = []


def _series(build, ids: list, key, name, aggregate) -> pd.Series:
    """`build(batch of ids)` grouped by `key` (a customer id) with `aggregate`, read for `ids` in batches."""
    frame = read_batched(lambda batch: build(batch).values(key).annotate(v=aggregate).order_by(), ids, [key, name])
    return frame.set_index(key)[name]


def _open_then(lo: int, hi: int, day: datetime.datetime):
    """Opportunities of customers lo..hi open at `day` (of files that existed then; the files are looked up by id
    range, not joined: a join on the creation date alone made PostgreSQL read a million files per chunk)."""
    existed = Customer.objects.filter(pk__range=(lo, hi), created_at__lt=day).values("pk")
    return Opportunity.objects.filter(customer__pk__range=(lo, hi), customer_id__in=existed, created_at__lt=day).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=day)
    )


def population(lo: int, hi: int, day: datetime.datetime) -> pd.DataFrame:
    """Prospects of ids lo..hi at `day` (an aware datetime): the opportunities open then, and no contract."""
    open_then = read_frame(
        _open_then(lo, hi, day).values_list("pk", "customer_id", "stage", "closed_at").order_by(),
        ["opportunity_id", "customer_id", "stage", "closed_at"],
    )
    if open_then.empty:
        return open_then
    signed = set(
        Deal.objects.filter(customer__pk__range=(lo, hi), stage=Deal.Stage.CONTRACT, signed_on__lt=day.date())
        .exclude(state=Deal.State.CANCELLED)
        .values_list("customer_id", flat=True)
    )
    return open_then[~open_then["customer_id"].isin(signed)]


def features(
    lo: int,
    hi: int,
    day: datetime.datetime,
    opportunities: pd.DataFrame,
    *,
    scan_chunk: bool = False,
    known: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The features of the prospects in `opportunities` (from `population(lo, hi, day)`).

    `scan_chunk`: read the contacts from the chunk's contact summary (analytics.selectors.facts.contact_summary),
    which the night's facts of the same chunk have already read, instead of a query of their own (scoring a night;
    training reads past days over prospect-dense ranges, where its own query is cheaper).
    `known`: the chunk's facts of the same day (analytics.facts.read, scoring a night): the promises, the tenure
    and the intents recorded are taken from them (the same definitions) instead of three queries of their own.

    Each source is read for the prospects only, by id lists in batches (not the whole id range, and not a subquery
    PostgreSQL would evaluate again for every source), and the three interaction features in one scan.
    """
    ids = sorted({int(value) for value in opportunities["customer_id"].tolist()})
    frame = pd.DataFrame(0.0, index=pd.Index(ids, name="customer_id"), columns=FEATURES)
    if not ids:
        return frame
    if scan_chunk:
        contacts = contact_summary(lo, hi, day)
    else:
        contacts = contacts_of(ids, day)
    contacts = contacts.reindex(frame.index)
    frame["interactions_90"] = contacts["recent"]
    days = (pd.Timestamp(day) - pd.to_datetime(contacts["last"], utc=True)).dt.days
    frame["days_since_contact"] = days.reindex(frame.index).fillna(NO_CONTACT_DAYS).clip(upper=NO_CONTACT_DAYS)
    frame["visits"] = contacts["visits"]
    if known is not None:
        facts_of = known.reindex(frame.index)
        frame["promises"] = facts_of["promises"]
        frame["tenure_days"] = facts_of["tenure_days"]
        frame["has_intent"] = (facts_of["intents"] > 0).astype(float)
    else:
        frame["promises"] = _series(
            lambda batch: Promise.objects.filter(customer_id__any=batch, created_at__lt=day),
            ids,
            "customer_id",
            "n",
            Count("pk"),
        )
        created = _series(lambda batch: Customer.objects.filter(pk__any=batch), ids, "pk", "created", Min("created_at"))
        frame["tenure_days"] = (pd.Timestamp(day) - pd.to_datetime(created, utc=True)).dt.days.clip(lower=0)
        intents = _series(
            lambda batch: PurchaseIntent.objects.filter(customer_id__any=batch, recorded_at__lt=day),
            ids,
            "customer_id",
            "n",
            Count("pk"),
        )
        frame["has_intent"] = (intents > 0).astype(float)
    frame["open_opportunities"] = opportunities.groupby("customer_id").size()
    opportunity_ids = sorted(int(value) for value in opportunities["opportunity_id"].tolist())
    stages = read_batched(
        lambda batch: (
            StageChange.objects.filter(opportunity_id__any=batch, at__lt=day)
            .exclude(to_stage__in=Opportunity.CLOSED_STAGES)
            .values_list("opportunity_id", "to_stage")
            .order_by()
        ),
        opportunity_ids,
        ["opportunity_id", "stage"],
    )
    if not stages.empty:
        owner_of = dict(
            zip(opportunities["opportunity_id"].tolist(), opportunities["customer_id"].tolist(), strict=True)
        )
        stages["customer_id"] = stages["opportunity_id"].map(owner_of)
        stages["rank"] = stages["stage"].map(STAGE_RANK).fillna(0)
        frame["stage_reached"] = stages.groupby("customer_id")["rank"].max()
    return frame.fillna(0).astype(float)


def labels(opportunities: pd.DataFrame, until: datetime.datetime) -> pd.Series:
    """1 when every opportunity open on the day was lost before `until`, else 0."""
    ids = opportunities["opportunity_id"].tolist()
    lost = set(
        Opportunity.objects.filter(pk__any=IdList(ids), stage=Opportunity.Stage.LOST, closed_at__lt=until).values_list(
            "pk", flat=True
        )
    )
    marked = opportunities.assign(lost=opportunities["opportunity_id"].isin(lost))
    return marked.groupby("customer_id")["lost"].all().astype(int)


def _prospect_ranges(day: datetime.datetime, size: int) -> list[tuple[int, int]]:
    """Id ranges holding at most `size` customers with an opportunity open at `day` each: a past night's
    prospects are a few percent of the files, so their ranges are few (one pass over 20 ranges of the whole
    table per training set took most of the 30 s of training on the bench data)."""
    ids = sorted(
        set(
            Opportunity.objects.filter(created_at__lt=day, customer__created_at__lt=day)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=day))
            .values_list("customer_id", flat=True)
            .order_by()
        )
    )
    return [(ids[start], ids[min(start + size, len(ids)) - 1]) for start in range(0, len(ids), size)]


def dataset(day: datetime.datetime, until: datetime.datetime) -> tuple[pd.DataFrame, pd.Series]:
    parts, targets = [], []
    for lo, hi in _prospect_ranges(day, int(definitions.get("chunk_size"))):
        opportunities = population(lo, hi, day)
        if opportunities.empty:
            continue
        parts.append(features(lo, hi, day, opportunities))
        targets.append(labels(opportunities, until))
    if not parts:
        return pd.DataFrame(columns=FEATURES), pd.Series(dtype=int)
    x = pd.concat(parts)
    return x, pd.concat(targets).reindex(x.index)


def train(night: datetime.date) -> dict:
    """The prospects' tree (the time split described above); a dict for the job run (the tree, or why none)."""
    return train_split(night, dataset, FEATURES)


def predict(model: dict, lo: int, hi: int, night: datetime.date, ids, known: pd.DataFrame | None = None):
    """Churn risk and reasons for the chunk's prospects (None for everyone else, or when no tree was trained);
    `known`: the chunk's facts of the night, which hold three of the features."""
    out = unscored(ids)
    if not model.get("trained"):
        return out
    day = night_end(night)
    opportunities = population(lo, hi, day)
    if opportunities.empty:
        return out
    return walk(model, features(lo, hi, day, opportunities, scan_chunk=True, known=known), FEATURES, out)


# The tree, shared by the two populations (prospects here, owners in analytics.churn_owners): each gives its
# feature names and a dataset(day, until) of features as of `day` with labels known by `until`.


def train_split(night: datetime.date, build, names: list[str]) -> dict:
    """Train a tree on `build(day, until)` over the time split (train on night − 2 × horizon with outcomes by
    night − horizon, test on night − horizon with outcomes by the night); a dict for the job run: the counts, the
    test figures, the rules and the tree as arrays, or why there is none ("not enough history")."""
    from sklearn.metrics import precision_score, recall_score
    from sklearn.tree import DecisionTreeClassifier, export_text

    horizon = datetime.timedelta(days=int(definitions.get("churn_horizon_days")))
    end = night_end(night)
    x_train, y_train = build(end - 2 * horizon, end - horizon)
    minimum, per_class = int(definitions.get("churn_min_examples")), int(definitions.get("churn_min_per_class"))
    counts = {"examples": len(y_train), "churned": int(y_train.sum()) if len(y_train) else 0}
    if len(y_train) < minimum or min(counts["churned"], len(y_train) - counts["churned"]) < per_class:
        return {
            **counts,
            "trained": False,
            "minimum": minimum,
            "per_class": per_class,
            "reason": f"not enough history: {len(y_train)} labelled examples ({counts['churned']} churned); "
            f"needs {minimum}, with {per_class} of each class",
        }
    depth = int(definitions.get("churn_max_depth"))
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=max(5, len(y_train) // 100), random_state=0)
    tree.fit(x_train[names].to_numpy(dtype=float), y_train.to_numpy())
    result = {**counts, "trained": True, "rules": export_text(tree, feature_names=names)}
    x_test, y_test = build(end - horizon, end)
    if len(y_test):
        predicted = tree.predict(x_test[names].to_numpy(dtype=float))
        majority = max(int(y_test.sum()), len(y_test) - int(y_test.sum()))
        result.update(
            test_examples=len(y_test),
            precision=round(float(precision_score(y_test, predicted, zero_division=0)), 3),
            recall=round(float(recall_score(y_test, predicted, zero_division=0)), 3),
            accuracy=round(float((predicted == y_test.to_numpy()).mean()), 3),
            baseline=round(majority / len(y_test), 3),
        )
    nodes = tree.tree_
    result["tree"] = {
        "feature": nodes.feature.tolist(),
        "threshold": [round(float(value), 4) for value in nodes.threshold],
        "left": nodes.children_left.tolist(),
        "right": nodes.children_right.tolist(),
        "churned": [round(float(row[0][1] / row[0].sum()), 4) if row[0].sum() else 0.0 for row in nodes.value],
    }
    return result


def explain(tree: dict, row, names: list[str] = FEATURES) -> tuple[float, list[dict]]:
    """The leaf's churn share for one row of features, and the path to it ({feature, op, threshold, value})."""
    node, path = 0, []
    while tree["left"][node] != -1:
        feature = names[tree["feature"][node]]
        threshold = tree["threshold"][node]
        value = float(row[feature])
        if value <= threshold:
            path.append({"feature": feature, "op": "<=", "threshold": threshold, "value": value})
            node = tree["left"][node]
        else:
            path.append({"feature": feature, "op": ">", "threshold": threshold, "value": value})
            node = tree["right"][node]
    return tree["churned"][node], path


def unscored(ids) -> pd.DataFrame:
    """churn (None) and churn_reasons ([]) for `ids`: what a file outside both populations gets."""
    # One shared empty list for the files not scored (never changed: a scored row's list is replaced, not extended).
    return pd.DataFrame(
        {"churn": np.nan, "churn_reasons": [NO_REASONS] * len(ids)}, index=pd.Index(ids, name="customer_id")
    )


def _leaf_steps(tree: dict, names: list[str]) -> dict[int, list[tuple]]:
    """Every leaf's path from the root as (feature index, feature name, op, threshold) steps."""
    paths, stack = {}, [(0, [])]
    while stack:
        node, path = stack.pop()
        left, right = int(tree["left"][node]), int(tree["right"][node])
        if left == -1:
            paths[node] = path
            continue
        index, threshold = int(tree["feature"][node]), float(tree["threshold"][node])
        stack.append((left, [*path, (index, names[index], "<=", threshold)]))
        stack.append((right, [*path, (index, names[index], ">", threshold)]))
    return paths


def walk(model: dict, table: pd.DataFrame, names: list[str], out: pd.DataFrame) -> pd.DataFrame:
    """`out` (from `unscored`) with the rows of `table` (features `names`, indexed by customer id) scored by the
    tree of `model`: the leaf's churn share and the path to it as reasons ({feature, op, threshold, value} steps).

    The tree is walked for all rows at once (numpy, one step per level); the rows of each leaf share its steps, so
    only their values are read per row (as plain floats, column by column), and rows with the same values share one
    path."""
    if table.empty:
        return out
    tree = {key: np.asarray(value) for key, value in model["tree"].items()}
    values = table[names].to_numpy(dtype=float)
    rows = np.arange(len(values))
    node = np.zeros(len(values), dtype=int)
    while True:
        active = tree["left"][node] != -1
        if not active.any():
            break
        went_left = values[rows, np.where(active, tree["feature"][node], 0)] <= tree["threshold"][node]
        node = np.where(active, np.where(went_left, tree["left"][node], tree["right"][node]), node)
    positions = out.index.get_indexer(table.index)
    churn_values = out["churn"].to_numpy(dtype=float).copy()
    churn_values[positions] = np.round(tree["churned"][node].astype(float), 3)
    out["churn"] = churn_values
    reasons = out["churn_reasons"].tolist()
    for leaf, steps in _leaf_steps(model["tree"], names).items():
        in_leaf = np.flatnonzero(node == leaf)
        if not len(in_leaf):
            continue
        if not steps:  # a tree of one leaf: no reason
            continue
        columns = [values[in_leaf, index].tolist() for index, _name, _op, _threshold in steps]
        paths = {}  # rows of the leaf with the same values share one path (never changed, only replaced)
        for position, row in zip(positions[in_leaf].tolist(), zip(*columns, strict=True), strict=True):
            path = paths.get(row)
            if path is None:
                path = paths[row] = [
                    {"feature": name, "op": op, "threshold": threshold, "value": value}
                    for (_index, name, op, threshold), value in zip(steps, row, strict=True)
                ]
            reasons[position] = path
    out["churn_reasons"] = reasons
    return out
