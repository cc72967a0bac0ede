"""The report archive: monthly management PDFs to download, and "generate now" for a month."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from analytics.models import ManagementReport
from analytics.services.reports import report_generate
from sales.models import Project


@permission_required("analytics.view_management_report", raise_exception=True)
def report_list(request):
    reports = ManagementReport.objects.select_related("project").order_by("-month", "project__name", "language")[:200]
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    context = {
        "reports": reports,
        "projects": Project.objects.filter(active=True).order_by("name"),
        "month_value": f"{last_month:%Y-%m}",
        "languages": settings.LANGUAGES,
        "language": get_language(),
    }
    return render(request, "analytics/report_list.html", context)


@require_POST
@permission_required("analytics.view_management_report", raise_exception=True)
def report_create(request):
    try:
        month = datetime.date.fromisoformat(request.POST.get("month", "") + "-01")
    except ValueError:
        messages.error(request, _("Choose a month."))
        return redirect("analytics:report-list")
    raw = request.POST.get("project", "")
    project = None
    if raw:
        project = Project.objects.filter(pk=int(raw)).first() if raw.isdecimal() and len(raw) < 19 else None
        if project is None:
            messages.error(request, _("Choose a project from the list."))
            return redirect("analytics:report-list")
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = get_language()
    report = report_generate(month=month, project=project, language=language, by=request.user)
    messages.success(request, _("The report for %(month)s is ready.") % {"month": f"{month:%Y-%m}"})
    return redirect("analytics:report-download", pk=report.pk)


@permission_required("analytics.view_management_report", raise_exception=True)
def report_download(request, pk):
    report = get_object_or_404(ManagementReport, pk=pk)
    scope = report.project.code if report.project else "company"
    return FileResponse(
        report.pdf.open("rb"),
        as_attachment=True,
        filename=f"management-{report.month:%Y-%m}-{scope}-{report.language}.pdf",
        content_type="application/pdf",
    )
