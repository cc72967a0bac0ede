"""Bench data of the club: members for the first N customer files and a ledger of ~10 entries each, written by
COPY. Every member's balance is the sum of their entries (the reconciliation finds nothing), and the oldest
credits are past their expiry (the expiry job has real work)."""

import datetime
import time

from django.db import connection
from django.utils import timezone

from crm_site.benchdata import analyze, copy_rows, indexes_dropped
from customers.models import Customer
from members.defaults import ensure_default_tiers
from members.models import LedgerEntry, Member, Tier
from members.services.ledger import add_months
from members.services.members import card_number_for, member_number_for

EXPIRY_MONTHS = 24


def generate(*, members: int, entries: int, log=print) -> None:
    if Member.objects.exists():
        log("members: already there, skipped")
        return
    customer_ids = list(Customer.objects.order_by("id").values_list("id", flat=True)[:members])
    ensure_default_tiers(Tier)  # a database whose tiers were flushed (a test) gets the defaults back
    tiers = list(Tier.objects.order_by("rank").values_list("id", flat=True))
    per_member = max(1, entries // max(1, len(customer_ids)))
    today = timezone.localdate()
    now = timezone.now()
    balances: dict[int, int] = {}

    def member_rows():
        for index, customer_id in enumerate(customer_ids):
            joined = today - datetime.timedelta(days=index % 1500)
            yield (
                str(customer_id),  # member id = customer id: the ledger rows can be written without a lookup
                str(customer_id),
                member_number_for(customer_id),
                card_number_for(customer_id),
                joined.isoformat(),
                "desk",
                str(tiers[index % 7 // 3 if len(tiers) > 2 else 0]),
                "active" if index % 50 else "suspended",
                "0",
                (now - datetime.timedelta(days=index % 400)).isoformat(),
                now.isoformat(),
                r"\N",
            )

    def ledger_rows():
        for index, member_id in enumerate(customer_ids):
            balance = 0
            for step in range(per_member):
                age = 1000 - step * (950 // per_member)  # oldest first: a few credits are past 24 months
                created = now - datetime.timedelta(days=age, minutes=index % 1440)
                if step % 4 == 3 and balance > 0:
                    amount = -max(1, balance // 3)
                    kind, expires = "spend", r"\N"
                else:
                    amount = 100 + (index * 7 + step) % 50 * 10
                    kind = "earn"
                    expires = add_months(timezone.localdate(created), EXPIRY_MONTHS).isoformat()
                balance += amount
                yield (
                    str(member_id),
                    kind,
                    str(amount),
                    "",
                    "bench",
                    "",
                    "{}",
                    "",
                    r"\N",
                    "",
                    expires,
                    created.isoformat(),
                    r"\N",
                )
            balances[member_id] = balance

    started = time.perf_counter()
    member_table, ledger_table = Member._meta.db_table, LedgerEntry._meta.db_table
    with indexes_dropped(member_table):
        rate = copy_rows(
            member_table,
            [
                "id",
                "customer_id",
                "number",
                "card_no",
                "joined_on",
                "channel",
                "tier_id",
                "status",
                "balance",
                "last_activity_at",
                "created_at",
                "created_by_id",
            ],
            member_rows(),
            total=len(customer_ids),
        )
    log(f"members: {len(customer_ids):,} ({rate:,.0f}/s)")
    with indexes_dropped(ledger_table):
        rate = copy_rows(
            ledger_table,
            [
                "member_id",
                "kind",
                "amount",
                "rule",
                "reason",
                "reason_code",
                "reason_params",
                "source_type",
                "source_id",
                "key",
                "expires_on",
                "created_at",
                "by_id",
            ],
            ledger_rows(),
            total=len(customer_ids) * per_member,
        )
    log(f"ledger entries: {len(customer_ids) * per_member:,} ({rate:,.0f}/s)")
    # The balances, set in one statement from the sums (the same figure the generator kept).
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {member_table} m SET balance = s.total FROM (SELECT member_id, SUM(amount) AS total "  # noqa: S608
            f"FROM {ledger_table} GROUP BY member_id) s WHERE s.member_id = m.id"
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{member_table}', 'id'), (SELECT MAX(id) FROM {member_table}))"  # noqa: S608
            )
    analyze(member_table, ledger_table)
    log(f"members bench data in {time.perf_counter() - started:.1f}s")
