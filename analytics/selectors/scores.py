"""Reads of the score snapshots for one customer (the customer page section)."""

import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from analytics import labels, profit_class
from analytics.models import CustomerScore
from crm_site import formatting
from customers.models import Customer

TREND_NIGHTS = 12


def customer_scores(*, customer, user) -> dict | None:
    """The customer's newest scores with their reasons, and the trend over the last snapshots; None if unscored
    or out of the user's scope."""
    rows = list(CustomerScore.objects.visible_to(user).filter(customer=customer).order_by("-night")[:TREND_NIGHTS])
    if not rows:
        return None
    score = rows[0]
    return {
        "score": score,
        "factors": [
            (labels.LOYALTY_FACTORS.get(name, name), points)
            for name, points in sorted(score.loyalty_factors.items(), key=lambda item: -abs(item[1]))
        ],
        "risk_reasons": [(labels.RISK_REASONS.get(name, name), count) for name, count in score.risk_reasons.items()],
        "loyalty_trend": loyalty_trend_text(score.loyalty_slope),
        "churn_path": [churn_step(step) for step in score.churn_reasons],
        # The two trees' populations are disjoint: an owner's risk and reasons come from the owners' tree.
        "churn_tree": _("owners' tree") if score.contracts else _("prospects' tree"),
        "churn_pct": round(float(score.churn) * 100) if score.churn is not None else None,
        # Why there is no churn risk: the file's tree was not trained that night, or the file is in neither tree.
        "churn_untrained": score.churn is None and not _tree_trained(score),
        "profit_class_path": [profit_class_step(step) for step in profit_class.path_of(score)],
        "trend": [(row.night, row.loyalty, row.net_profit, row.lifetime_value) for row in reversed(rows)],
    }


def _tree_trained(score) -> bool:
    """Whether the tree for `score`'s population (owners or prospects) was trained on its night's run."""
    from analytics.models import JobRun

    # Only the one flag, read inside the JSON: a run's figures hold both trees' rules and can be large.
    key = "churn_owners" if score.contracts else "churn"
    trained = (
        JobRun.objects.filter(name="scores", night=score.night, status=JobRun.Status.SUCCEEDED)
        .order_by("-pk")
        .values_list(f"figures__{key}__trained", flat=True)
        .first()
    )
    return bool(trained)


def loyalty_trend_text(slope) -> str:
    """The loyalty's change from one nightly snapshot to the next as people read it, in the active language:
    "+1.5 points per night", "-2 points per night", "steady" when it rounds to no change (one decimal at most)."""
    change = Decimal(str(slope or 0)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if not change:
        return pgettext("loyalty trend", "steady")
    size = abs(change)
    text = ("+" if change > 0 else "-") + formatting.number(size, 0 if size == size.to_integral_value() else 1)
    return ngettext("%(change)s point per night", "%(change)s points per night", 1 if size == 1 else 2) % {
        "change": text
    }


def threshold_text(value) -> str:
    """A tree's split value with the language's separators and no more decimals than it has (3.25, 1,200.5, 3)."""
    value = float(value)
    decimals = 0 if value.is_integer() else 1 if round(value, 1) == value else 2
    return formatting.number(value, decimals)


def condition_text(op: str, threshold) -> str:
    """A split of a tree in words: "at most 3.25", "more than 1,200.5"."""
    if op == "<=":
        return _("at most %(value)s") % {"value": threshold_text(threshold)}
    return _("more than %(value)s") % {"value": threshold_text(threshold)}


def step_text(label, op: str, threshold) -> str:
    """ "Days as an owner: more than 1,200.5" — a step of a tree's path in words."""
    return _("%(feature)s: %(condition)s") % {"feature": label, "condition": condition_text(op, threshold)}


def churn_step(step: dict) -> dict:
    """One step of a churn path with its feature as people read it (either tree's: the names do not clash), and
    the digits its value is shown with (a mean such as satisfaction has one, counts none)."""
    value = float(step["value"])
    return {
        **step,
        "label": labels.ALL_CHURN_FEATURES.get(step["feature"], step["feature"]),
        "digits": 0 if value.is_integer() else 1,
        "text": condition_text(step["op"], step["threshold"]),
    }


def churn_reason_text(reasons: list[dict]) -> str:
    """A churn path in one line, as the at-risk list shows it: "Complaints escalated so far > 0.5 › …"."""
    return " › ".join(step_text(step["label"], step["op"], step["threshold"]) for step in map(churn_step, reasons))


def profit_class_step(step: dict) -> dict:
    """One step of the profit-class path as people read it: {"text"} for the income band, the source channel
    and the district (categories), {"label", "op", "threshold"} for counts and amounts."""
    feature, op, threshold = step["feature"], step["op"], float(step["threshold"])
    if feature == "income_band":
        bands = Customer.IncomeBand.labels
        if op == "<=":
            return {
                "text": _("Income: %(band)s or lower") % {"band": bands[min(math.floor(threshold), len(bands) - 1)]}
            }
        return {
            "text": _("Income: %(band)s or higher") % {"band": bands[min(math.floor(threshold) + 1, len(bands) - 1)]}
        }
    if feature.startswith("source_"):
        source = Customer.Source(feature.removeprefix("source_")).label
        if op == "<=":
            return {"text": _("Source channel is not %(source)s") % {"source": source}}
        return {"text": _("Source channel: %(source)s") % {"source": source}}
    if feature == "has_district":
        return {"text": _("No home district recorded") if op == "<=" else _("Home district recorded")}
    return {"label": labels.PROFIT_CLASS_FEATURES.get(feature, feature), "op": op, "threshold": threshold}
