"""The fact registry: what the nightly scores know about each customer, from whichever app knows it.

A provider is `provider(lo, hi, night) -> pandas.DataFrame` for the customers with lo <= id <= hi: indexed by
customer id, with some of the FACTS columns below (numbers; missing customers and columns read 0). Apps register
providers from their `panels` package at start-up:

    from analytics import facts
    facts.register("service", service_facts)   # tickets, complaints, open_complaints, service_cost ...

Analytics registers the customers and sales providers itself (analytics/selectors/facts.py). A fact that no
installed app provides reads zero, so scores that need members or tickets work (as zero) before those exist.
Providers read in bulk (one SQL per chunk, never a query per customer) and must not look past `night`.

A provider may also give `of_ids(ids, night)`: the same facts for a list of ids, with the same queries (a past day's
owners spread over the whole table, for training the owners' churn tree: analytics.churn_owners).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

# Every fact a score reads, with who is expected to provide it.
FACTS = {
    # customers
    "tenure_days": "customers",  # days from the file's creation to the night
    "visits": "customers",  # face-to-face and site visits logged
    "referrals": "customers",  # customers whose file names this one as referrer
    "intent_budget": "customers",  # newest intent's budget ceiling, yuan
    "intents": "customers",  # purchase intents recorded
    # sales
    "contracts": "sales",  # contracts signed and not cancelled
    "owner_days": "sales",  # days from the first of them to the night
    "contract_amount": "sales",  # their prices, yuan
    "contract_margin": "sales",  # price − unit cost basis − partner commission, summed
    "refunds": "sales",  # refunded money (positive), yuan
    "cancelled_deals": "sales",
    "discount_approvals": "sales",  # deals that needed a discount approval
    "promises": "sales",  # promises made to the customer
    "broken_promises": "sales",
    "overdue_installments": "sales",  # installments past due and not fully paid
    "campaign_cost": "sales",  # the lead's campaign cost ÷ the campaign's leads
    "pipeline_amount": "sales",  # open opportunities: expected amount × stage weight, summed
    "open_opportunities": "sales",
    "referred_margin": "sales",  # contract margin of the customers this one referred
    # service (registered by the service app)
    "tickets": "service",
    "callbacks": "service",
    "complaints": "service",
    "recent_tickets": "service",  # tickets opened in the 180 days before the night's end
    "escalated_complaints": "service",  # complaints escalated (SLA breached) by the night
    "open_complaints": "service",
    "change_requests": "service",
    "satisfaction": "service",  # mean satisfaction answer, 0–5
    "service_cost": "service",  # when given, replaces tickets × ticket_cost + callbacks × callback_cost
    # members (registered by the members app)
    "member_tier": "members",  # 0 = not a member, 1 … n tiers
    "member_active": "members",  # 1 if the member earned or redeemed points in the last 90 days
    "points_redeemed": "members",
}


@dataclass(frozen=True)
class Provider:
    name: str
    read: Callable[[int, int, object], pd.DataFrame]
    of_ids: Callable[[list, object], pd.DataFrame] | None = None


PROVIDERS: dict[str, Provider] = {}


def register(
    name: str,
    provider: Callable[[int, int, object], pd.DataFrame],
    of_ids: Callable[[list, object], pd.DataFrame] | None = None,
) -> None:
    """Add (or replace) the provider `name` (and its reader of id lists, if it has one)."""
    PROVIDERS[name] = Provider(name, provider, of_ids)


def unregister(name: str) -> None:
    PROVIDERS.pop(name, None)


def read(lo: int, hi: int, night, ids) -> pd.DataFrame:
    """The facts of customers `ids` (all within lo..hi), one row each, every FACTS column present (0 if unknown).

    Two providers giving the same column add up (e.g. two apps each counting their own complaints).
    """
    return _combine(ids, (provider.read(lo, hi, night) for provider in PROVIDERS.values()))


def read_of(ids: list, night, columns: list) -> pd.DataFrame:
    """The facts `columns` of the customers `ids` as of `night` from the providers that read id lists; a column
    none of them gives reads 0 (as in `read`)."""
    parts = (provider.of_ids(ids, night) for provider in PROVIDERS.values() if provider.of_ids is not None)
    return _combine(ids, parts)[columns]


def _combine(ids, parts) -> pd.DataFrame:
    frame = pd.DataFrame(0.0, index=pd.Index(ids, name="customer_id"), columns=list(FACTS))
    for part in parts:
        if part is None or part.empty:
            continue
        part = part.reindex(index=frame.index).fillna(0)
        for column in part.columns:
            if column in FACTS:
                frame[column] = frame[column] + part[column].astype(float)
    return frame
