"""Reads of the score snapshots for one customer (the customer page section)."""

from analytics import labels
from analytics.models import CustomerScore

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
        "churn_path": [
            {**step, "label": labels.CHURN_FEATURES.get(step["feature"], step["feature"])}
            for step in score.churn_reasons
        ],
        "churn_pct": round(float(score.churn) * 100) if score.churn is not None else None,
        "trend": [(row.night, row.loyalty, row.net_profit, row.lifetime_value) for row in reversed(rows)],
    }
