"""The club's key figures in the monthly management report (analytics.kpis): members who joined in the month,
members at its end, points earned and redeemed in the month."""

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics import kpis
from members.models import LedgerEntry, Member


def members_kpis(start: datetime.date, end: datetime.date, project) -> list[kpis.Kpi]:
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone)
    members = Member.objects.all() if project is None else Member.objects.filter(customer__project=project)
    counts = members.aggregate(
        joined=Count("pk", filter=Q(joined_on__range=(start, end))),
        total=Count("pk", filter=Q(joined_on__lte=end) & ~Q(status=Member.Status.LEFT)),
    )
    entries = LedgerEntry.objects.filter(created_at__gte=since, created_at__lt=until)
    if project is not None:
        entries = entries.filter(member__customer__project=project)
    points = entries.aggregate(
        earned=Sum("amount", filter=Q(kind=LedgerEntry.Kind.EARN)),
        redeemed=Sum("amount", filter=Q(kind=LedgerEntry.Kind.SPEND)),
    )
    return [
        kpis.Kpi(_("New members"), counts["joined"]),
        kpis.Kpi(_("Members at month end"), counts["total"]),
        kpis.Kpi(_("Points earned"), points["earned"] or 0),
        kpis.Kpi(_("Points redeemed"), -(points["redeemed"] or 0)),
    ]


kpis.register("members", members_kpis)
