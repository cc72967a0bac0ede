"""The figures of the monthly management report, company-wide or for one project.

The report is a company document: it reads every row (its readers, executives and admins, see everything), so it
takes no user. Sales figures come straight from the sales tables; scores from the newest snapshot at or before
the month's end.
"""

import calendar
import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from analytics import kpis
from analytics.models import CustomerScore, JobRun
from customers.models import Customer
from sales.models import Deal, Installment, Opportunity, Payment, SalesTarget


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def report_figures(*, month: datetime.date, project=None) -> dict:
    end = month_end(month)
    start_at, end_at = _aware(month), _aware(end + datetime.timedelta(days=1))
    where = {"project": project} if project else {}
    contracts = (
        Deal.objects.contracts()
        .filter(signed_on__range=(month, end), **where)
        .aggregate(n=Count("pk"), amount=Sum("price"))
    )
    target = SalesTarget.objects.filter(month=month, level=SalesTarget.Level.PROJECT, **where).aggregate(
        amount=Sum("amount"), units=Sum("units")
    )
    lines = Installment.objects.filter(**where).exclude(deal__state=Deal.State.CANCELLED)
    due = lines.filter(due_on__range=(month, end)).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    received = Payment.objects.filter(received_on__range=(month, end), **where).aggregate(
        money=Sum("amount", filter=Q(is_refund=False)), refunds=Sum("amount", filter=Q(is_refund=True))
    )
    overdue = lines.filter(due_on__lte=end, received__lt=F("amount")).aggregate(
        total=Sum(F("amount") - F("received")), n=Count("pk")
    )
    opportunities = Opportunity.objects.filter(**where)
    new_opportunities = opportunities.filter(created_at__gte=start_at, created_at__lt=end_at).count()
    won = opportunities.filter(stage=Opportunity.Stage.WON, closed_at__gte=start_at, closed_at__lt=end_at).count()
    lost = opportunities.filter(stage=Opportunity.Stage.LOST, closed_at__gte=start_at, closed_at__lt=end_at).count()
    customers = Customer.objects.filter(created_at__gte=start_at, created_at__lt=end_at, **where).count()
    night = (
        JobRun.objects.filter(name="scores", status=JobRun.Status.SUCCEEDED, night__lte=end)
        .order_by("-night")
        .values_list("night", flat=True)
        .first()
    )
    scores = CustomerScore.objects.filter(night=night, **where) if night else CustomerScore.objects.none()
    quadrants = {
        row["quadrant"]: row
        for row in scores.filter(contracts__gt=0)
        .exclude(quadrant="")  # only owners have one (their index)
        .values("quadrant")
        .annotate(n=Count("pk"), profit=Sum("net_profit"))
        .order_by()
    }
    totals = scores.aggregate(
        net_profit=Sum("net_profit"), lifetime=Sum("lifetime_value"), high=Count("pk", filter=Q(risk="high"))
    )
    risks = list(
        scores.filter(Q(risk=CustomerScore.Risk.HIGH) | Q(churn__gte=Decimal("0.5")))
        .select_related("customer", "owner")
        .order_by(F("churn").desc(nulls_last=True), "customer_id")[:10]
    )
    received_money = received["money"] or Decimal(0)
    return {
        "month": month,
        "month_end": end,
        "project": project,
        "contracts": contracts["n"],
        "contract_amount": contracts["amount"] or Decimal(0),
        "target_amount": target["amount"] or Decimal(0),
        "target_units": target["units"] or 0,
        "attainment": (contracts["amount"] or 0) / target["amount"] * 100 if target["amount"] else None,
        "due": due,
        "received": received_money,
        "refunds": -(received["refunds"] or Decimal(0)),
        "collection_rate": (received_money + (received["refunds"] or 0)) / due * 100 if due else None,
        "overdue": overdue["total"] or Decimal(0),
        "overdue_lines": overdue["n"],
        "new_opportunities": new_opportunities,
        "won": won,
        "lost": lost,
        "conversion": contracts["n"] / new_opportunities * 100 if new_opportunities else None,
        "new_customers": customers,
        "night": night,
        "quadrants": [
            (label, quadrants.get(value, {}).get("n", 0), quadrants.get(value, {}).get("profit") or Decimal(0))
            for value, label in CustomerScore.Quadrant.choices
        ],
        "net_profit": totals["net_profit"] or Decimal(0),
        "lifetime_value": totals["lifetime"] or Decimal(0),
        "high_risk": totals["high"],
        "risks": risks,
        # Service and the club add theirs (analytics.kpis): SLA attainment, CSAT, NPS, members, points.
        "more_kpis": kpis.pairs(kpis.collect(start=month, end=end, project=project)),
    }
