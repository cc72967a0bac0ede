"""Large generated data for `manage.py bench`: what every app registers in its `seeds.py`, run in order.

    manage.py seed_bench --customers 1000000 --interactions 5000000 --units 200000 --opportunities 500000

Rows are written with COPY on PostgreSQL (bulk INSERT on SQLite). Staff, teams and projects are created once and
reused; customers are appended; the sales tables are meant for a fresh database. Each app adds its own options
(`manage.py seed_bench --help`). Bench users' password: crm_site.seeding.BENCH_PASSWORD.
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection

from crm_site.roles import sync_roles
from crm_site.seeding import seeds


class Command(BaseCommand):
    help = "Generate large benchmark data fast (COPY on PostgreSQL); every app adds its options."

    def add_arguments(self, parser):
        parser.add_argument("--only", default="", help="Comma-separated seed names to run (default: all).")
        for seed in seeds():
            if seed.arguments is not None:
                seed.arguments(parser)

    def handle(self, *args, **options):
        started = time.perf_counter()
        only = {name.strip() for name in options["only"].split(",") if name.strip()}
        sync_roles(grant_missing=True)
        for seed in seeds():
            if seed.bench is not None and (not only or seed.name in only):
                seed.bench(options, self.stdout)
        self.analyze_all()
        self.stdout.write(self.style.SUCCESS(f"seed_bench done in {time.perf_counter() - started:.1f} s"))

    def analyze_all(self) -> None:
        """ANALYZE every table, not only the ones COPY filled: the small ones the seeds wrote through the ORM (staff
        users, teams, projects) kept the planner's empty-table guesses (auth_user: 40 rows expected for 400)."""
        if connection.vendor != "postgresql":
            return
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"analysed every table in {time.perf_counter() - started:.1f} s")
