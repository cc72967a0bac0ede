"""Run an analytics job by hand: `manage.py run_job scores [--date 2026-12-06]` (default: yesterday).

Re-running a night replaces that night's snapshot. With a broker (REDIS_URL) the chunks go to the workers and
the command waits for the run to end; without one they run here.
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from analytics import jobs
from analytics.models import JobRun
from analytics.services.jobs import job_start


class Command(BaseCommand):
    help = "Run an analytics job (scores) for a night and wait for it."

    def add_arguments(self, parser):
        parser.add_argument("name", help="job name: " + ", ".join(sorted(jobs.JOBS)) if jobs.JOBS else "job name")
        parser.add_argument("--date", help="the night (YYYY-MM-DD); default yesterday")
        parser.add_argument("--timeout", type=int, default=3600, help="seconds to wait for the workers")

    def handle(self, *args, name, date=None, timeout=3600, **options):
        try:
            jobs.get(name)
        except LookupError as error:
            raise CommandError(str(error)) from None
        try:
            night = datetime.date.fromisoformat(date) if date else timezone.localdate() - datetime.timedelta(days=1)
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        started = time.monotonic()
        try:
            run = job_start(name, night)
        except Exception as error:  # recorded on the run; the command reports and fails
            raise CommandError(f"{name} {night} failed: {error}") from error
        while run.status == JobRun.Status.RUNNING and time.monotonic() - started < timeout:
            time.sleep(0.5)
            run.refresh_from_db()
        wall = time.monotonic() - started
        self.stdout.write(
            f"{run.name} {run.night}: {run.status}, {run.rows} rows in {run.chunks} chunks, {wall:.1f} s wall"
        )
        for key, value in sorted(run.figures.items()):
            if key == "thresholds":
                self.stdout.write(f"  thresholds: {len(value)} projects")
            elif key not in ("churn", "churn_owners"):
                self.stdout.write(f"  {key}: {value}")
        for model in ("churn", "churn_owners"):
            churn = run.figures.get(model, {})
            if not churn:
                continue
            self.stdout.write(
                f"  {model}: "
                + ", ".join(
                    f"{key}={churn[key]}"
                    for key in (
                        "trained",
                        "examples",
                        "churned",
                        "precision",
                        "recall",
                        "accuracy",
                        "baseline",
                        "reason",
                    )
                    if key in churn
                )
            )
        if run.status != JobRun.Status.SUCCEEDED:
            raise CommandError(run.error or f"{name} did not finish in {timeout} s")
