"""The marketing dashboard: campaign ROI, cost per lead and per deal, source-channel effectiveness and the
referrals' contribution, within the viewer's scope, over the last N months.

Campaign figures are sales' own (sales.selectors.marketing.campaign_list / campaign_figures: leads are the campaign's
CampaignLead rows, deals its attributed contracted deals, ROI = (revenue − cost) ÷ cost); nothing is recounted here.
Source channels: the customer files created in the period by source; a file converted when it holds a contracted
deal (not cancelled); revenue = the contract prices of those deals; conversion = converted ÷ files.
Referrals: the files with a referrer among them, their deals and their share of the period's revenue.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm_site.charts import Chart
from customers.models import Customer
from sales.models import Deal
from sales.selectors import marketing as sales_marketing

MONTHS_CHOICES = (3, 6, 12, 24)
DEFAULT_MONTHS = 12
MONEY = DecimalField(max_digits=16, decimal_places=2)


def _pct(part, whole) -> Decimal | None:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def _roi_pct(revenue: Decimal, cost: Decimal) -> Decimal | None:
    """As sales computes a campaign's ROI (campaign_figures): the ratio to the cent, then in percent."""
    if cost <= 0:
        return None
    return ((revenue - cost) / cost).quantize(Decimal("0.01")) * 100


def marketing(*, user, months: int = DEFAULT_MONTHS, today: datetime.date | None = None) -> dict:
    if months not in MONTHS_CHOICES:
        months = DEFAULT_MONTHS
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=round(months * 30.44))
    campaigns = Chart(
        "campaigns",
        _("Campaign return"),
        "hbar",
        [(_("Campaign"), "text"), (_("ROI"), "pct"), (_("Cost"), "money"), (_("Leads"), "number"),
         (_("Deals"), "number"), (_("Revenue"), "money"), (_("Cost per lead"), "money"),
         (_("Cost per deal"), "money")],
        note=_("ROI = (revenue of the campaign's contracted deals − its actual cost) ÷ actual cost."),
    )  # fmt: skip
    spent = Decimal(0)
    campaign_revenue = Decimal(0)
    for campaign in sales_marketing.campaign_list(user=user, date_from=since, date_to=today)[:30]:
        figures = sales_marketing.campaign_figures(campaign)
        spent += figures.cost
        campaign_revenue += figures.revenue
        campaigns.rows.append([campaign.name, figures.roi_pct, figures.cost, figures.leads, figures.deals,
                               figures.revenue, figures.cost_per_lead, figures.cost_per_deal])  # fmt: skip
        campaigns.links.append(campaign.get_absolute_url())

    contracted = Q(deals__stage=Deal.Stage.CONTRACT) & ~Q(deals__state=Deal.State.CANCELLED)
    created = Customer.objects.visible_to(user).filter(created_at__date__gte=since, created_at__date__lte=today)
    by_source = {
        row["source"]: row
        for row in created.values("source")
        .annotate(
            files=Count("pk", distinct=True),
            converted=Count("pk", filter=contracted, distinct=True),
            revenue=Sum("deals__price", filter=contracted, output_field=MONEY),
        )
        .order_by()
    }
    sources = Chart(
        "sources",
        _("Source channels"),
        "bar",
        [(_("Source"), "text"), (_("New files"), "number"), (_("Converted"), "number"), (_("Conversion"), "pct"),
         (_("Revenue"), "money")],
        plot=[1, 2],
        note=_("Files created in the period by source; converted = holding a contract that is not cancelled."),
    )  # fmt: skip
    total_revenue = Decimal(0)
    for value, label in Customer.Source.choices:
        row = by_source.get(value, {"files": 0, "converted": 0, "revenue": None})
        revenue = Decimal(row["revenue"] or 0)
        total_revenue += revenue
        sources.rows.append([label, row["files"], row["converted"], _pct(row["converted"], row["files"]), revenue])
        sources.links.append(None)
    referred = created.filter(referrer__isnull=False).aggregate(
        files=Count("pk", distinct=True),
        converted=Count("pk", filter=contracted, distinct=True),
        revenue=Sum("deals__price", filter=contracted, output_field=MONEY),
        referrers=Count("referrer", distinct=True),
    )
    referred_revenue = Decimal(referred["revenue"] or 0)
    referrals = Chart(
        "referrals",
        _("Referral contribution"),
        "pie",
        [(_("Files"), "text"), (_("Revenue"), "money"), (_("New files"), "number"), (_("Converted"), "number")],
        note=_("Referred files: created in the period with a referrer named (%(referrers)s referrers).")
        % {"referrers": referred["referrers"]},
    )
    referrals.rows.append([_("Referred files"), referred_revenue, referred["files"], referred["converted"]])
    all_files = sum(row[1] for row in sources.rows)
    all_converted = sum(row[2] for row in sources.rows)
    referrals.rows.append([_("Other files"), total_revenue - referred_revenue, all_files - referred["files"],
                           all_converted - referred["converted"]])  # fmt: skip
    return {
        "charts": {"campaigns": campaigns, "sources": sources, "referrals": referrals},
        "kpis": {
            "spent": spent,
            "campaign_revenue": campaign_revenue,
            "roi": _roi_pct(campaign_revenue, spent),
            "files": all_files,
            "referral_share": _pct(referred_revenue, total_revenue),
        },
        "months": months,
        "since": since,
    }
