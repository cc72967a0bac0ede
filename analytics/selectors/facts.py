"""The customers and sales facts of the nightly scores: one SQL query per fact group and chunk of customer ids.

Each query is built with the ORM (so it runs on PostgreSQL and SQLite alike) and read as plain tuples into pandas
(no model instances). Nothing after the night counts. Registered with analytics.facts in analytics/panels.
"""

import datetime
from contextlib import contextmanager

import pandas as pd
from django.db import connection
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from analytics import definitions, facts
from crm_site.lookups import IdList
from customers.models import Customer, Interaction, PurchaseIntent
from sales.models import Campaign, CampaignLead, Deal, Installment, Opportunity, Payment, Promise
from sales.models.partners import Commission


def read_frame(queryset, columns) -> pd.DataFrame:
    """The rows of a values() queryset as a DataFrame, through the cursor (no model instances, no Decimals kept)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=columns)


def _count(queryset, key: str, name: str) -> pd.Series:
    frame = read_frame(queryset.values(key).annotate(n=Count("pk")).order_by(), [key, name])
    return frame.set_index(key)[name].astype(float)


def _sum(queryset, key: str, expression, name: str) -> pd.Series:
    frame = read_frame(queryset.values(key).annotate(total=Sum(expression)).order_by(), [key, name])
    return frame.set_index(key)[name].map(lambda value: float(value or 0))


def night_end(night: datetime.date) -> datetime.datetime:
    """The first moment after the night's date (local time): facts at or after it do not count."""
    return timezone.make_aware(datetime.datetime.combine(night + datetime.timedelta(days=1), datetime.time()))


def customers_in(path: str, scope) -> Q:
    """Rows whose customer, reached through `path` ("customer", "member__customer" ...), is in `scope`: an id
    range `(lo, hi)` (a chunk of the night) or a list of ids (a sample, or a past day's population)."""
    if isinstance(scope, tuple):
        return Q(**{f"{path}__pk__range": scope})
    return Q(**{f"{path}_id__any": IdList(scope)})


_SHARED: dict | None = None
BATCH = 10_000  # ids per array or IN list (SQLite allows 32,766 parameters)


def read_batched(build, ids: list, columns: list) -> pd.DataFrame:
    """`build(batch of ids)` (a values_list queryset) read for `ids` in batches of BATCH, as one DataFrame; each
    batch is an IdList (crm_site.lookups) for `__any`, which the query builder does not walk id by id."""
    frames = [read_frame(build(IdList(ids[start : start + BATCH])), columns) for start in range(0, len(ids), BATCH)]
    return pd.concat(frames) if frames else pd.DataFrame(columns=columns)


def latest_between(queryset, ids: list, field: str, since, until, *, customer: str = "customer_id") -> pd.Series:
    """The latest `field` in [since, until) of `queryset`'s rows per customer among `ids` (`customer`: the row's
    customer column), indexed by customer id; customers without such a row are absent. The follow-ups and
    escalations the owners' churn label compares (analytics.churn_owners) are each read this way."""
    frame = read_batched(
        lambda batch: (
            queryset.filter(**{f"{customer}__any": batch, f"{field}__gte": since, f"{field}__lt": until})
            .values(customer)
            .annotate(at=Max(field))
            .values_list(customer, "at")
            .order_by()
        ),
        ids,
        ["customer_id", "at"],
    )
    return frame.set_index("customer_id")["at"]


def contact_counts(interactions, day: datetime.datetime) -> pd.DataFrame:
    """Per customer among `interactions` (a queryset) before `day`: contacts in the 90 days before it (`recent`),
    the last one (`last`) and face-to-face or site visits (`visits`), in one grouped scan; indexed by customer id."""
    return read_frame(
        interactions.filter(occurred_at__lt=day)
        .values("customer_id")
        # Counting customer_id, not id: customer, time and channel are all in the customer's interactions index, so
        # PostgreSQL reads that index alone (customers migration 0012), not 250,000 scattered rows per chunk.
        .annotate(
            recent=Count("customer_id", filter=Q(occurred_at__gte=day - datetime.timedelta(days=90))),
            last=Max("occurred_at"),
            visits=Count(
                "customer_id", filter=Q(channel__in=[Interaction.Channel.VISIT, Interaction.Channel.SITE_VISIT])
            ),
        )
        .values_list("customer_id", "recent", "last", "visits")
        .order_by(),
        ["customer_id", "recent", "last", "visits"],
    ).set_index("customer_id")


