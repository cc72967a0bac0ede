"""The job page (admins): the runs with their figures, and "run now"."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from analytics import jobs
from analytics.models import JobRun
from analytics.selectors import jobs as job_selectors
from analytics.tasks import job_start_task


@permission_required("analytics.run_job", raise_exception=True)
def job_list(request):
    runs = Paginator(JobRun.objects.select_related("started_by"), 30).get_page(request.GET.get("page"))
    for run in runs:
        run.label = job_selectors.job_label(run.name)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    context = {"page": runs, "jobs": sorted(jobs.JOBS.values(), key=lambda job: job.name), "yesterday": yesterday}
    return render(request, "analytics/job_list.html", context)


@permission_required("analytics.run_job", raise_exception=True)
def job_detail(request, pk):
    run = get_object_or_404(JobRun, pk=pk)
    context = {
        "run": run,
        "label": job_selectors.job_label(run.name),
        "figures": job_selectors.figure_rows(run.figures),
        "models": job_selectors.churn_models(run.figures),
    }
    return render(request, "analytics/job_detail.html", context)


@require_POST
@permission_required("analytics.run_job", raise_exception=True)
def job_run(request):
    name = request.POST.get("name", "")
    try:
        jobs.get(name)
        night = datetime.date.fromisoformat(request.POST.get("night", ""))
    except (LookupError, ValueError):
        messages.error(request, _("Choose a job and a night."))
        return redirect("analytics:job-list")
    if night > timezone.localdate():
        messages.error(request, _("A night in the future has nothing to score yet."))
        return redirect("analytics:job-list")
    try:
        # On a worker (its preparation may train a model for a minute); in-process without a broker.
        job_start_task.delay(name, night.isoformat(), request.user.pk)
    except Exception:  # recorded on the run, shown in the list
        messages.error(request, _("The job failed; its error is shown below."))
        return redirect("analytics:job-list")
    messages.success(request, _("The job was started; refresh to follow it."))
    return redirect("analytics:job-list")
