"""A Celery worker process killed in the middle of a chunk (issue 14, RELIABILITY.md): the chunk's message goes
back to the queue (acks_late + reject_on_worker_lost), a fresh worker process runs it again, and the night's
snapshot is complete and holds each customer once.

A real worker (prefork, one process) on the real broker and the test database: it needs PostgreSQL (the worker is
another process, so the database must be a server) and Redis (REDIS_URL), as CI has. The chunk is caught in the
middle by a row lock: a thread holds one of the night's score rows FOR UPDATE, the re-run's chunk blocks in its
DELETE inside its transaction, and the test kills the worker's pool process there.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from analytics.models import CustomerScore, JobRun
from analytics.services.jobs import job_start
from crm_site.celery import app
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WAIT = 90  # seconds for any one step; a hang fails the test


def _needs_server_and_broker():
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("a real worker needs PostgreSQL and REDIS_URL (CI runs it)")


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db.get("PASSWORD") else user
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _until(check, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _finished(run_id: int) -> JobRun | None:
    run = JobRun.objects.get(pk=run_id)
    return run if run.status != JobRun.Status.RUNNING else None


@pytest.fixture
def worker():
    _needs_server_and_broker()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "CRM_TEST_CELERY_WORKER": "true",
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "crm_site", "worker", "--pool", "prefork", "--concurrency", "1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield process
    finally:
        app.conf.task_always_eager = eager
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def test_a_worker_killed_mid_chunk_leaves_a_complete_snapshot_without_duplicates(worker, night, settings):
    settings.ANALYTICS = {"chunk_size": 10}
    customers = [CustomerFactory() for _ in range(30)]
    first = job_start("scores", night)  # on a worker the trees train first, then the chunks are queued
    first = _until(lambda: _finished(first.pk), "the first run")
    assert first.status == JobRun.Status.SUCCEEDED, first.error
    assert first.chunks >= 3 and set(first.figures["step_seconds"]) == {"churn", "churn_owners", "profit_class"}
    assert CustomerScore.objects.filter(night=night).count() == 30

    # Hold one row of the night in the second chunk's range, then run the night again: that chunk blocks in the
    # middle of its transaction (its DELETE waits on the row).
    held = sorted(customer.pk for customer in customers)[15]
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                CustomerScore.objects.select_for_update().get(night=night, customer_id=held)
                locked.set()
                release.wait(WAIT)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(WAIT)
    again = job_start("scores", night)

    def blocked_chunk():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query ILIKE 'DELETE%%customerscore%%'"
            )
            return cursor.fetchone()[0]

    _until(blocked_chunk, "a chunk blocked in its transaction")
    [pool_process] = _children(worker.pid)
    os.kill(pool_process, signal.SIGKILL)
    release.set()
    holder.join(WAIT)

    again = _until(lambda: _finished(again.pk), "the re-run after the kill")
    assert again.status == JobRun.Status.SUCCEEDED, again.error
    assert again.chunks_done == again.chunks
    rows = CustomerScore.objects.filter(night=night)
    assert rows.count() == 30
    assert set(rows.values_list("customer_id", flat=True)) == {customer.pk for customer in customers}
    assert again.rows == 30
    replacement = _until(lambda: [pid for pid in _children(worker.pid) if pid != pool_process], "a new pool process")
    assert pool_process not in replacement
