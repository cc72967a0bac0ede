"""The score definitions, as code: pure functions from a chunk's facts (analytics.facts) to its score columns.

Every number used here comes from analytics.definitions (settings.ANALYTICS overrides it). docs/analytics.md
states the same definitions in words; tests/analytics/test_scoring.py checks each on hand-computed data.

Profit per customer (000)
    margin of a contract  = contract price − unit cost basis − partner commission
    gross profit          = Σ margins of the customer's contracts (cancelled deals excluded) − refunds
    service cost          = the service app's cost if given, else tickets × ticket_cost + callbacks × callback_cost
    rewards cost          = points redeemed × point_value
    net profit            = gross profit − service cost − rewards cost − campaign cost attributed
How demanding (003): visits + promises + discount approvals + change requests + tickets + complaints.
Value matrix (003): only customers with a contract; "large" = net profit above the median of the customer's
    project, "complex" = demand above that median (analytics.jobs finishes this once every chunk is written):
    star = large & simple, troublesome = large & complex, chicken rib = small & simple, dog = small & complex.
Current value (002) = gross profit (the contracted margin).
Potential value (002)
    prospect (no contract): margin_rate × (open pipeline weighted by stage, or, without an opportunity, the
                            newest intent's budget × the lead weight)
    owner:                  owner_potential_rate × contract amount (upgrade, parking, referral)
                            + margin_rate × open pipeline weighted by stage
Incremental value (002) = referral_credit × contract margin of the customers they referred.
Lifetime value = current + potential + incremental (each part stored).
Segmentation matrix (002): current value ≥ segment_current and potential ≥ segment_potential → key;
    current high, potential low → keep; current low, potential high → develop; both low → basic.
Loyalty (000): Σ min(factor, cap) × weight over repeat purchases (contracts − 1), referrals made, member tier,
    member activity, satisfaction, complaints (negative) and tenure in years, clipped to 0–100; each factor's
    contribution stored. Persistence: snapshots in a row the loyalty band (low / medium / high) has held.
    Variability: least-squares slope of the loyalty over the last loyalty_history snapshots.
Risk level (000): Σ risk_points × (overdue installments, open complaints, broken promises, cancelled deals);
    medium from risk_medium points, high from risk_high; the facts that added points are the reasons.
"""

import numpy as np
import pandas as pd

from analytics import definitions

LOYALTY_FACTORS = {
    "repeat_purchases": lambda f: (f["contracts"] - 1).clip(lower=0),
    "referrals": lambda f: f["referrals"],
    "member_tier": lambda f: f["member_tier"],
    "member_active": lambda f: f["member_active"],
    "satisfaction": lambda f: f["satisfaction"],
    "complaints": lambda f: f["complaints"],
    "tenure_years": lambda f: (f["tenure_days"] / 365).round(2),
}
RISK_FACTS = ("overdue_installments", "open_complaints", "broken_promises", "cancelled_deals")


def _money(series: pd.Series) -> pd.Series:
    return series.astype(float).round(2)


def profit(facts: pd.DataFrame) -> pd.DataFrame:
    ticket_cost = float(definitions.get("ticket_cost"))
    callback_cost = float(definitions.get("callback_cost"))
    point_value = float(definitions.get("point_value"))
    out = pd.DataFrame(index=facts.index)
    out["contracts"] = facts["contracts"].astype(int)
    out["gross_profit"] = _money(facts["contract_margin"] - facts["refunds"])
    counted = facts["tickets"] * ticket_cost + facts["callbacks"] * callback_cost
    out["service_cost"] = _money(facts["service_cost"].where(facts["service_cost"] > 0, counted))
    out["rewards_cost"] = _money(facts["points_redeemed"] * point_value)
    out["campaign_cost"] = _money(facts["campaign_cost"])
    out["net_profit"] = _money(out["gross_profit"] - out["service_cost"] - out["rewards_cost"] - out["campaign_cost"])
    out["demand"] = (
        facts["visits"]
        + facts["promises"]
        + facts["discount_approvals"]
        + facts["change_requests"]
        + facts["tickets"]
        + facts["complaints"]
    ).astype(int)
    return out


def value(facts: pd.DataFrame, gross_profit: pd.Series) -> pd.DataFrame:
    margin_rate = float(definitions.get("margin_rate"))
    owner_rate = float(definitions.get("owner_potential_rate"))
    lead_weight = float(definitions.get("stage_weights")["lead"])
    credit = float(definitions.get("referral_credit"))
    current = float(definitions.get("segment_current"))
    potential_high = float(definitions.get("segment_potential"))
    out = pd.DataFrame(index=facts.index)
    out["current_value"] = gross_profit
    owner = facts["contracts"] > 0
    pipeline = facts["pipeline_amount"]
    prospect_base = pipeline.where(facts["open_opportunities"] > 0, facts["intent_budget"] * lead_weight)
    out["potential_value"] = _money(
        np.where(owner, owner_rate * facts["contract_amount"] + margin_rate * pipeline, margin_rate * prospect_base)
    )
    out["incremental_value"] = _money(credit * facts["referred_margin"])
    out["lifetime_value"] = _money(out["current_value"] + out["potential_value"] + out["incremental_value"])
    high_now = out["current_value"] >= current
    high_later = out["potential_value"] >= potential_high
    out["segment"] = np.select(
        [high_now & high_later, high_now, high_later], ["key", "keep", "develop"], default="basic"
    )
    return out


