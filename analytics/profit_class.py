"""Profitability class (004): the profit class a customer is likely to reach, from a shallow scikit-learn decision
tree on the customer file, explained by the path through it (the same machinery as analytics.churn).

Class (stated): among the owners of a night (customers with contracts > 0 on it), their net profit's tercile
    within all owners of that night: "low" = net profit ≤ the 1/3 quantile, "high" = above the 2/3 quantile,
    "medium" in between (pandas' linear quantiles, rounded to 4 decimals; the same bounds everywhere).
Who gets what: owners get their actual class of the night (set in the job's finish, once every chunk's net profit
    is in; reasons empty); prospects (no contract) get the tree's predicted class, with the path as reasons.
Features, all as of the night (nothing after it, and nothing that is or contains profit): income band (ordinal in
    Customer.IncomeBand's order, 0 = unknown), age in years from the birth date (0 if unknown), source channel
    (one 0/1 column per channel, so each split reads "from a referral: yes / no"), whether a home district is
    recorded, the newest intent's budget ceiling (yuan), visits, referrals made and tenure in days (the facts of
    analytics.selectors.facts). The file attributes are the file's current ones (the CRM keeps no history of them).
Training (in the job's prepare): on the owners of the training night, the newest earlier night with a finished
    scores run (its snapshot holds every owner's net profit: computing it again for owners spread over the whole
    table would cost as much as the night itself), a sample of at most profit_class_sample of them, features as of
    that night. Below profit_class_min_examples owners, or with fewer than two classes, it refuses ("not enough
    history") and predicts nothing. Recorded in the job run: examples, accuracy on a held-out quarter, the
    majority-class baseline, the tree as readable rules and as arrays (feature, threshold, left, right, class
    shares per node).
"""

import datetime
from decimal import Decimal

import numpy as np
import pandas as pd

from analytics import definitions
from analytics.models import CustomerScore, JobRun
from analytics.selectors.facts import contacts_of, night_end, read_batched, read_frame, referrals_of
from customers.models import Customer, PurchaseIntent

CLASSES = ["low", "medium", "high"]
INCOME_RANK = {band: rank for rank, band in enumerate(Customer.IncomeBand.values)}  # "" (unknown) = 0
SOURCE_FEATURES = [f"source_{source}" for source in Customer.Source.values]
FEATURES = [
    "income_band",
    "age_years",
    *SOURCE_FEATURES,
    "has_district",
    "intent_budget",
    "visits",
    "referrals",
    "tenure_days",
]
FILE_COLUMNS = ["income_band", "birth_date", "source", "district"]  # read with the chunk's files (one query)
FACT_COLUMNS = ["intent_budget", "visits", "referrals", "tenure_days"]


def terciles(net_profit: pd.Series) -> tuple[float, float]:
    """The bounds of the classes: the 1/3 and 2/3 quantiles of the owners' net profit."""
    values = net_profit.astype(float)
    return round(float(values.quantile(1 / 3)), 4), round(float(values.quantile(2 / 3)), 4)


def classify(net_profit: pd.Series, bounds: tuple[float, float]) -> pd.Series:
    low_max, medium_max = bounds
    values = net_profit.astype(float).to_numpy()
    return pd.Series(
        np.where(values > medium_max, "high", np.where(values > low_max, "medium", "low")), index=net_profit.index
    )


def case_bounds(bounds: tuple[float, float]) -> tuple[Decimal, Decimal]:
    """The bounds as Decimals, for comparing with the stored net profit in SQL."""
    return Decimal(str(bounds[0])), Decimal(str(bounds[1]))


def features(files: pd.DataFrame, known: pd.DataFrame, day: datetime.datetime) -> pd.DataFrame:
    """FEATURES for the rows of `files` (FILE_COLUMNS) with their facts in `known` (FACT_COLUMNS), as of `day`."""
    out = pd.DataFrame(index=files.index)
    out["income_band"] = files["income_band"].map(INCOME_RANK).fillna(0).astype(float)
    birth = pd.to_datetime(files["birth_date"], errors="coerce")
    days = (pd.Timestamp(day.date()) - birth).dt.days
    out["age_years"] = (days / 365.25).fillna(0).clip(lower=0).astype(int).astype(float)
    source = files["source"].to_numpy()
    for name, value in zip(SOURCE_FEATURES, Customer.Source.values, strict=True):
        out[name] = (source == value).astype(float)
    out["has_district"] = (files["district"].fillna("") != "").astype(float)
    facts = known.reindex(index=files.index, columns=FACT_COLUMNS).fillna(0).astype(float)
    for name in FACT_COLUMNS:
        out[name] = facts[name]
    return out[FEATURES]


