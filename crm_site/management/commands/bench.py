"""Run the registered benchmark scenarios in-process and print median / p95 time and SQL queries.

    manage.py bench [--runs 100] [--warmup 5] [--only customers.]

Use DEBUG off and data from `manage.py seed_bench`. Times are wall-clock for the whole request
through the middleware stack (Django test client), so they include template rendering.
"""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.utils.module_loading import autodiscover_modules

from crm_site.bench import SCENARIOS
from crm_site.models import ApiToken


def load_scenarios():
    autodiscover_modules("bench")


def user_for(role: str):
    User = get_user_model()
    # The member of the role who owns the most customers gives the heaviest "own" scope.
    from django.db.models import Count

    return (
        User.objects.filter(groups__name=role, is_active=True)
        .annotate(owned=Count("customers"))
        .order_by("-owned", "username")
        .first()
    )


class Command(BaseCommand):
    help = "Benchmark named scenarios (median, p95, SQL queries) against the current database."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=100)
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--only", default="", help="Run scenarios whose name starts with this.")

    def handle(self, *args, runs, warmup, only, **options):
        load_scenarios()
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        self.stdout.write(f"database={connection.vendor} DEBUG={settings.DEBUG} runs={runs}")
        self.stdout.write(f"{'scenario':34} {'user':18} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  status")
        for name, scenario in sorted(SCENARIOS.items()):
            if only and not name.startswith(only):
                continue
            self.run_one(scenario, runs, warmup)

    def run_one(self, scenario, runs, warmup):
        user = user_for(scenario.role)
        if user is None:
            self.stdout.write(f"{scenario.name:34} (no user with role {scenario.role})")
            return
        url = scenario.url(user)
        if url is None:
            self.stdout.write(f"{scenario.name:34} (no data)")
            return
        client = Client()
        headers = dict(scenario.headers)
        token = None
        if scenario.api:
            token, raw = ApiToken.issue(user=user, name="bench")
            headers["Authorization"] = f"Bearer {raw}"
        else:
            client.force_login(user)
        try:
            for _ in range(warmup):
                client.get(url, headers=headers)
            timings = []
            queries = []
            # execute_wrapper sees every query; the queries log is reset by each request_started.
            with connection.execute_wrapper(
                lambda execute, sql, params, many, context: (queries.append(sql), execute(sql, params, many, context))[
                    1
                ]
            ):
                response = client.get(url, headers=headers)
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(url, headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
        finally:
            if token is not None:
                token.delete()
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        self.stdout.write(
            f"{scenario.name:34} {user.username[:18]:18} {statistics.median(timings):10.1f} {p95:8.1f} "
            f"{len(queries):8d}  {response.status_code} {scenario.note}"
        )
