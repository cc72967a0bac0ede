"""Idempotent demo data: what every app registers in its `seeds.py` (crm_site.seeding), run in order.

Every demo user's password is DEMO_PASSWORD (documented in the README). Running it twice changes nothing.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from crm_site.roles import sync_roles
from crm_site.seeding import DEMO_PASSWORD, seeds


class Command(BaseCommand):
    help = f"Load idempotent demo data. Every demo user's password is {DEMO_PASSWORD!r}."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=60, help="How many demo customers (default 60).")

    @transaction.atomic
    def handle(self, *args, **options):
        sync_roles(grant_missing=True)
        for seed in seeds():
            if seed.demo is not None:
                seed.demo(options, self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo user's password is {DEMO_PASSWORD!r}."))
