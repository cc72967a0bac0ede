"""Benchmark the customer import: generate a realistic CSV, then validate and commit it through the
same importer the web pages and `import_customers` use, and print the timings.

    manage.py bench_import [--rows 100000] [--user USERNAME] [--keep]

Target: 100,000 rows validated and committed in under 20 s on PostgreSQL. Phones are unique and
miss every number on file; about a third of the rows carry an ID number. The imported customers are
marked by a notes prefix and deleted afterwards (with their phones and audit entries) unless --keep.
"""

import datetime
import random
import tempfile
import time
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from crm_site import customfields, spreadsheets
from crm_site.models import AuditEntry
from customers import importing
from customers.identity import id_check_digit
from customers.models import Customer, CustomerPhone
from customers.selectors import ENTITY

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍鹏辉红建文斌宇浩凯秀云莉"
DISTRICTS = ["徐汇区", "浦东新区", "静安区", "黄浦区", "长宁区", "闵行区", "西湖区", "滨江区"]
SOURCES = ["来访", "来电", "网络", "老带新", "展会", "中介", "活动"]
STATUSES = ["潜在客户", "prospect", "intending", "buyer"]
REGIONS = ["110101", "310104", "310115", "330106", "440305", "320102"]
HEADER = ["姓名", "手机", "身份证号", "邮箱", "性别", "出生日期", "客户级别", "来源渠道", "状态", "区域", "备注"]


class Command(BaseCommand):
    help = "Time validating and committing a generated customer CSV through the importer."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--user", default="", help="Importing user (default: first superuser, else a manager)")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--keep", action="store_true", help="Keep the imported customers")

    def handle(self, *args, rows, user, seed, keep, **options):
        if rows < 1 or rows > importing.MAX_ROWS:
            raise CommandError(f"--rows must be between 1 and {importing.MAX_ROWS}.")
        by = self.bench_user(user)
        marker = f"bench_import {uuid.uuid4().hex[:12]}"
        rng = random.Random(seed)  # noqa: S311 (fake data, not security)
        self.stdout.write(
            f"database={connection.vendor} customers≈{Customer.objects.count():,} "
            f"phones on file={CustomerPhone.objects.count():,} user={by.get_username()} rows={rows:,}"
        )
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "customers.csv"
            path.write_bytes(b"".join(spreadsheets.csv_lines([HEADER, *self.generate(rows, rng, marker)])))
            data = path.read_bytes()
        self.stdout.write(f"generated {len(data) / 1e6:.1f} MB CSV in {time.perf_counter() - started:.1f} s")
        try:
            self.run(data, by=by, rows=rows)
        finally:
            if not keep:
                self.clean_up(marker)

    def run(self, data: bytes, *, by, rows: int) -> None:
        definitions = customfields.definitions(ENTITY)
        started = time.perf_counter()
        sheet = importing.read(data, filename="customers.csv")
        mapping = importing.guess_mapping(sheet.headers, definitions)
        read_seconds = time.perf_counter() - started
        report = importing.validate(sheet, mapping, by=by, definitions=definitions)
        validate_seconds = time.perf_counter() - started
        if not report.ok:
            for line in report.lines()[:20]:
                self.stderr.write(f"row {line[0]}\t{line[1]}\t{line[2]}")
            raise CommandError(f"{report.invalid_count} generated rows are invalid; nothing was committed.")
        started_commit = time.perf_counter()
        count = importing.commit(report, by=by, source="bench_import.csv")
        commit_seconds = time.perf_counter() - started_commit
        total = validate_seconds + commit_seconds
        self.stdout.write(
            f"read      {read_seconds:6.2f} s\n"
            f"validate  {validate_seconds:6.2f} s  {rows / validate_seconds:9,.0f} rows/s  (read included)\n"
            f"commit    {commit_seconds:6.2f} s  {count / commit_seconds:9,.0f} rows/s\n"
            f"total     {total:6.2f} s  {'OK' if total < 20 else 'SLOWER THAN'} target 20 s"
        )

    def generate(self, rows: int, rng: random.Random, marker: str):
        phones = self.free_phones(rows, rng)
        today = datetime.date.today()
        for index, phone in enumerate(phones):
            name = SURNAMES[rng.randrange(len(SURNAMES))] + "".join(
                GIVEN[rng.randrange(len(GIVEN))] for _ in range(rng.choice((1, 2)))
            )
            birth = today - datetime.timedelta(days=365 * 20 + rng.randrange(365 * 45))
            id_number = ""
            if index % 3 == 0:
                # A distinct (birth date, sequence) per ID-carrying row, so the file has no ID twice.
                serial = index // 3
                birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=serial % 16000)
                first17 = f"{REGIONS[serial % len(REGIONS)]}{birth:%Y%m%d}{100 + serial // 16000:03d}"
                id_number = first17 + id_check_digit(first17)
            yield [
                name,
                f"{phone[:3]} {phone[3:7]} {phone[7:]}" if index % 10 == 0 else phone,
                id_number,
                f"user{index}@example.com" if index % 5 == 0 else "",
                "男" if index % 2 else "女",
                birth.isoformat(),
                "ABCD"[index % 4],
                SOURCES[index % len(SOURCES)],
                STATUSES[index % len(STATUSES)],
                DISTRICTS[index % len(DISTRICTS)],
                f"{marker} #{index}",
            ]

    def free_phones(self, rows: int, rng: random.Random) -> list[str]:
        """`rows` distinct mobiles (13x / 18x) that no customer on file has."""
        found: set[str] = set()
        while len(found) < rows:
            candidates = {f"1{rng.choice('38')}{number:09d}" for number in rng.sample(range(10**9), rows - len(found))}
            batch = sorted(candidates - found)
            taken = importing.phones_on_file(batch)
            found.update(number for number in batch if number not in taken)
        wanted = sorted(found)[:rows]
        rng.shuffle(wanted)
        return wanted

    def bench_user(self, username: str):
        User = get_user_model()
        users = User.objects.filter(is_active=True)
        if username:
            found = users.filter(username=username).first()
        else:
            found = (
                users.filter(is_superuser=True).order_by("pk").first()
                or users.filter(groups__name__in=["admin", "sales_manager"]).order_by("pk").first()
            )
        if found is None:
            raise CommandError("No importing user: name one with --user.")
        return found

    def clean_up(self, marker: str) -> None:
        started = time.perf_counter()
        ids = [str(pk) for pk in Customer.objects.filter(notes__startswith=marker).values_list("pk", flat=True)]
        with transaction.atomic():
            for start in range(0, len(ids), 5000):
                AuditEntry.objects.filter(model="customers.customer", object_id__in=ids[start : start + 5000]).delete()
            CustomerPhone.objects.filter(customer__notes__startswith=marker).delete()
            # Raw, so the history and cascade machinery does not walk 100,000 fresh rows one by one.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {connection.ops.quote_name(Customer._meta.db_table)} WHERE notes LIKE %s",  # noqa: S608
                    [marker + "%"],
                )
                deleted = cursor.rowcount
        self.stdout.write(f"cleaned up {deleted:,} imported customers in {time.perf_counter() - started:.1f} s")
