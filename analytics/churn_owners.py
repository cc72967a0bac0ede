"""Owners' churn risk (004): the churn tree of analytics.churn (same training, time split, refusal and
explanation) on the owners, with their own features.

Who is scored: owners — customers with a contract (a sales Deal at stage contract) signed before the day and not
    cancelled by then. Prospects have none, so the two populations are disjoint.
Label (stated): an owner has churned when, within churn_horizon_days after the day, a complaint of theirs escalated
    (its SLA breached: service's Ticket.escalated_at) and nothing followed that escalation before the horizon's end:
    no referral (a customer file naming them as referrer created), no repurchase (a new contract signed and not
    cancelled by the horizon's end; a contract counts from the day it is signed, so one signed on the escalation's
    day follows it) and no member activity (points earned or spent in the points ledger, or an event checked in
    to). With several escalations it is the last one that must be followed: "churned" when the latest escalation
    within the horizon is later than the latest follow-up within it (or there is none). Escalations and member
    activity come from the apps that record them (register_escalations / register_follow_ups below: service and
    members register theirs in their panels); referrals and contracts are read here.
Features, all as of the day (the night's facts of analytics.facts, so scoring a night reads nothing new):
    tickets opened in the 180 days before, open complaints, complaints escalated so far, satisfaction (callback
    scores and survey ratings, 0 = none), member active in the last 90 days (1 = yes), referrals made, days since the
    last contact, days as an owner (since the first contract signed). Nothing after the day counts, and the label's
    facts (escalations, referrals, contracts, activity after the day) are not features.
Training: on a sample of at most churn_owner_sample of the day's owners (a fixed random sample, the same every
    run), their facts read by id lists with the providers' own queries (analytics.facts.read_of); the time split,
    the minimums and the figures are analytics.churn's (churn_min_examples, churn_min_per_class).
"""

import datetime
from collections.abc import Callable

import numpy as np
import pandas as pd
from django.db.models import Min, Q
from django.utils import timezone

from analytics import churn, definitions, facts
from analytics.selectors.facts import (
    contact_summary,
    contacts_of,
    latest_between,
    night_end,
    owner_days,
    read_frame,
    referrals_of,
)
from customers.models import Customer
from sales.models import Deal

FEATURES = [
    "recent_tickets",
    "open_complaints",
    "escalated_complaints",
    "satisfaction",
    "member_active",
    "referrals",
    "days_since_contact",
    "owner_days",
]
FACT_FEATURES = [name for name in FEATURES if name != "days_since_contact"]  # as analytics.facts names them
READ_OF = ["recent_tickets", "open_complaints", "escalated_complaints", "satisfaction", "member_active"]
NO_CONTACT_DAYS = churn.NO_CONTACT_DAYS

# Who reads the label's events: `read(ids, since, until)` -> Series of each customer's latest event in
# [since, until) (aware datetimes, indexed by customer id), for the customers `ids`.
Reader = Callable[[list, datetime.datetime, datetime.datetime], pd.Series]
ESCALATIONS: dict[str, Reader] = {}
FOLLOW_UPS: dict[str, Reader] = {}


def register_escalations(name: str, read: Reader) -> None:
    """Add (or replace) a reader of escalated complaints (the service app's)."""
    ESCALATIONS[name] = read


def register_follow_ups(name: str, read: Reader) -> None:
    """Add (or replace) a reader of what follows an escalation (the members app's activity)."""
    FOLLOW_UPS[name] = read


def features(known: pd.DataFrame, last_contact: pd.Series, day: datetime.datetime) -> pd.DataFrame:
    """FEATURES of the owners in `known` (their facts as of `day`, FACT_FEATURES columns) with their last contact."""
    out = known.reindex(columns=FACT_FEATURES).fillna(0).astype(float)
    last = pd.to_datetime(last_contact.reindex(out.index), utc=True)
    days = (pd.Timestamp(day) - last).dt.days
    out["days_since_contact"] = days.fillna(NO_CONTACT_DAYS).clip(upper=NO_CONTACT_DAYS).astype(float)
    return out[FEATURES]


def population(day: datetime.datetime) -> pd.Series:
    """The owners at `day` (an aware datetime, a midnight): each one's first contract date, indexed by customer id."""
    return populations([day])[day]


def populations(days: list) -> dict:
    """`population` of each of `days`, read in one pass over the contracts."""

    def owned(day):
        return Q(signed_on__lt=timezone.localdate(day)) & (~Q(state=Deal.State.CANCELLED) | Q(cancelled_at__gte=day))

    names = [f"first_{index}" for index in range(len(days))]
    rows = read_frame(
        Deal.objects.filter(stage=Deal.Stage.CONTRACT, signed_on__lt=max(timezone.localdate(day) for day in days))
        .values("customer_id")
        .annotate(**{name: Min("signed_on", filter=owned(day)) for name, day in zip(names, days, strict=True)})
        .values_list("customer_id", *names)
        .order_by("customer_id"),
        ["customer_id", *names],
    ).set_index("customer_id")
    return {day: _dates(rows[name].dropna()) for name, day in zip(names, days, strict=True)}


