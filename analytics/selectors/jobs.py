"""A job run's figures as the job page shows them: in words, in the reader's language and number format."""

from django.utils.translation import gettext as _

from analytics import churn, churn_owners, jobs, labels
from analytics.models import CustomerScore
from analytics.selectors.scores import condition_text
from crm_site import formatting


def job_label(name: str) -> str:
    try:
        return str(jobs.get(name).label)
    except LookupError:
        return name


def _counts(values: dict, choices) -> str:
    names = dict(choices)
    return " · ".join(f"{names.get(key, key)} {formatting.number(count)}" for key, count in values.items())


def _seconds(value) -> str:
    return _("%(seconds)s s") % {"seconds": formatting.number(value, 2)}


def _tree(model: dict) -> str:
    if not model.get("trained"):
        return _("not trained: not enough history")
    return _("trained on %(examples)s examples") % {"examples": formatting.number(model.get("examples", 0))}


STEP_NAMES = {
    "churn": lambda: _("Churn model: prospects"),
    "churn_owners": lambda: _("Churn model: owners"),
    "profit_class": lambda: _("Profit-class tree"),
}


def _step_name(key: str) -> str:
    name = STEP_NAMES.get(key)
    return name() if name else key


ROWS = {  # figure key: (label, how its value reads)
    "net_profit": (lambda: _("Net profit, all customers"), formatting.money),
    "quadrants": (lambda: _("Owners per quadrant"), lambda v: _counts(v, CustomerScore.Quadrant.choices)),
    "profit_classes": (
        lambda: _("Customers per profit class"),
        lambda v: _counts(v, CustomerScore.ProfitClass.choices),
    ),
    "profit_class_bounds": (
        lambda: _("Profit-class bounds (net profit)"),
        lambda v: " / ".join(formatting.money(value) for value in v),
    ),
    "thresholds": (
        lambda: _("Value-matrix medians"),
        lambda v: _("%(count)s projects") % {"count": formatting.number(len(v))},
    ),
    "history_nights": (lambda: _("Earlier nights in the loyalty trend"), lambda v: ", ".join(v) or "—"),
    "prepare_seconds": (lambda: _("Preparation"), _seconds),
    "step_seconds": (
        lambda: _("Models trained in parallel"),
        lambda v: " · ".join(f"{_step_name(key)} {_seconds(value)}" for key, value in v.items()),
    ),
    "finish_seconds": (lambda: _("Finishing"), _seconds),
    "quadrant_seconds": (lambda: _("Quadrants and totals"), _seconds),
    "profit_class": (lambda: _("Profit-class tree"), _tree),
}
SHOWN_APART = ("churn", "churn_owners")  # each tree has a section of its own


def figure_rows(figures: dict) -> list[tuple[str, str]]:
    """(label, text) per figure of a run, known ones in words, others as they are with the number format."""
    rows = []
    for key, value in (figures or {}).items():
        if key in SHOWN_APART:
            continue
        if key in ROWS:
            label, text = ROWS[key]
            rows.append((label(), text(value)))
        else:
            rows.append((key, formatting.figure(value) if isinstance(value, int | float) else str(value)))
    return rows


def tree_lines(model: dict, names: dict, features: list[str]) -> list[tuple[int, str]]:
    """A trained tree as indented lines in words: (depth, "Visits: at most 1.5") down to each leaf's churn share."""
    tree = (model or {}).get("tree")
    if not tree:
        return []
    lines: list[tuple[int, str]] = []

    def walk(node: int, depth: int) -> None:
        left, right = tree["left"][node], tree["right"][node]
        if left == -1:
            share = round(float(tree["churned"][node]) * 100)
            lines.append((depth, _("churn %(share)s %%") % {"share": formatting.number(share)}))
            return
        feature = features[tree["feature"][node]]
        label = names.get(feature, feature)
        for op, child in (("<=", left), (">", right)):
            lines.append((depth, f"{label}: {condition_text(op, tree['threshold'][node])}"))
            walk(child, depth + 1)

    walk(0, 0)
    return lines


def churn_models(figures: dict) -> list[dict]:
    """The two churn trees of a run: figures, why one is not trained, and its rules in words."""
    out = []
    for key, title, names, features in (
        ("churn", _("Churn model: prospects"), labels.CHURN_FEATURES, churn.FEATURES),
        ("churn_owners", _("Churn model: owners"), labels.OWNER_CHURN_FEATURES, churn_owners.FEATURES),
    ):
        model = (figures or {}).get(key)
        if not model:
            continue
        out.append(
            {
                "key": key,
                "title": title,
                "model": model,
                "lines": tree_lines(model, names, features),
                "testid": "churn-figures" if key == "churn" else "churn-owners-figures",
            }
        )
    return out
