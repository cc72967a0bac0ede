"""Service's key figures in the monthly management report (analytics.kpis): SLA attainment of the tickets
resolved in the month (resolution and first response within target), tickets opened, complaints, CSAT and NPS of
the survey answers given in the month."""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics import kpis
from service.models import Ticket
from service.selectors.surveys import results


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def service_kpis(start: datetime.date, end: datetime.date, project) -> list[kpis.Kpi]:
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone)
    tickets = Ticket.objects.all() if project is None else Ticket.objects.filter(project=project)
    opened = tickets.filter(created_at__gte=since, created_at__lt=until).aggregate(
        n=Count("pk"), complaints=Count("pk", filter=Q(kind=Ticket.Kind.COMPLAINT))
    )
    resolved = tickets.filter(resolved_at__gte=since, resolved_at__lt=until).aggregate(
        timed=Count("pk", filter=Q(resolution_due_at__isnull=False)),
        met=Count("pk", filter=Q(resolved_at__lte=F("resolution_due_at"))),
        answered=Count("pk", filter=Q(first_response_at__isnull=False, response_due_at__isnull=False)),
        answered_met=Count("pk", filter=Q(first_response_at__lte=F("response_due_at"))),
    )
    surveys = results(start=since, end=until, project=project)
    return [
        kpis.Kpi(_("Tickets opened"), opened["n"]),
        kpis.Kpi(_("Complaints"), opened["complaints"]),
        kpis.Kpi(_("Resolved within SLA"), _percent(resolved["met"], resolved["timed"]), "percent"),
        kpis.Kpi(_("First response within SLA"), _percent(resolved["answered_met"], resolved["answered"]), "percent"),
        kpis.Kpi(_("CSAT"), surveys["csat"], "percent"),
        kpis.Kpi(_("NPS"), surveys["nps"]),
    ]


kpis.register("service", service_kpis)
