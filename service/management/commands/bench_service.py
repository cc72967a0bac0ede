"""Time what `manage.py bench` cannot: the public status page (a POST that finds the contract, then the page
kept in the session) and the SLA escalation job over every open ticket (run twice: the second escalates none)."""

import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "Benchmark the buyer's status page and the escalation job (service)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=100)

    def handle(self, *args, runs, **options):
        from customers.models import Customer
        from sales.models import Deal
        from service.models import Ticket
        from service.services.sla import escalate_breached

        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        deal = (
            Deal.objects.filter(stage=Deal.Stage.CONTRACT, certificate_case__isnull=False)
            .exclude(state=Deal.State.CANCELLED)
            .order_by("id")
            .first()
        )
        if deal is None:
            self.stdout.write("service.status_page: no data")
        else:
            if not deal.contract_no:
                Deal.objects.filter(pk=deal.pk).update(contract_no=f"BENCH-{deal.pk}")
                deal.contract_no = f"BENCH-{deal.pk}"
            customer = deal.customer
            if not customer.id_number:
                Customer.objects.filter(pk=customer.pk).update(id_number=f"BENCH{deal.pk:013d}"[:18])
                customer.refresh_from_db()
            tail = customer.id_number[-6:]
            lookups, pages, counts = [], [], []
            for _run in range(runs):
                cache.clear()  # the rate limit counts per client; each run is a fresh visitor
                client = Client()
                started = time.perf_counter()
                response = client.post("/my-home/", {"contract_no": deal.contract_no, "id_tail": tail})
                lookups.append((time.perf_counter() - started) * 1000)
                if response.status_code != 302:
                    raise CommandError(f"status lookup answered {response.status_code}")
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    page = client.get("/my-home/status/")
                    pages.append((time.perf_counter() - started) * 1000)
                if page.status_code != 200:
                    raise CommandError(f"status page answered {page.status_code}")
                counts.append(len(queries))
            for name, values in (("service.status_lookup", lookups), ("service.status_page", pages)):
                p95 = statistics.quantiles(values, n=20)[-1]
                self.stdout.write(f"{name:28} median {statistics.median(values):7.1f} ms  p95 {p95:7.1f} ms")
            self.stdout.write(f"{'':28} page queries: {max(counts)}")
        open_tickets = Ticket.objects.open().count()
        started = time.perf_counter()
        first = escalate_breached()
        elapsed = time.perf_counter() - started
        started = time.perf_counter()
        second = escalate_breached()
        again = time.perf_counter() - started
        self.stdout.write(
            f"service.escalation_job        {open_tickets} open tickets: escalated {first} in {elapsed:.2f}s; "
            f"second run escalated {second} in {again:.2f}s"
        )