def _training_night(night: datetime.date):
    return (
        JobRun.objects.filter(name="scores", status=JobRun.Status.SUCCEEDED, night__lt=night)
        .order_by("-night")
        .values_list("night", flat=True)
        .first()
    )


def owner_dataset(night: datetime.date) -> tuple[pd.DataFrame, pd.Series]:
    """The sampled owners of `night`'s snapshot: their features as of that night and their class on it."""
    owners = read_frame(
        CustomerScore.objects.filter(night=night, contracts__gt=0).values_list("customer_id", "net_profit").order_by(),
        ["customer_id", "net_profit"],
    ).set_index("customer_id")
    if owners.empty:
        return pd.DataFrame(columns=FEATURES), pd.Series(dtype=object)
    labels = classify(owners["net_profit"].map(float), terciles(owners["net_profit"].map(float)))
    size = int(definitions.get("profit_class_sample"))
    if len(labels) > size:
        labels = labels.sample(n=size, random_state=0)
    labels = labels.sort_index()
    ids = [int(value) for value in labels.index.tolist()]
    day = night_end(night)
    files = read_batched(
        lambda batch: Customer.objects.filter(pk__any=batch).values_list("pk", *FILE_COLUMNS, "created_at").order_by(),
        ids,
        ["customer_id", *FILE_COLUMNS, "created_at"],
    ).set_index("customer_id")
    known = pd.DataFrame(index=files.index)
    known["tenure_days"] = (pd.Timestamp(day) - pd.to_datetime(files["created_at"], utc=True)).dt.days.clip(lower=0)
    known["visits"] = contacts_of(ids, day)["visits"]
    known["referrals"] = referrals_of(ids, day)
    intents = read_batched(
        lambda batch: (
            PurchaseIntent.objects.filter(customer_id__any=batch, recorded_at__lt=day)
            .values_list("customer_id", "budget_max")
            .order_by("customer_id", "recorded_at", "pk")
        ),
        ids,
        ["customer_id", "budget_max"],
    )
    if not intents.empty:
        newest = intents.groupby("customer_id")["budget_max"].last()
        known["intent_budget"] = newest.map(lambda value: float(value or 0) * 10_000)
    return features(files, known, day), labels.reindex(files.index)