def loyalty(facts: pd.DataFrame, history=None) -> pd.DataFrame:
    """Loyalty with each factor's contribution; `history`: the earlier loyalty values (see persistence)."""
    weights = definitions.get("loyalty_weights")
    caps = definitions.get("loyalty_caps")
    contributions = pd.DataFrame(index=facts.index)
    for name, extract in LOYALTY_FACTORS.items():
        amount = extract(facts).clip(lower=0, upper=caps[name])
        contributions[name] = (amount * float(weights[name])).round(2)
    out = pd.DataFrame(index=facts.index)
    out["loyalty"] = contributions.sum(axis=1).clip(lower=0, upper=100).round(2)
    out["loyalty_factors"] = _nonzero(contributions)
    nights, slopes = persistence(out["loyalty"], history)
    out["loyalty_nights"] = nights
    out["loyalty_slope"] = slopes
    return out


def _nonzero(frame: pd.DataFrame) -> list[dict]:
    """Each row's non-zero columns as {column: value}, in column order. Only the non-zero cells are visited (numpy
    finds them): a row-by-row dict comprehension over every column took 8 s a night on 1,000,000 rows."""
    names = list(frame.columns)
    values = frame.to_numpy()
    result = [{} for _ in range(len(values))]
    rows, columns = np.nonzero(values)
    for row, column, value in zip(rows.tolist(), columns.tolist(), values[rows, columns].tolist(), strict=True):
        result[row][names[column]] = value
    return result


def _bands(values: np.ndarray) -> np.ndarray:
    low, high = (float(bound) for bound in definitions.get("loyalty_bands"))
    return np.where(values >= high, 2, np.where(values >= low, 1, 0))


def persistence(scores: pd.Series, history) -> tuple[np.ndarray, np.ndarray]:
    """Snapshots in a row the loyalty band has held (today included), and the least-squares slope of loyalty
    over the last loyalty_history snapshots, for every customer at once (vectorised: a million rows a night).

    `history`: earlier loyalty values, either {customer id: [values, oldest first]} or a DataFrame indexed by
    customer id with one column per earlier snapshot, oldest first (NaN where the customer was not scored)."""
    keep = int(definitions.get("loyalty_history"))
    count = len(scores)
    if history is None or len(history) == 0 or keep < 2:
        return np.ones(count, dtype=int), np.zeros(count)
    earlier = keep - 1
    if isinstance(history, dict):
        history = pd.DataFrame.from_dict(
            {key: ([np.nan] * earlier + list(values))[-earlier:] for key, values in history.items()}, orient="index"
        )
    previous = history.reindex(scores.index).to_numpy(dtype=float)[:, -earlier:]
    if previous.shape[1] < earlier:  # fewer earlier snapshots than kept: pad on the left
        previous = np.hstack([np.full((count, earlier - previous.shape[1]), np.nan), previous])
    matrix = np.hstack([previous, scores.to_numpy(dtype=float)[:, None]])
    present = ~np.isnan(matrix)
    bands = _bands(np.nan_to_num(matrix, nan=-1.0))
    same = present & (bands == bands[:, [earlier]])
    # Consecutive equal bands counted back from today: stop at the first break (or gap).
    held = np.cumprod(same[:, ::-1], axis=1).sum(axis=1)
    x = np.broadcast_to(np.arange(earlier + 1, dtype=float), matrix.shape)
    n = present.sum(axis=1)
    x_mean = np.where(present, x, 0).sum(axis=1) / n
    y_mean = np.where(present, matrix, 0).sum(axis=1) / n
    dx = np.where(present, x - x_mean[:, None], 0)
    dy = np.where(present, matrix - y_mean[:, None], 0)
    spread = (dx * dx).sum(axis=1)
    slope = np.divide((dx * dy).sum(axis=1), spread, out=np.zeros(count), where=spread > 0)
    return held.astype(int), np.round(slope, 3)


def risk(facts: pd.DataFrame) -> pd.DataFrame:
    points = definitions.get("risk_points")
    medium, high = definitions.get("risk_medium"), definitions.get("risk_high")
    total = sum(facts[name] * points[name] for name in RISK_FACTS)
    out = pd.DataFrame(index=facts.index)
    out["risk"] = np.select([total >= high, total >= medium], ["high", "medium"], default="low")
    out["risk_reasons"] = _nonzero(facts[list(RISK_FACTS)].astype(int))
    return out


def score(facts: pd.DataFrame, history=None) -> pd.DataFrame:
    """Every per-customer score of one chunk (the quadrant is set once all chunks are in: analytics.jobs)."""
    money = profit(facts)
    return pd.concat([money, value(facts, money["gross_profit"]), loyalty(facts, history), risk(facts)], axis=1)


def quadrant(profit_large: bool, demand_complex: bool) -> str:
    if profit_large:
        return "troublesome" if demand_complex else "star"
    return "dog" if demand_complex else "chicken_rib"


def medians(frame: pd.DataFrame) -> dict:
    """Per project (None for files without one): the thresholds of the value matrix among customers with a
    contract, the configured fixed numbers taking precedence."""
    fixed_profit, fixed_demand = definitions.get("quadrant_profit"), definitions.get("quadrant_demand")
    result = {}
    owners = frame[frame["contracts"] > 0]
    for project_id, group in owners.groupby(owners["project_id"].fillna(-1)):
        result[None if project_id == -1 else int(project_id)] = (
            float(fixed_profit) if fixed_profit is not None else float(group["net_profit"].median()),
            float(fixed_demand) if fixed_demand is not None else float(group["demand"].median()),
        )
    return result
