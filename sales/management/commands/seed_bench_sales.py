"""Sales bench data over the bench customers: buildings, units, opportunities, deals, schedules, payments.

    manage.py seed_bench --customers 1000000          # staff, projects and customers first
    manage.py seed_bench_sales [--projects 200 --units 200000 --opportunities 500000 --grid-units 2000]

PostgreSQL COPY, indexes and foreign keys of each table dropped and rebuilt around the load. Meant for a fresh
bench database: it refuses to run twice over the same projects.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from sales import benchdata


class Command(BaseCommand):
    help = "Generate the sales benchmark data (COPY on PostgreSQL) over the customers made by seed_bench."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=200)
        parser.add_argument("--units", type=int, default=200_000)
        parser.add_argument("--opportunities", type=int, default=500_000)
        parser.add_argument(
            "--grid-units", type=int, default=2_000, help="Units of the one big building of the grid benchmark."
        )
        parser.add_argument(
            "--promises-only", action="store_true", help="Only add promises to the deals already generated."
        )

    def handle(self, *args, projects, units, opportunities, grid_units, promises_only, **options):
        started = time.perf_counter()
        if promises_only:
            self.stdout.write(str(benchdata.generate_promises()))
            return
        try:
            benchdata.generate(
                projects=projects,
                units=units,
                opportunities=opportunities,
                grid_units=grid_units,
                log=self.stdout.write,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"seed_bench_sales done in {time.perf_counter() - started:.1f} s"))