def train(night: datetime.date) -> dict:
    """Train on the owners of the newest earlier scored night; a dict for the job run (the tree, or why not)."""
    from sklearn.model_selection import train_test_split
    from sklearn.tree import DecisionTreeClassifier, export_text

    training_night = _training_night(night)
    minimum = int(definitions.get("profit_class_min_examples"))
    if training_night is None:
        return {"trained": False, "examples": 0, "reason": "not enough history: no earlier scored night"}
    x, y = owner_dataset(training_night)
    counts = {"training_night": str(training_night), "examples": len(y)}
    if len(y) < minimum or y.nunique() < 2:
        return {
            **counts,
            "trained": False,
            "reason": f"not enough history: {len(y)} owners on {training_night} ({y.nunique()} classes); "
            f"needs {minimum}, with at least two classes",
        }
    # Stratified when every class can be split (ties in net profit can leave a class with a single owner).
    stratify = y.to_numpy() if y.value_counts().min() >= 2 else None
    x_train, x_test, y_train, y_test = train_test_split(
        x.to_numpy(), y.to_numpy(), test_size=0.25, random_state=0, stratify=stratify
    )
    depth = int(definitions.get("profit_class_max_depth"))
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=max(5, len(y_train) // 100), random_state=0)
    tree.fit(x_train, y_train)
    predicted = tree.predict(x_test)
    majority = pd.Series(y_test).value_counts().iloc[0]
    nodes = tree.tree_
    classes = [str(value) for value in tree.classes_]
    shares = nodes.value[:, 0, :]
    shares = shares / shares.sum(axis=1, keepdims=True).clip(min=1e-12)
    return {
        **counts,
        "trained": True,
        "class_counts": {name: int(n) for name, n in y.value_counts().sort_index().items()},
        "test_examples": len(y_test),
        "accuracy": round(float((predicted == y_test).mean()), 3),
        "baseline": round(float(majority / len(y_test)), 3),
        "rules": export_text(tree, feature_names=FEATURES),
        "tree": {
            "feature": nodes.feature.tolist(),
            "threshold": [round(float(value), 4) for value in nodes.threshold],
            "left": nodes.children_left.tolist(),
            "right": nodes.children_right.tolist(),
            "classes": classes,
            "shares": [[round(float(value), 4) for value in row] for row in shares],
        },
    }


def leaf_paths(tree: dict) -> dict[int, list[dict]]:
    """Every leaf's path from the root ({feature, op, threshold} per step): a path is the same for every row in
    the leaf, so a chunk's rows share these lists instead of building one each."""
    paths, stack = {}, [(0, [])]
    while stack:
        node, path = stack.pop()
        left, right = tree["left"][node], tree["right"][node]
        if left == -1:
            paths[node] = path
            continue
        feature, threshold = FEATURES[tree["feature"][node]], float(tree["threshold"][node])
        stack.append((left, [*path, {"feature": feature, "op": "<=", "threshold": threshold}]))
        stack.append((right, [*path, {"feature": feature, "op": ">", "threshold": threshold}]))
    return paths


def predict(model: dict, files: pd.DataFrame, known: pd.DataFrame, night: datetime.date) -> pd.DataFrame:
    """profit_class and profit_class_leaf for the chunk's files: prospects get the tree's class and leaf (whose path
    is the reason, analytics.profit_class.path_of);
    owners are left blank here (the job's finish sets their actual class), as is everyone without a tree.

    `files`: the chunk's files with FILE_COLUMNS; `known`: the facts the chunk already read (analytics.facts)."""
    out = pd.DataFrame(index=files.index)
    out["profit_class"] = ""
    if model.get("trained"):
        prospects = (known["contracts"].reindex(files.index).fillna(0) <= 0).to_numpy()
        if prospects.any():
            values = features(files[prospects], known, night_end(night)).to_numpy(dtype=float)
            tree = {key: np.asarray(value) for key, value in model["tree"].items() if key != "classes"}
            rows = np.arange(len(values))
            node = np.zeros(len(values), dtype=int)
            while True:
                active = tree["left"][node] != -1
                if not active.any():
                    break
                went_left = values[rows, np.where(active, tree["feature"][node], 0)] <= tree["threshold"][node]
                node = np.where(active, np.where(went_left, tree["left"][node], tree["right"][node]), node)
            classes = np.asarray(model["tree"]["classes"], dtype=object)
            leaf_class = classes[tree["shares"].argmax(axis=1)]
            labels = out["profit_class"].to_numpy(dtype=object)
            labels[prospects] = leaf_class[node]
            out["profit_class"] = labels
            leaves = pd.array([pd.NA] * len(files), dtype="Int64")
            leaves[prospects] = node
            out["profit_class_leaf"] = leaves
            return out
    out["profit_class_leaf"] = pd.array([pd.NA] * len(files), dtype="Int64")
    return out


def path_of(score) -> list[dict]:
    """The path to `score`'s leaf in the tree of its night ([] for owners, whose class is their actual one, and for
    nights without a tree)."""
    from analytics.models import JobRun

    if score.profit_class_leaf is None:
        return []
    figures = (
        JobRun.objects.filter(name="scores", night=score.night, status=JobRun.Status.SUCCEEDED)
        .order_by("-pk")
        .values_list("figures", flat=True)
        .first()
    )
    tree = ((figures or {}).get("profit_class") or {}).get("tree")
    return leaf_paths(tree).get(score.profit_class_leaf, []) if tree else []
