"""Run the registered benchmark scenarios in-process and print median / p95 time and SQL queries.

    manage.py bench [--runs 100] [--warmup 5] [--seed 9] [--only customers.]

Use DEBUG off and data from `manage.py seed_bench`. Times are wall-clock for the whole request through the
middleware stack (Django test client), so they include template rendering. A scenario that takes an id or a
search term draws `--runs` inputs from the data with the fixed seed (crm_site/bench.py); the report gives
median and p95 over the draws, the number of distinct inputs and the range of the query count, then the same
for each group of inputs the scenario names (files with payments, the heaviest decile...).
"""

import statistics
import time
from collections import Counter, defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.utils.module_loading import autodiscover_modules

from crm_site.bench import SCENARIOS, rng_for
from crm_site.models import ApiToken
from crm_site.startup import settle

HEADER = f"{'scenario':40} {'user':16} {'median ms':>9} {'p95 ms':>8} {'inputs':>6} {'queries':>8}  status"


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


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


class Command(BaseCommand):
    help = "Benchmark named scenarios over inputs drawn from the data (median, p95, distinct inputs, SQL queries)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=100, help="Requests (drawn inputs) per scenario.")
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--seed", type=int, default=9, help="Seed of the draws (the same inputs each time).")
        parser.add_argument("--only", default="", help="Run scenarios whose name starts with this.")

    def handle(self, *args, runs, warmup, seed, only, **options):
        load_scenarios()
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        self.stdout.write(f"database={connection.vendor} DEBUG={settings.DEBUG} runs={runs} seed={seed}")
        self.stdout.write(HEADER)
        for name, scenario in sorted(SCENARIOS.items()):
            if only and not name.startswith(only):
                continue
            self.run_one(scenario, runs, warmup, seed)

    def run_one(self, scenario, runs, warmup, seed):
        user = user_for(scenario.role)
        if user is None:
            self.stdout.write(f"{scenario.name:40} (no user with role {scenario.role})")
            return
        inputs = scenario.inputs(user, rng_for(scenario.name, seed), runs)
        if not inputs:
            self.stdout.write(f"{scenario.name:40} (no data)")
            return
        client = Client()
        headers = dict(scenario.headers)
        token = None
        if scenario.api:
            token, raw = ApiToken.issue(user=user, name="bench")
            headers["Authorization"] = f"Bearer {raw}"
        else:
            client.force_login(user)
        counted = []
        # execute_wrapper sees every query; the queries log is reset by each request_started.
        with connection.execute_wrapper(lambda execute, *call: (counted.append(1), execute(*call))[1]):
            try:
                for item in inputs[:warmup]:
                    client.get(item.url, headers=headers)
                settle()  # as a served process is once warm (crm_site.startup)
                rows = []
                for item in inputs:
                    counted.clear()
                    started = time.perf_counter()
                    response = client.get(item.url, headers=headers)
                    rows.append((item, (time.perf_counter() - started) * 1000, len(counted), response.status_code))
            finally:
                if token is not None:
                    token.delete()
        self.report(scenario.name, user.username, rows, scenario.note)
        groups = defaultdict(list)
        for row in rows:
            for group in row[0].groups:
                groups[group].append(row)
        for group, members in sorted(groups.items()):
            self.report(f"  · {group}", "", members, "")

    def report(self, label, username, rows, note):
        times = [row[1] for row in rows]
        queries = [row[2] for row in rows]
        statuses = Counter(row[3] for row in rows)
        status = " ".join(f"{code}" if count == len(rows) else f"{code}×{count}" for code, count in statuses.items())
        span = f"{min(queries)}" if min(queries) == max(queries) else f"{min(queries)}–{max(queries)}"
        self.stdout.write(
            f"{label:40} {username[:16]:16} {statistics.median(times):9.1f} {p95(times):8.1f} "
            f"{len({row[0].url for row in rows}):6d} {span:>8}  {status} {note}".rstrip()
        )