def contacts_of(ids: list, day: datetime.datetime) -> pd.DataFrame:
    """contact_counts for the customers `ids` (in batches of BATCH): a sample or a past day's prospects."""
    frames = [
        contact_counts(Interaction.objects.filter(customer_id__any=IdList(ids[start : start + BATCH])), day)
        for start in range(0, len(ids), BATCH)
    ]
    return pd.concat(frames) if frames else pd.DataFrame(columns=["recent", "last", "visits"])


def referrals_of(ids: list, day: datetime.datetime) -> pd.Series:
    """Customer files naming each of `ids` as referrer, created before `day` (the `referrals` fact for id lists:
    a sample or a past day's owners), indexed by customer id."""
    frame = read_batched(
        lambda batch: (
            Customer.objects.filter(referrer_id__any=batch, created_at__lt=day)
            .values("referrer_id")
            .annotate(n=Count("pk"))
            .values_list("referrer_id", "n")
            .order_by()
        ),
        ids,
        ["customer_id", "referrals"],
    )
    return frame.set_index("customer_id")["referrals"]


@contextmanager
def shared_reads():
    """Within it, reads that several providers of one chunk make (contact_summary) are made once; outside it
    nothing is kept (the next call sees the data as it is then)."""
    global _SHARED
    _SHARED = {}
    try:
        yield
    finally:
        _SHARED = None


def contact_summary(lo: int, hi: int, day: datetime.datetime) -> pd.DataFrame:
    """Per customer of lo..hi with a contact before `day`: contacts in the 90 days before it (`recent`), the last
    one (`last`) and face-to-face or site visits (`visits`), in one scan of the chunk's interactions.

    The facts (visits) and the churn features (all three) of a chunk both read it: inside `shared_reads()` the
    chunk's interactions are scanned once instead of twice."""
    key = ("contacts", lo, hi, day)
    if _SHARED is not None and key in _SHARED:
        return _SHARED[key]
    frame = contact_counts(Interaction.objects.filter(customer__pk__range=(lo, hi)), day)
    if _SHARED is not None:
        _SHARED[key] = frame
    return frame


def customers_facts(lo: int, hi: int, night) -> pd.DataFrame:
    end = night_end(night)
    files = read_frame(
        Customer.objects.filter(pk__range=(lo, hi)).values_list("pk", "created_at").order_by(),
        ["customer_id", "created_at"],
    ).set_index("customer_id")
    result = pd.DataFrame(index=files.index)
    created = pd.to_datetime(files["created_at"], utc=True)
    result["tenure_days"] = ((pd.Timestamp(end) - created).dt.days).clip(lower=0).astype(float)
    result["visits"] = contact_summary(lo, hi, end)["visits"]
    referred = Customer.objects.filter(referrer__pk__range=(lo, hi), created_at__lt=end)
    result["referrals"] = _count(referred, "referrer_id", "referrals")
    intents = read_frame(
        PurchaseIntent.objects.filter(customer__pk__range=(lo, hi), recorded_at__lt=end)
        .values_list("customer_id", "budget_max")
        .order_by("customer_id", "recorded_at", "pk"),
        ["customer_id", "budget_max"],
    )
    if not intents.empty:
        grouped = intents.groupby("customer_id")["budget_max"]
        result["intent_budget"] = grouped.last().map(lambda value: float(value or 0) * 10_000)
        result["intents"] = grouped.size().astype(float)
    return result.fillna(0)


def _contracts(night):
    return Deal.objects.filter(stage=Deal.Stage.CONTRACT, signed_on__lte=night).exclude(state=Deal.State.CANCELLED)


def _margins(deals, key: str, name: str) -> pd.Series:
    """Contract price − unit cost basis − the partner's commission (void commissions excluded), per `key`.

    A contract whose unit has no cost basis has no known margin: it adds nothing (rather than its whole price)."""
    rows = read_frame(
        deals.filter(unit__cost_basis__isnull=False).values_list(key, "pk", "price", "unit__cost_basis").order_by(),
        [key, "deal_id", "price", "cost"],
    )
    if rows.empty:
        return pd.Series(dtype=float, name=name)
    commissions = read_frame(
        Commission.objects.filter(deal_id__any=IdList(rows["deal_id"].tolist()))
        .exclude(status=Commission.Status.VOID)
        .values_list("deal_id", "amount")
        .order_by(),
        ["deal_id", "commission"],
    )
    rows = rows.merge(commissions, on="deal_id", how="left")
    commission = rows["commission"].astype(object).where(rows["commission"].notna(), 0).map(float)
    rows["margin"] = rows["price"].map(float) - rows["cost"].map(float) - commission
    return rows.groupby(key)["margin"].sum().rename(name)


