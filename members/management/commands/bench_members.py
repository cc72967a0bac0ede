"""Time the club's nightly jobs over the whole ledger: the points expiry and the balance reconciliation.

    manage.py bench_members            # both, with their peak memory (tracemalloc, Python side)
The expiry writes real `expire` entries: run it on a bench database, not on production data.
"""

import time
import tracemalloc

from django.core.management.base import BaseCommand

from members import services
from members.models import LedgerEntry, Member


class Command(BaseCommand):
    help = "Time the points expiry and the balance reconciliation over all members and ledger entries."

    def handle(self, *args, **options):
        self.stdout.write(f"members={Member.objects.count():,} ledger entries={LedgerEntry.objects.count():,}")
        for name, job in (
            ("reconcile", lambda: len(services.balances_reconcile())),
            ("expire", services.points_expire_all),
            ("expire again", services.points_expire_all),
            ("reconcile after", lambda: len(services.balances_reconcile())),
        ):
            tracemalloc.start()
            started = time.perf_counter()
            result = job()
            elapsed = time.perf_counter() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            self.stdout.write(f"{name:16} {elapsed:8.2f} s  peak {peak / 1e6:6.1f} MB  result {result:,}")
