"""The job registry: nightly jobs by name, each split into chunks of customer ids that Celery runs in parallel.

A job is `Job(name, label, chunks, run_chunk, finish, prepare, steps)`:
    prepare(run) -> dict        once, before the chunks; its dict goes into run.figures
    steps {name: step(run) -> dict}   after prepare and before the chunks, each its own Celery task, so
                                independent work (training a model each) runs on several workers at once; each
                                result goes into run.figures under its name
    chunks(run) -> [(lo, hi)]   the id ranges, each one Celery task
    run_chunk(run, lo, hi) -> int | dict   replaces the night's rows for ids lo..hi (delete + COPY in one
                                transaction, so a retried or re-delivered chunk never duplicates), returns the
                                rows written, or a dict of the chunk's totals (JSON) that finish adds up
    finish(run, results) -> dict    once all chunks are in (the chord's callback, given the chunks' returns):
                                cross-chunk steps, figures
The orchestration (JobRun rows, group / chord, retries, failure) is analytics.services.jobs.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    chunks: Callable
    run_chunk: Callable
    finish: Callable
    prepare: Callable | None = None
    steps: dict[str, Callable] = field(default_factory=dict)


JOBS: dict[str, Job] = {}


def register(job: Job) -> None:
    JOBS[job.name] = job


def get(name: str) -> Job:
    try:
        return JOBS[name]
    except KeyError:
        raise LookupError(_("No job is called “%(name)s”.") % {"name": name}) from None


def id_ranges(first: int | None, last: int | None, size: int) -> list[tuple[int, int]]:
    """[first, last] cut into ranges of `size` ids (ids, not rows: gaps make some chunks smaller)."""
    if first is None or last is None:
        return []
    return [(lo, min(lo + size - 1, last)) for lo in range(first, last + 1, size)]