def owner_days(first_signed: pd.Series, night) -> pd.Series:
    """Days from the first contract signed (a date, or its ISO text as SQLite returns an aggregate) to the night:
    the owners' tenure, per customer."""
    days = (pd.Timestamp(night) - pd.to_datetime(first_signed)).dt.days
    return days.astype(float).rename("owner_days")


def sales_facts(lo: int, hi: int, night) -> pd.DataFrame:
    end = night_end(night)
    in_chunk = Q(customer__pk__range=(lo, hi))
    contracts = _contracts(night).filter(in_chunk)
    deals = Deal.objects.filter(in_chunk, reserved_at__lt=end)
    signed = read_frame(
        contracts.values("customer_id").annotate(n=Count("pk"), first=Min("signed_on")).order_by(),
        ["customer_id", "contracts", "first_signed"],
    ).set_index("customer_id")
    columns = {
        "contracts": signed["contracts"].astype(float),
        "owner_days": owner_days(signed["first_signed"], night),
        "contract_amount": _sum(contracts, "customer_id", "price", "contract_amount"),
        "contract_margin": _margins(contracts, "customer_id", "contract_margin"),
        "cancelled_deals": _count(deals.filter(state=Deal.State.CANCELLED), "customer_id", "cancelled_deals"),
        "discount_approvals": _count(
            deals.exclude(approval=Deal.Approval.NOT_NEEDED), "customer_id", "discount_approvals"
        ),
        "refunds": -_sum(
            Payment.objects.filter(
                installment__deal__customer__pk__range=(lo, hi), is_refund=True, received_on__lte=night
            ),
            "installment__deal__customer_id",
            "amount",
            "refunds",
        ).rename_axis("customer_id"),
        "overdue_installments": _count(
            Installment.objects.filter(
                deal__customer__pk__range=(lo, hi), due_on__lt=night, received__lt=F("amount")
            ).exclude(deal__state=Deal.State.CANCELLED),
            "deal__customer_id",
            "overdue_installments",
        ).rename_axis("customer_id"),
        "promises": _count(Promise.objects.filter(in_chunk, created_at__lt=end), "customer_id", "promises"),
        "broken_promises": _count(
            Promise.objects.filter(in_chunk, status=Promise.Status.BROKEN, created_at__lt=end),
            "customer_id",
            "broken_promises",
        ),
        "referred_margin": _margins(
            _contracts(night).filter(customer__referrer__pk__range=(lo, hi)),
            "customer__referrer_id",
            "referred_margin",
        ).rename_axis("customer_id"),
    }
    # Open opportunities: their expected amount weighted by how far the stage is (definitions.stage_weights).
    weights = definitions.get("stage_weights")
    opportunities = read_frame(
        Opportunity.objects.filter(in_chunk, created_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .exclude(stage__in=Opportunity.CLOSED_STAGES)
        .values_list("customer_id", "stage", "expected_amount")
        .order_by(),
        ["customer_id", "stage", "expected_amount"],
    )
    if not opportunities.empty:
        stage_weight = {stage: float(weight) for stage, weight in weights.items()}
        amounts = opportunities["expected_amount"].astype(object).where(opportunities["expected_amount"].notna(), 0)
        opportunities["weighted"] = amounts.astype(float) * opportunities["stage"].map(stage_weight).fillna(0.0)
        grouped = opportunities.groupby("customer_id")
        columns["pipeline_amount"] = grouped["weighted"].sum()
        columns["open_opportunities"] = grouped.size().astype(float)
    # Campaign cost attributed: the lead's campaign cost ÷ the number of that campaign's leads.
    leads = read_frame(
        CampaignLead.objects.filter(in_chunk).values_list("customer_id", "campaign_id").order_by(),
        ["customer_id", "campaign_id"],
    )
    if not leads.empty:
        campaign_ids = sorted(set(leads["campaign_id"]))
        per_lead = read_frame(
            Campaign.objects.filter(pk__in=campaign_ids)
            .annotate(n=Count("leads"))
            .values_list("pk", "n", "actual_cost")
            .order_by(),
            ["campaign_id", "leads", "cost"],
        )
        per_lead["per_lead"] = per_lead["cost"].map(float) / per_lead["leads"]
        leads = leads.merge(per_lead[["campaign_id", "per_lead"]], on="campaign_id", how="left")
        columns["campaign_cost"] = leads.groupby("customer_id")["per_lead"].sum()
    frame = pd.DataFrame({name: series for name, series in columns.items() if not series.empty})
    return frame.fillna(0)


def register() -> None:
    facts.register("customers", customers_facts)
    facts.register("sales", sales_facts)