def _dates(values: pd.Series) -> pd.Series:
    """Dates as `datetime.date` (SQLite gives an aggregate's date as text; PostgreSQL gives dates already)."""
    if values.empty or not isinstance(values.iloc[0], str):
        return values
    return pd.to_datetime(values).dt.date


def sample(ids: list) -> list:
    """At most churn_owner_sample of `ids`, the same ones every run for the same ids (sorted)."""
    size = int(definitions.get("churn_owner_sample"))
    if len(ids) <= size:
        return ids
    return sorted(np.random.default_rng(0).choice(np.asarray(ids), size=size, replace=False).tolist())


def owner_facts(ids: list, first_signed: pd.Series, day: datetime.datetime) -> pd.DataFrame:
    """FEATURES of the owners `ids` as of `day`, read by id lists (a past day's owners are spread over the table)."""
    night = timezone.localdate(day - datetime.timedelta(days=1))  # night_end(night) == day
    known = facts.read_of(ids, night, READ_OF)
    known["referrals"] = referrals_of(ids, day)
    known["owner_days"] = owner_days(first_signed.reindex(known.index), night)
    return features(known, contacts_of(ids, day)["last"], day)


def _latest(readers, ids: list, since, until) -> pd.Series:
    parts = [read(ids, since, until) for read in readers]
    parts = [pd.to_datetime(part, utc=True) for part in parts if part is not None and not part.empty]
    if not parts:
        return pd.Series(dtype="datetime64[ns, UTC]")
    return pd.concat(parts).groupby(level=0).max()


def _referred(ids: list, since, until) -> pd.Series:
    """The latest file in [since, until) that names the owner as its referrer."""
    return latest_between(Customer.objects.all(), ids, "created_at", since, until, customer="referrer_id")


def _repurchased(ids: list, since, until) -> pd.Series:
    """The latest contract signed in [since, until) and not cancelled by `until`, as the end of its signing day."""
    contracts = Deal.objects.filter(stage=Deal.Stage.CONTRACT).filter(
        ~Q(state=Deal.State.CANCELLED) | Q(cancelled_at__gte=until)
    )
    days = pd.to_datetime(
        latest_between(contracts, ids, "signed_on", timezone.localdate(since), timezone.localdate(until))
    )
    ends = [timezone.make_aware(datetime.datetime.combine(value.date(), datetime.time.max)) for value in days]
    return pd.Series(ends, index=days.index, dtype=object)


def labels(ids: list, since: datetime.datetime, until: datetime.datetime) -> pd.Series:
    """1 for the owners `ids` whose latest escalated complaint in [since, until) has no follow-up at or after it
    before `until` (the label stated above), else 0."""
    escalated = _latest(ESCALATIONS.values(), ids, since, until)
    followed = _latest([*FOLLOW_UPS.values(), _referred, _repurchased], ids, since, until)
    both = pd.DataFrame({"escalated": escalated, "followed": followed}).reindex(ids)
    churned = both["escalated"].notna() & ~(both["followed"] >= both["escalated"])
    return churned.astype(int).rename_axis("customer_id")


def dataset(
    day: datetime.datetime, until: datetime.datetime, first: pd.Series | None = None
) -> tuple[pd.DataFrame, pd.Series]:
    """The sampled owners of `day` (`first`: their first contract dates, read here when not given): their features
    as of `day` and their label by `until`."""
    if first is None:
        first = population(day)
    ids = sample([int(value) for value in first.index.tolist()])
    if not ids:
        return pd.DataFrame(columns=FEATURES), pd.Series(dtype=int)
    x = owner_facts(ids, first, day)
    return x, labels(ids, day, until).reindex(x.index)


def train(night: datetime.date) -> dict:
    """The owners' tree on the time split of analytics.churn; a dict for the job run (the tree, or why none).
    The owners of both days of the split are read in one pass."""
    horizon = datetime.timedelta(days=int(definitions.get("churn_horizon_days")))
    end = night_end(night)
    firsts = populations([end - 2 * horizon, end - horizon])
    return churn.train_split(night, lambda day, until: dataset(day, until, firsts.get(day)), FEATURES)


def predict(
    model: dict, lo: int, hi: int, night: datetime.date, known: pd.DataFrame, out: pd.DataFrame
) -> pd.DataFrame:
    """`out` (the prospects' churn of the chunk, analytics.churn.predict) with the chunk's owners scored: their
    features are the night's facts `known` (analytics.facts.read) and the chunk's contacts (read once per chunk
    for the facts already: contact_summary), so scoring them reads nothing new."""
    if not model.get("trained"):
        return out
    owners = known.index[known["contracts"].to_numpy() > 0]
    if owners.empty:
        return out
    day = night_end(night)
    table = features(known.loc[owners], contact_summary(lo, hi, day)["last"], day)
    return churn.walk(model, table, FEATURES, out)
