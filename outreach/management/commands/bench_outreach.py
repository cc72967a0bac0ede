"""Send one marketing e-mail to N customers through the real path and report time and memory.

    manage.py seed_bench --customers 100000          # bench customers (PostgreSQL)
    /usr/bin/time -v manage.py bench_outreach --recipients 100000

The bench customers get an e-mail address (the first N also consent); a saved filter (tag "bench") is the audience;
the send is started as marketing would start it, with Celery eager (in this process) and the console backend
writing to /dev/null (or locmem, keeping every message in memory). Prints how long writing and delivering took.
"""

import contextlib
import os
import resource
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from crm_site.celery import app
from crm_site.roles import assign_role
from customers.models import Customer, SavedFilter
from outreach.models import Kind, MessageTemplate, Send
from outreach.services import send_report, send_save, send_start

BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


class Command(BaseCommand):
    help = "Send one marketing e-mail to N bench customers (Celery eager, console backend); print time and memory."

    def add_arguments(self, parser):
        parser.add_argument("--recipients", type=int, default=100_000, help="Customers who get it (default 100,000).")
        parser.add_argument("--backend", choices=sorted(BACKENDS), default="console")
        parser.add_argument("--batch-size", type=int, default=500, help="Messages per SMTP connection (default 500).")

    def handle(self, *args, **options):
        wanted = options["recipients"]
        bench = Customer.objects.filter(tags__contains=["bench"]) if connection.vendor == "postgresql" else None
        if bench is None:
            raise CommandError("Run it on PostgreSQL with bench data (manage.py seed_bench).")
        if bench.count() < wanted:
            raise CommandError(f"Only {bench.count():,} bench customers: run seed_bench --customers {wanted}.")
        app.conf.task_always_eager = True
        settings.CELERY_TASK_ALWAYS_EAGER = True
        settings.OUTREACH_RATE_PER_MINUTE = 0
        settings.OUTREACH_BATCH_SIZE = options["batch_size"]
        settings.EMAIL_BACKEND = BACKENDS[options["backend"]]
        user, saved, template = self._prepare(wanted)
        send = send_save(
            by=user,
            name=f"Bench {wanted:,} ({time.strftime('%H:%M:%S')})",
            template=template,
            language="zh-hans",
            audience="saved_filter",
            audience_params={"saved_filter": str(saved.pk)},
        )
        started = time.perf_counter()
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):  # the console backend's output
            send_start(send=send, by=user)
        elapsed = time.perf_counter() - started
        send.refresh_from_db()
        report = send_report(send)
        written = (send.expanded_at - send.started_at).total_seconds()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"send {send.pk}: audience {report.audience:,}, no consent {report.no_consent:,}, sent {report.sent:,}, "
            f"failed {report.failed:,}, status {send.status}\n"
            f"total {elapsed:.1f} s ({report.sent / elapsed:,.0f} messages/s): messages written in {written:.1f} s, "
            f"delivered in {elapsed - written:.1f} s; peak memory {peak_mb:,.0f} MB"
        )

    def _prepare(self, wanted: int):
        User = get_user_model()
        user, created = User.objects.get_or_create(username="bench_marketing", defaults={"first_name": "Bench"})
        if created:
            assign_role(user, "marketing")
        with connection.cursor() as cursor:
            # Every bench file gets an address; the first `wanted` consent, the rest do not (they are counted out).
            cursor.execute(
                "UPDATE customers_customer SET email = 'c' || id || '@bench.example', "
                "marketing_consent = (id IN (SELECT id FROM customers_customer WHERE tags @> '[\"bench\"]' "
                "ORDER BY id LIMIT %s)) WHERE tags @> '[\"bench\"]'",
                [wanted],
            )
        saved, _created = SavedFilter.objects.get_or_create(
            user=user, name="Bench customers", defaults={"query": "tag=bench"}
        )
        template, _created = MessageTemplate.objects.get_or_create(
            key="bench.offer",
            defaults={
                "name": "Bench offer",
                "kind": Kind.MARKETING,
                "subject_en": "An offer for {{ customer_name }}",
                "subject_zh": "{{ customer_name }}，{{ project }}开放日邀请",
                "body_en": "Dear {{ customer_name }},\nyour consultant {{ consultant_name }} invites you.",
                "body_zh": "尊敬的{{ customer_name }}：\n您的置业顾问{{ consultant_name }}诚邀您参加{{ project }}开放日。",
            },
        )
        with connection.cursor() as cursor:  # earlier runs, in SQL: loading 100,000 rows to delete them would be
            # the biggest thing this command measures
            old = "SELECT m.id FROM outreach_message m JOIN outreach_send s ON s.id = m.send_id WHERE s.name LIKE 'Bench %%'"
            cursor.execute(f"UPDATE outreach_consentchange SET message_id = NULL WHERE message_id IN ({old})")  # noqa: S608
            cursor.execute(f"DELETE FROM outreach_message WHERE id IN ({old})")  # noqa: S608
        Send.objects.filter(name__startswith="Bench ").delete()
        return user, saved, template
