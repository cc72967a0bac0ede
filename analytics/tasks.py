"""Celery tasks of analytics (thin: the work is in analytics.services). Beat entries are in crm_site/celery.py."""

import datetime

from celery import shared_task
from django.utils import timezone

from analytics.services import jobs as services

RETRY = {"autoretry_for": (Exception,), "retry_backoff": 5, "retry_kwargs": {"max_retries": 3}}


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def job_step_task(run_id: int, step: str) -> dict:
    return services.job_step(run_id, step)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def job_chunks_task(parts: list, run_id: int, ranges: list) -> None:
    """The steps' chord callback: `parts` are their results; queues the chunks of `ranges`."""
    services.job_chunks(run_id, parts, ranges)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def job_chunk_task(run_id: int, lo: int, hi: int) -> int:
    return services.job_chunk(run_id, lo, hi)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def job_finish_task(results: list, run_id: int) -> None:
    """The chord's callback: `results` are the chunk tasks' returns."""
    services.job_finish(run_id, results)


@shared_task
def job_failed_task(request, exc, traceback, run_id: int) -> None:
    services.job_fail(run_id, str(exc))


@shared_task
def job_start_task(name: str, night: str, user_id: int | None = None) -> None:
    """A job started from the job page: prepare (which may train a model) runs on a worker, not in the request."""
    from django.contrib.auth import get_user_model

    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    services.job_start(name, datetime.date.fromisoformat(night), by=by)


@shared_task
def nightly_task(night: str | None = None) -> None:
    """Every night: the scores of yesterday's close (the job computes churn and every score in one pass)."""
    day = datetime.date.fromisoformat(night) if night else timezone.localdate() - datetime.timedelta(days=1)
    services.job_start("scores", day)


@shared_task
def monthly_report_task() -> None:
    """On the first of the month: last month's management report, company-wide and per project, both languages."""
    from analytics.services.reports import monthly_reports_generate

    monthly_reports_generate(month=(timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1))


@shared_task
def scheduled_reports_task(day: str | None = None) -> int:
    """Every morning: each report schedule whose period starts today, mailed to each recipient run as them (once)."""
    from analytics.services.builder import schedules_due

    return schedules_due(day=datetime.date.fromisoformat(day) if day else None)
