"""The tunable parts of every score, with their defaults. Override any key in settings.ANALYTICS, e.g.
ANALYTICS = {"ticket_cost": 300, "loyalty_weights": {"referrals": 20}}: dictionaries are merged key by key.

The definitions themselves (what is summed, what is compared) are in analytics/scoring.py and
docs/analytics.md; this module holds only the numbers.
"""

from copy import deepcopy
from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    # Nightly job: customers per chunk task (memory stays bounded by this).
    "chunk_size": 50_000,
    # Profit per customer: unit costs of the service and member facts (yuan).
    "ticket_cost": Decimal("200"),
    "callback_cost": Decimal("30"),
    "point_value": Decimal("0.01"),
    # Lifetime and potential value.
    "margin_rate": Decimal("0.15"),  # expected margin on a prospect's expected amount
    "stage_weights": {
        "lead": Decimal("0.05"),
        "visited": Decimal("0.10"),
        "intending": Decimal("0.25"),
        "reservation": Decimal("0.50"),
        "subscription": Decimal("0.80"),
        "contract": Decimal("0.95"),
    },
    "owner_potential_rate": Decimal("0.02"),  # upgrade, parking and referral potential of an owner's contracts
    "referral_credit": Decimal("0.50"),  # share of a referred customer's margin credited to the referrer
    # Segmentation matrix: current value and potential value at or above these are "high".
    "segment_current": Decimal("100000"),
    "segment_potential": Decimal("30000"),
    # Value matrix: "large" profit and "complex" demand at or above the median of the customer's project
    # (among customers with a contract); set a number here to use a fixed threshold instead.
    "quadrant_profit": None,
    "quadrant_demand": None,
    # Loyalty: points per unit of each factor, capped per factor; the score is clipped to 0–100.
    "loyalty_weights": {
        "repeat_purchases": Decimal("15"),
        "referrals": Decimal("10"),
        "member_tier": Decimal("8"),
        "member_active": Decimal("10"),
        "satisfaction": Decimal("6"),
        "complaints": Decimal("-8"),
        "tenure_years": Decimal("3"),
    },
    "loyalty_caps": {
        "repeat_purchases": 3,
        "referrals": 5,
        "member_tier": 4,
        "member_active": 1,
        "satisfaction": 5,
        "complaints": 5,
        "tenure_years": 10,
    },
    "loyalty_bands": (Decimal("30"), Decimal("60")),  # low < 30 ≤ medium < 60 ≤ high
    "loyalty_history": 5,  # snapshots used for the slope
    # Risk level: points per fact; medium from 2 points, high from 4.
    "risk_points": {
        "overdue_installments": 2,
        "open_complaints": 2,
        "broken_promises": 1,
        "cancelled_deals": 1,
    },
    "risk_medium": 2,
    "risk_high": 4,
    # Churn tree.
    "churn_horizon_days": 180,
    "churn_min_examples": 200,
    "churn_min_per_class": 20,
    "churn_max_depth": 3,
    # Owners' churn tree (analytics/churn_owners.py): the owners of a past day sampled for training, their facts read
    # by id lists (on the bench data about 0.1 s per 1,000 owners and dataset, two datasets a night).
    "churn_owner_sample": 3_000,
    # Profitability class tree (analytics/profit_class.py): owners sampled for training, the fewest it trains on,
    # and its depth.
    "profit_class_sample": 50_000,
    "profit_class_min_examples": 150,
    "profit_class_max_depth": 3,
}


def get(key: str):
    """The value of `key`: settings.ANALYTICS over the default (dictionaries merged key by key)."""
    value = deepcopy(DEFAULTS[key])
    override = getattr(settings, "ANALYTICS", {}).get(key)
    if override is None:
        return value
    if isinstance(value, dict):
        value.update({name: _like(value.get(name), amount) for name, amount in override.items()})
        return value
    return _like(value, override)


def _like(default, value):
    """`value` as the default's type (Decimal stays Decimal, so money sums stay exact)."""
    if isinstance(default, Decimal):
        return Decimal(str(value))
    return value
