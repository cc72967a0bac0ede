"""Running jobs: a JobRun row, prepare, the job's steps as a Celery chord (group of step tasks → the task that
queues the chunks), then the chunks as a chord (group of chunk tasks → finish task).

Reliability: chunk tasks are acks_late with reject_on_worker_lost (settings), so a worker killed mid-chunk leaves
the message to another worker; they retry on errors; each chunk replaces its id range of the night in one
transaction, so re-running a chunk (or the whole night) gives the same snapshot, never duplicates.
"""

import logging
import time
import traceback

from celery import chord
from django.db.models import F
from django.utils import timezone

from analytics import jobs
from analytics.models import JobRun

logger = logging.getLogger(__name__)


def job_start(name: str, night, *, by=None) -> JobRun:
    """Start job `name` for `night`: prepare, its steps in parallel, then its chunks and the finish step (all
    eagerly, in this call, without a broker)."""
    from analytics import tasks  # tasks import this module

    job = jobs.get(name)
    run = JobRun.objects.create(name=name, night=night, started_at=timezone.now(), started_by=by)
    try:
        figures = job.prepare(run) if job.prepare else {}
        ranges = [list(bounds) for bounds in job.chunks(run)]  # cut here, where the job is started
        JobRun.objects.filter(pk=run.pk).update(figures=figures or {}, chunks=len(ranges))
        if job.steps:  # each step on a worker of its own; the chunks are queued once all are back
            chord([tasks.job_step_task.si(run.pk, step) for step in job.steps])(
                tasks.job_chunks_task.s(run.pk, ranges).on_error(tasks.job_failed_task.s(run.pk))
            )
        else:
            job_chunks(run.pk, [], ranges)
    except Exception as error:
        job_fail(run.pk, error)
        raise
    run.refresh_from_db()
    return run


def job_step(run_id: int, step: str) -> dict:
    """One of the job's steps (analytics.jobs.Job.steps): its result under its name, and its seconds."""
    run = JobRun.objects.get(pk=run_id)
    started = time.monotonic()
    result = jobs.get(run.name).steps[step](run)
    return {step: result, "step_seconds": {step: round(time.monotonic() - started, 2)}}


def job_chunks(run_id: int, parts: list, ranges: list) -> None:
    """The steps' results (`parts`) into the run's figures, then the chunks (`ranges`: [lo, hi] each) as a chord
    whose callback is finish."""
    from analytics import tasks

    run = JobRun.objects.get(pk=run_id)
    figures = dict(run.figures)
    seconds = {}
    for part in parts:
        seconds.update(part.pop("step_seconds", {}))
        figures.update(part)
    if seconds:
        figures["step_seconds"] = seconds
    # Everything before the chunks, prepare and the steps together: the time from the start to here.
    figures["prepare_seconds"] = round((timezone.now() - run.started_at).total_seconds(), 2)
    JobRun.objects.filter(pk=run_id).update(figures=figures)
    signatures = [tasks.job_chunk_task.si(run_id, lo, hi) for lo, hi in ranges]
    if signatures:  # the chord gives the finish task the chunks' returns (their totals)
        chord(signatures)(tasks.job_finish_task.s(run_id).on_error(tasks.job_failed_task.s(run_id)))
    else:
        tasks.job_finish_task.si([], run_id).apply_async()


def job_chunk(run_id: int, lo: int, hi: int) -> int | dict:
    run = JobRun.objects.get(pk=run_id)
    rows = jobs.get(run.name).run_chunk(run, lo, hi)
    JobRun.objects.filter(pk=run_id).update(chunks_done=F("chunks_done") + 1)
    return rows


def job_finish(run_id: int, results: list | None = None) -> JobRun:
    """`results`: what each chunk returned (the rows written, or its totals)."""
    run = JobRun.objects.get(pk=run_id)
    started = time.monotonic()
    figures = jobs.get(run.name).finish(run, results or []) or {}
    rows = figures.pop("rows", 0)
    figures = {**run.figures, **figures, "finish_seconds": round(time.monotonic() - started, 2)}
    JobRun.objects.filter(pk=run_id).update(
        status=JobRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        rows=rows,
        chunks_done=F("chunks"),
        figures=figures,
        error="",
    )
    run.refresh_from_db()
    return run


def job_fail(run_id: int, error) -> None:
    text = error if isinstance(error, str) else "".join(traceback.format_exception_only(type(error), error))
    logger.error("analytics job run %s failed: %s", run_id, text)
    JobRun.objects.filter(pk=run_id).update(status=JobRun.Status.FAILED, finished_at=timezone.now(), error=text[:4000])
