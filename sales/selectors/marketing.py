"""Reads of competitors and campaigns: the competitor flow report and campaign return on investment.

Customer and deal figures count only what the viewer's data scope covers (marketing and executives see all).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from crm_site.scope import reach
from customers.models import Customer
from sales.models import Campaign, CampaignLead, Competitor, CompetitorMove, Deal, Opportunity

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
CENT = Decimal("0.01")


def _visible_customers(user, rows: QuerySet, field: str = "customer") -> QuerySet:
    """`rows` limited to customers `user` may see (no subquery for users who see everything)."""
    if reach(user).everything:
        return rows
    return rows.filter(**{f"{field}__in": Customer.objects.visible_to(user).values("pk")})


def competitor_list(*, search: str = "", active: bool | None = None) -> QuerySet[Competitor]:
    competitors = Competitor.objects.all()
    if search:
        competitors = competitors.filter(Q(name__icontains=search) | Q(developer__icontains=search))
    if active is not None:
        competitors = competitors.filter(active=active)
    return competitors.order_by("-active", "name")


@dataclass
class CompetitorFlow:
    competitor: Competitor
    inflow: int = 0
    outflow: int = 0
    lost_opportunities: int = 0

    @property
    def net(self) -> int:
        """Customers won from it minus customers lost to it (a lost opportunity often has an outflow too)."""
        return self.inflow - self.outflow


def _day_bounds(date_from: datetime.date | None, date_to: datetime.date | None, field: str) -> Q:
    q = Q()
    if date_from:
        q &= Q(**{f"{field}__date__gte": date_from})
    if date_to:
        q &= Q(**{f"{field}__date__lte": date_to})
    return q


def competitor_report(
    *, user, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> list[CompetitorFlow]:
    """Per competitor: customers who came from it and went to it in the period, and opportunities lost to it."""
    moves = _visible_customers(user, CompetitorMove.objects.filter(_day_bounds(date_from, date_to, "at")))
    counts = moves.order_by().values("competitor_id", "direction").annotate(n=Count("customer_id", distinct=True))
    lost = (
        Opportunity.objects.visible_to(user)
        .filter(_day_bounds(date_from, date_to, "closed_at"), stage=Opportunity.Stage.LOST, lost_to__isnull=False)
        .order_by()
        .values("lost_to_id")
        .annotate(n=Count("id"))
    )
    rows = {competitor.pk: CompetitorFlow(competitor) for competitor in Competitor.objects.order_by("name")}
    for row in counts:
        flow = rows.get(row["competitor_id"])
        if flow is None:
            continue
        if row["direction"] == CompetitorMove.Direction.IN:
            flow.inflow = row["n"]
        else:
            flow.outflow = row["n"]
    for row in lost:
        if row["lost_to_id"] in rows:
            rows[row["lost_to_id"]].lost_opportunities = row["n"]
    return [
        flow
        for flow in rows.values()
        if flow.competitor.active or flow.inflow or flow.outflow or flow.lost_opportunities
    ]


def competitor_moves_for(*, customer: Customer) -> QuerySet[CompetitorMove]:
    return customer.competitor_moves.select_related("competitor", "by").order_by("-at")


# --- campaigns --------------------------------------------------------------------------------------------


def _contracts(user) -> QuerySet[Deal]:
    return Deal.objects.visible_to(user).contracts()


def campaign_list(
    *,
    user,
    search: str = "",
    kind: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Campaign]:
    """Campaigns with leads, contracted deals and revenue annotated (one query for the whole list)."""
    leads = _visible_customers(user, CampaignLead.objects.filter(campaign=OuterRef("pk")))
    deals = _contracts(user).filter(opportunity__campaign=OuterRef("pk"))
    campaigns = Campaign.objects.select_related("project", "owner").annotate(
        lead_count=Coalesce(
            Subquery(
                leads.order_by().values("campaign").annotate(n=Count("id")).values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        deal_count=Coalesce(
            Subquery(
                deals.order_by().values("opportunity__campaign").annotate(n=Count("id")).values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        revenue=Coalesce(
            Subquery(
                deals.order_by().values("opportunity__campaign").annotate(total=Sum("price")).values("total")[:1],
                output_field=MONEY_FIELD,
            ),
            Value(Decimal("0.00"), output_field=MONEY_FIELD),
        ),
    )
    if search:
        campaigns = campaigns.filter(Q(name__icontains=search) | Q(channel__icontains=search))
    if kind:
        campaigns = campaigns.filter(kind=kind)
    if date_from:
        campaigns = campaigns.filter(ends_on__gte=date_from)
    if date_to:
        campaigns = campaigns.filter(starts_on__lte=date_to)
    return campaigns.order_by("-starts_on", "name", "pk")


def _ratio(numerator: Decimal, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(CENT)


@dataclass(frozen=True)
class CampaignFigures:
    leads: int
    deals: int
    revenue: Decimal
    cost: Decimal
    cost_per_lead: Decimal | None
    cost_per_deal: Decimal | None
    roi: Decimal | None  # (revenue − cost) / cost; None when nothing was spent

    @property
    def roi_pct(self) -> Decimal | None:
        return None if self.roi is None else (self.roi * 100).quantize(Decimal("0.1"))


def campaign_figures(campaign: Campaign) -> CampaignFigures:
    """Cost per lead, cost per deal and ROI of a campaign annotated by campaign_list (no query)."""
    revenue = Decimal(campaign.revenue or 0).quantize(CENT)
    cost = Decimal(campaign.actual_cost or 0).quantize(CENT)
    return CampaignFigures(
        leads=campaign.lead_count,
        deals=campaign.deal_count,
        revenue=revenue,
        cost=cost,
        cost_per_lead=_ratio(cost, campaign.lead_count),
        cost_per_deal=_ratio(cost, campaign.deal_count),
        roi=_ratio(revenue - cost, cost) if cost > 0 else None,
    )


def campaign_get(*, user, pk: int) -> Campaign:
    """One campaign with its figures annotated; raises Campaign.DoesNotExist."""
    return campaign_list(user=user).get(pk=pk)


def campaign_leads(*, user, campaign: Campaign) -> QuerySet[CampaignLead]:
    rows = _visible_customers(user, campaign.leads.select_related("customer", "by"))
    return rows.order_by("-at", "-id")


def campaign_deals(*, user, campaign: Campaign) -> QuerySet[Deal]:
    return (
        _contracts(user)
        .filter(opportunity__campaign=campaign)
        .select_related("customer", "unit", "owner")
        .order_by("-signed_on", "-id")
    )
