"""Bench sales data: projects, buildings, units, opportunities with their stage history, deals, payment schedules
and payments — shaped by arithmetic on row numbers (not Faker) and loaded by COPY, like customers/benchdata.py.

    manage.py seed_bench --customers 1000000 --units 200000 --opportunities 500000   (staff and customers first)

The opportunities go to the existing bench customers: owner = the customer's owner, team = the owner's team.
Every unit in a deal status gets one live deal (its opportunity is at the matching stage); a few available units
carry a cancelled reservation. Contracts have a 3- or 4-line schedule; past-due lines are mostly paid, some partly,
some not at all (overdue). Everything is derived from row numbers, so the same sizes give the same shapes.
"""

import datetime
import time
from array import array
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from crm_site.benchdata import analyze, copy_rows, indexes_dropped
from crm_site.models import StaffProfile, Team
from sales.models import Deal, Installment, Opportunity, Project, Unit

NULL = r"\N"
GRID_BUILDING = "Grid tower"  # the 2,000-unit building of the sales-control grid benchmark
GRID_UNITS_PER_FLOOR = 40
CANCELLED_PCT = 2  # available units that also carry a cancelled reservation
LOST_SHARE = 0.20

Stage = Opportunity.Stage
Status = Unit.Status
# Unit status by bucket (hash % 100): 50 % available, 5 % held, 5 % reserved, 5 % subscribed, 30 % contracted,
# 5 % delivered.
STATUS_BUCKETS = [
    (50, Status.AVAILABLE),
    (55, Status.HELD),
    (60, Status.RESERVED),
    (65, Status.SUBSCRIBED),
    (95, Status.CONTRACTED),
    (100, Status.DELIVERED),
]
ORIENTATIONS = ["S", "SN", "S", "SE", "SW", "E", "W", "N"]
PRE_DEAL = [Stage.LEAD, Stage.VISITED, Stage.INTENDING]

NO_CUSTOM = "{}"  # the `custom` JSON column (custom-field values): none in the bench rows
BUILDING_COLUMNS = ["id", "project_id", "name", "floors", "sale_permit"]
UNIT_COLUMNS = [
    "id", "building_id", "project_id", "floor", "number", "use", "rooms", "halls", "baths", "building_area",
    "usable_area", "orientation", "list_price", "cost_basis", "for_lease", "monthly_rent", "status",
    "status_changed_at", "held_by_id", "custom",
]  # fmt: skip
OPPORTUNITY_COLUMNS = [
    "id", "customer_id", "project_id", "owner_id", "team_id", "stage", "stage_changed_at", "unit_id",
    "expected_amount", "campaign_id", "lost_reason_id", "lost_to_id", "lost_note", "note", "created_at", "closed_at",
    "custom",
]  # fmt: skip
STAGE_CHANGE_COLUMNS = ["opportunity_id", "from_stage", "to_stage", "at", "by_id", "note"]
DEAL_COLUMNS = [
    "id", "opportunity_id", "unit_id", "customer_id", "project_id", "owner_id", "stage", "state", "deposit",
    "reserved_at", "expires_at", "list_price", "price", "payment_method", "approval", "approved_by_id", "approved_at",
    "subscribed_on", "contract_no", "signed_on", "delivered_on", "cancelled_at", "cancelled_by_id", "cancel_reason",
    "updated_at", "custom",
]  # fmt: skip
INSTALLMENT_COLUMNS = [
    "id", "deal_id", "lease_id", "project_id", "owner_id", "kind", "sequence", "due_on", "amount", "received", "note",
]  # fmt: skip
PAYMENT_COLUMNS = [
    "installment_id", "project_id", "owner_id", "amount", "is_refund", "received_on", "method", "reference", "by_id",
    "at",
]  # fmt: skip


def mix(n: int, salt: int = 0) -> int:
    """A well-spread, repeatable pseudo-random 32-bit number for row `n` (a multiplicative hash, mixed twice)."""
    x = (n * 2654435761 + salt * 0x9E3779B9 + 0x7F4A7C15) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 2246822519) & 0xFFFFFFFF
    x ^= x >> 13
    x = (x * 3266489917) & 0xFFFFFFFF
    return x ^ (x >> 16)


def money(amount: int) -> str:
    """Whole yuan as COPY text of a DecimalField with two places."""
    return f"{amount}.00"


def opt(value) -> str:
    return NULL if value is None else str(value)


@dataclass
class Clock:
    """Times as 'days ago': whole days before today, at a working hour (never in the future)."""

    today: datetime.date
    midnight: datetime.datetime
    now: datetime.datetime

    @classmethod
    def start(cls):
        now = timezone.now()
        today = timezone.localdate(now)
        midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        return cls(today, midnight, now)

    def at(self, days_ago: int, salt: int) -> datetime.datetime:
        moment = self.midnight - datetime.timedelta(days=days_ago, minutes=-(9 * 60 + salt % 600))
        return min(moment, self.now)

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)


@dataclass
class Sold:
    """A unit with a deal on it, remembered while the units are written."""

    unit_id: int
    project_id: int
    list_price: int
    status: str  # the unit's status; "cancelled" for an available unit carrying a cancelled reservation


@dataclass
class Plan:
    """What the generator needs to know across tables."""

    clock: Clock
    customers: array  # customer ids with an owner
    customer_owner: array
    customer_project: array
    team_of: dict[int, int | None]
    manager_of: dict[int, int]  # team id -> its manager (approves discounts)
    reps: list[int]
    project_ids: list[int]
    opportunities: int
    first_opportunity: int = 0
    first_deal: int = 0
    first_installment: int = 0
    sold: list[Sold] = field(default_factory=list)
    stride: int = 1
    lost_share: float = LOST_SHARE  # of the opportunities without a deal, set once the deals are known

    @property
    def project_set(self) -> set[int]:
        return set(self.project_ids)

    def customer(self, n: int) -> tuple[int, int, int]:
        index = (n * self.stride) % len(self.customers)
        return self.customers[index], self.customer_owner[index], self.customer_project[index]


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 (table names from code)
        return cursor.fetchone()[0]


def _sync_sequence(table: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # noqa: S608
            )


def _load_customers() -> tuple[array, array, array]:
    ids, owners, projects = array("q"), array("q"), array("q")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, owner_id, COALESCE(project_id, 0) FROM customers_customer WHERE owner_id IS NOT NULL ORDER BY id"
        )
        while rows := cursor.fetchmany(50_000):
            for customer_id, owner_id, project_id in rows:
                ids.append(customer_id)
                owners.append(owner_id)
                projects.append(project_id)
    return ids, owners, projects


def ensure_projects(count: int) -> list[int]:
    """The bench projects (code bench-NNN), created up to `count`."""
    existing = set(Project.objects.filter(code__startswith="bench-").values_list("code", flat=True))
    Project.objects.bulk_create(
        [
            Project(code=f"bench-{n:03d}", name=f"Bench project {n:03d}", city="Shanghai")
            for n in range(count)
            if f"bench-{n:03d}" not in existing
        ]
    )
    return list(Project.objects.filter(code__startswith="bench-").order_by("code").values_list("id", flat=True))[:count]


# ---------------------------------------------------------------- buildings and units


def building_plan(project_ids: list[int], units: int, grid_units: int) -> list[tuple[int, str, int, int, int]]:
    """(project, name, floors, units per floor, units) for buildings totalling `units`; the first is the grid tower."""
    plan = []
    remaining = units
    if grid_units and units >= 2 * grid_units:
        floors = -(-grid_units // GRID_UNITS_PER_FLOOR)
        plan.append((project_ids[0], GRID_BUILDING, floors, GRID_UNITS_PER_FLOOR, grid_units))
        remaining -= grid_units
    per_project: dict[int, int] = {}
    k = 0
    while remaining > 0:
        project_id = project_ids[k % len(project_ids)]
        floors = 32 + mix(k, 1) % 3
        per_floor = 4 + mix(k, 2) % 3
        count = min(floors * per_floor, remaining)
        floors = -(-count // per_floor)
        per_project[project_id] = per_project.get(project_id, 0) + 1
        plan.append((project_id, f"Block {per_project[project_id]:02d}", floors, per_floor, count))
        remaining -= count
        k += 1
    return plan


def unit_rows(plan: Plan, buildings: list[tuple[int, int, str, int, int, int]], first_unit: int):
    """Rows of sales_unit; records the units that carry deals in `plan.sold` as it goes."""
    clock = plan.clock
    project_index = {project_id: index for index, project_id in enumerate(plan.project_ids)}
    u = first_unit
    live = 0  # live deal k is the k-th unit in a deal status: its dates give the unit's status date
    for b, (building_id, project_id, _name, floors, per_floor, count) in enumerate(buildings):
        base = 15_000 + mix(project_index[project_id], 3) % 50_001  # yuan per m² on the first floor
        shops = b % 3 == 0
        written = 0
        for floor in range(1, floors + 1):
            for k in range(1, per_floor + 1):
                if written == count:
                    break
                written += 1
                h = mix(u, 4)
                area_centi = 6_000 + h % 12_001  # 60.00 – 180.00 m²
                shop = shops and floor == 1
                per_m2 = min(base * (1_000 + 3 * floor) // 1_000, 80_000)
                price = area_centi * per_m2 // 10_000 * 100  # whole hundreds of yuan
                cost = price * (55 + mix(u, 5) % 21) // 100
                bucket = mix(u, 6) % 100
                status = next(value for limit, value in STATUS_BUCKETS if bucket < limit)
                for_lease = shop and k % 2 == 0
                if for_lease:
                    status = Status.AVAILABLE
                rooms = 0 if shop else 2 + (area_centi > 8_000) + (area_centi > 11_000) + (area_centi > 15_000)
                held_by = plan.reps[mix(u, 7) % len(plan.reps)] if status == Status.HELD else None
                changed = clock.at(1 + mix(u, 8) % 30, u) if status == Status.HELD else None
                if status in Unit.DEAL_STATUSES:
                    dates = deal_dates(live, status)
                    changed = clock.at(dates.deliver or dates.sign or dates.subscribe or dates.reserve, live)
                    plan.sold.append(Sold(u, project_id, price, status))
                    live += 1
                elif status == Status.AVAILABLE and not for_lease and mix(u, 9) % 100 < CANCELLED_PCT:
                    plan.sold.append(Sold(u, project_id, price, "cancelled"))
                yield (
                    str(u), str(building_id), str(project_id), str(floor), f"{floor}{k:02d}",
                    Unit.Use.SHOP if shop else Unit.Use.HOME, str(rooms), "0" if shop else str(1 + (rooms > 2)),
                    str(1 + (rooms > 2) + (rooms > 4)), f"{area_centi / 100:.2f}", f"{area_centi * 0.78 / 100:.2f}",
                    "" if shop else ORIENTATIONS[k % len(ORIENTATIONS)], money(price), money(cost),
                    "t" if for_lease else "f", money(area_centi * 2 // 100 * 100) if for_lease else NULL, status,
                    changed.isoformat() if changed else NULL, opt(held_by), NO_CUSTOM,
                )  # fmt: skip
                u += 1


# ---------------------------------------------------------------- deals: their dates in days ago


@dataclass
class DealDates:
    reserve: int
    subscribe: int | None = None
    sign: int | None = None
    deliver: int | None = None
    cancel_minutes: int | None = None  # cancelled this long after the reservation


def deal_dates(k: int, status: str) -> DealDates:
    h = mix(k, 10)
    if status == Status.RESERVED:
        return DealDates(reserve=1 + h % 6)
    if status == "cancelled":
        return DealDates(reserve=10 + h % 700, cancel_minutes=60 * 24 * (1 + h % 7))
    if status == Status.SUBSCRIBED:
        subscribe = 1 + h % 60
        return DealDates(reserve=subscribe + 1 + mix(k, 11) % 5, subscribe=subscribe)
    if status == Status.DELIVERED:
        sign = 366 + h % 364
        deliver = 1 + mix(k, 12) % (sign - 300)
    else:
        sign, deliver = 1 + h % 729, None
    subscribe = sign + 3 + mix(k, 13) % 18
    return DealDates(reserve=subscribe + 1 + mix(k, 11) % 5, subscribe=subscribe, sign=sign, deliver=deliver)


def deal_stage_and_state(status: str) -> tuple[str, str]:
    return {
        Status.RESERVED: (Deal.Stage.RESERVATION, Deal.State.LIVE),
        "cancelled": (Deal.Stage.RESERVATION, Deal.State.CANCELLED),
        Status.SUBSCRIBED: (Deal.Stage.SUBSCRIPTION, Deal.State.LIVE),
        Status.CONTRACTED: (Deal.Stage.CONTRACT, Deal.State.LIVE),
        Status.DELIVERED: (Deal.Stage.CONTRACT, Deal.State.DELIVERED),
    }[status]


def discount_permille(k: int) -> int:
    """0 – 5.0 % off the list price."""
    return mix(k, 14) % 51


def deal_price(k: int, list_price: int) -> int:
    return list_price - list_price * discount_permille(k) // 100_000 * 100


# ---------------------------------------------------------------- opportunities and their stages


def stage_history(plan: Plan, n: int) -> list[tuple[str, datetime.datetime]]:
    """The stages opportunity number `n` passed, oldest first, with when it entered each."""
    clock = plan.clock
    h = mix(n, 20)
    gaps = [1 + mix(n, 21) % 20, 1 + mix(n, 22) % 14, 1 + mix(n, 23) % 10]  # lead→visited→intending→next
    if n < len(plan.sold):
        sold = plan.sold[n]
        dates = deal_dates(n, sold.status)
        reserved_at = clock.at(dates.reserve, n)
        before = dates.reserve + gaps[2]
        history = [
            (Stage.LEAD, clock.at(before + gaps[1] + gaps[0], n)),
            (Stage.VISITED, clock.at(before + gaps[1], n)),
            (Stage.INTENDING, clock.at(before, n)),
            (Stage.RESERVATION, reserved_at),
        ]
        if dates.cancel_minutes is not None:
            history.append((Stage.LOST, reserved_at + datetime.timedelta(minutes=dates.cancel_minutes)))
        if dates.subscribe is not None:
            history.append((Stage.SUBSCRIPTION, clock.at(dates.subscribe, n + 1)))
        if dates.sign is not None:
            history.append((Stage.CONTRACT, clock.at(dates.sign, n + 2)))
        if dates.deliver is not None:
            history.append((Stage.WON, clock.at(dates.deliver, n + 3)))
        return history
    lost = (h % 10_000) < plan.lost_share * 10_000
    reached = mix(n, 24) % 100
    # Open cards: 40 % leads, 33 % visited, 27 % intending; lost cards were lost from the same spread.
    depth = 1 if reached < 40 else 2 if reached < 73 else 3
    last = 1 + mix(n, 25) % (700 if lost else 150)
    history = []
    ago = last + (gaps[2] if lost else 0)
    for index in range(depth - 1, -1, -1):
        history.insert(0, (PRE_DEAL[index], clock.at(ago, n)))
        ago += gaps[index]
    if lost:
        history.append((Stage.LOST, clock.at(last, n + 1)))
    return history


def opportunity_rows(plan: Plan):
    projects = plan.project_set
    for n in range(plan.opportunities):
        customer_id, owner_id, customer_project = plan.customer(n)
        history = stage_history(plan, n)
        stage, changed_at = history[-1]
        unit_id = expected = None
        if n < len(plan.sold):
            sold = plan.sold[n]
            project_id, unit_id, expected = sold.project_id, sold.unit_id, sold.list_price
        else:
            project_id = (
                customer_project if customer_project in projects else plan.project_ids[n % len(plan.project_ids)]
            )
            if stage != Stage.LEAD:
                expected = (1_000 + mix(n, 26) % 9_000) * 1_000
        closed = stage in Opportunity.CLOSED_STAGES
        yield (
            str(plan.first_opportunity + n), str(customer_id), str(project_id), str(owner_id),
            opt(plan.team_of.get(owner_id)), stage, changed_at.isoformat(), opt(unit_id),
            money(expected) if expected else NULL, NULL, NULL, NULL, "", "", history[0][1].isoformat(),
            changed_at.isoformat() if closed else NULL, NO_CUSTOM,
        )  # fmt: skip


def stage_change_rows(plan: Plan):
    for n in range(plan.opportunities):
        _customer, owner_id, _project = plan.customer(n)
        previous = ""
        opportunity_id = str(plan.first_opportunity + n)
        by = str(owner_id)
        for stage, at in stage_history(plan, n):
            yield (opportunity_id, previous, stage, at.isoformat(), by, "")
            previous = stage


def deal_rows(plan: Plan):
    clock = plan.clock
    now = clock.now.isoformat()
    for k, sold in enumerate(plan.sold):
        customer_id, owner_id, _project = plan.customer(k)
        dates = deal_dates(k, sold.status)
        stage, state = deal_stage_and_state(sold.status)
        reserved_at = clock.at(dates.reserve, k)
        expires_at = reserved_at + datetime.timedelta(days=7)
        price = method = approved_by = approved_at = None
        approval = Deal.Approval.NOT_NEEDED
        if dates.subscribe is not None:
            price = deal_price(k, sold.list_price)
            method = Deal.PaymentMethod.MORTGAGE if mix(k, 15) % 100 < 55 else Deal.PaymentMethod.INSTALLMENTS
            if discount_permille(k) > 30:
                manager = plan.manager_of.get(plan.team_of.get(owner_id))
                if manager is None or (dates.sign is None and mix(k, 16) % 2):
                    approval = Deal.Approval.PENDING
                else:
                    approval = Deal.Approval.APPROVED
                    approved_by, approved_at = manager, reserved_at + datetime.timedelta(hours=20)
        cancelled_at = (
            reserved_at + datetime.timedelta(minutes=dates.cancel_minutes) if dates.cancel_minutes is not None else None
        )
        deal_id = plan.first_deal + k
        yield (
            str(deal_id), str(plan.first_opportunity + k), str(sold.unit_id), str(customer_id), str(sold.project_id),
            str(owner_id), stage, state, money(50_000 if sold.list_price > 3_000_000 else 20_000),
            reserved_at.isoformat(), expires_at.isoformat(), money(sold.list_price), money(price) if price else NULL,
            method or "", approval, opt(approved_by), approved_at.isoformat() if approved_at else NULL,
            clock.day(dates.subscribe).isoformat() if dates.subscribe is not None else NULL,
            f"BENCH-{deal_id:09d}" if dates.sign is not None else "",
            clock.day(dates.sign).isoformat() if dates.sign is not None else NULL,
            clock.day(dates.deliver).isoformat() if dates.deliver is not None else NULL,
            cancelled_at.isoformat() if cancelled_at else NULL, str(owner_id) if cancelled_at else NULL,
            "Customer changed their mind" if cancelled_at else "", now, NO_CUSTOM,
        )  # fmt: skip


@dataclass
class Line:
    kind: str
    sequence: int
    due_ago: int  # negative: due in the future
    amount: int
    payments: list[tuple[int, int]]  # (amount, days ago)

    @property
    def received(self) -> int:
        return sum(amount for amount, _ago in self.payments)


def schedule(k: int, sold: Sold) -> list[Line]:
    """The payment schedule of contract number `k`, and what has come in against each line."""
    dates = deal_dates(k, sold.status)
    if dates.sign is None:
        return []
    price = deal_price(k, sold.list_price)
    if mix(k, 15) % 100 < 55:  # mortgage: two down payments, then the bank
        first, second = price * 20 // 100, price * 10 // 100
        parts = [
            (Installment.Kind.DOWN_PAYMENT, 0, first),
            (Installment.Kind.DOWN_PAYMENT, 30, second),
            (Installment.Kind.MORTGAGE, 60, price - first - second),
        ]
    else:
        down = price * 30 // 100
        each = (price - down) // 3
        parts = [
            (Installment.Kind.DOWN_PAYMENT, 0, down),
            (Installment.Kind.INSTALLMENT, 90, each),
            (Installment.Kind.INSTALLMENT, 180, each),
            (Installment.Kind.INSTALLMENT, 270, price - down - 2 * each),
        ]
    lines = []
    for sequence, (kind, offset, amount) in enumerate(parts, start=1):
        due_ago = dates.sign - offset
        payments = []
        if due_ago > 0:
            bucket = 0 if sold.status == Status.DELIVERED else mix(k * 8 + sequence, 17) % 100
            paid_ago = max(1, due_ago - mix(k, 18 + sequence) % 8)
            if bucket < 85:
                if amount > 1_000_000 and mix(k, 30 + sequence) % 3 == 0:
                    half = amount // 2
                    payments = [(half, min(due_ago, paid_ago + 5)), (amount - half, paid_ago)]
                else:
                    payments = [(amount, paid_ago)]
            elif bucket < 92:
                payments = [(amount * (30 + mix(k, 40 + sequence) % 41) // 100, paid_ago)]
        lines.append(Line(kind, sequence, due_ago, amount, payments))
    return lines


def _contracts(plan: Plan):
    """(deal number, sold unit, first installment id, lines) for every contract, numbering installments in order."""
    installment_id = plan.first_installment
    for k, sold in enumerate(plan.sold):
        lines = schedule(k, sold)
        if lines:
            yield k, sold, installment_id, lines
            installment_id += len(lines)


def installment_rows(plan: Plan):
    for k, sold, first_id, lines in _contracts(plan):
        _customer, owner_id, _project = plan.customer(k)
        for offset, line in enumerate(lines):
            yield (
                str(first_id + offset), str(plan.first_deal + k), NULL, str(sold.project_id), str(owner_id), line.kind,
                str(line.sequence), plan.clock.day(line.due_ago).isoformat(), money(line.amount),
                money(line.received), "",
            )  # fmt: skip


def payment_rows(plan: Plan):
    clock = plan.clock
    for k, sold, first_id, lines in _contracts(plan):
        _customer, owner_id, _project = plan.customer(k)
        for offset, line in enumerate(lines):
            method = "mortgage" if line.kind == Installment.Kind.MORTGAGE else "transfer"
            for amount, ago in line.payments:
                yield (
                    str(first_id + offset), str(sold.project_id), str(owner_id), money(amount), "f",
                    clock.day(ago).isoformat(), method, "", str(owner_id), clock.at(ago, k).isoformat(),
                )  # fmt: skip


# ---------------------------------------------------------------- the whole load


@dataclass
class Loaded:
    table: str
    rows: int
    rate: float
    rebuild: float

    def __str__(self):
        return f"{self.table}: {self.rows:,} rows, COPY at {self.rate:,.0f} rows/s, indexes rebuilt in {self.rebuild:.1f} s"


class _Counted:
    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def _copy(table: str, columns, rows, *, drop_indexes: bool = True) -> Loaded:
    counted = _Counted(rows)
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Inside a transaction (the tests), deferred foreign-key checks of earlier rows would block ALTER TABLE.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with indexes_dropped(table) if drop_indexes else nullcontext() as dropped:
        # copy_rows turns a total into rows/s; given 1 it returns 1/elapsed, and the rows are counted as they go.
        per_row = copy_rows(table, columns, counted, total=1)
    return Loaded(table, counted.count, counted.count * per_row, dropped.rebuild_seconds if dropped else 0.0)


def generate(*, projects: int, units: int, opportunities: int, grid_units: int = 2_000, log=None) -> list[Loaded]:
    """Load the sales bench data over the existing customers and staff; returns one line of figures per table."""
    log = log or (lambda message: None)
    if opportunities < units // 2:
        raise ValueError("About half of the units carry a deal: ask for at least units / 2 opportunities.")
    customers, owners, customer_projects = _load_customers()
    if not customers:
        raise ValueError("No owned customers: run `manage.py seed_bench` first.")
    project_ids = ensure_projects(projects)
    if Unit.objects.filter(project_id__in=project_ids).exists():
        raise ValueError("The bench projects already have units: seed a fresh database.")
    reps = get_user_model().objects.filter(groups__name="sales_rep", is_active=True).order_by("id")
    plan = Plan(
        clock=Clock.start(),
        customers=customers,
        customer_owner=owners,
        customer_project=customer_projects,
        team_of=dict(StaffProfile.objects.values_list("user_id", "team_id")),
        manager_of=dict(Team.objects.filter(manager__isnull=False).values_list("id", "manager_id")),
        reps=list(reps.values_list("id", flat=True)) or sorted(set(owners)),
        project_ids=project_ids,
        opportunities=opportunities,
        stride=7919 if len(customers) % 7919 else 1,  # spread the opportunities over the customers
    )
    log(f"{len(customers):,} owned customers, {len(plan.reps)} reps, {len(project_ids)} projects")
    loaded = []

    def load(table, columns, rows, *, ids=True, drop_indexes=True):
        loaded.append(_copy(table, columns, rows, drop_indexes=drop_indexes))
        if ids:
            _sync_sequence(table)
        log(str(loaded[-1]))

    first_building = _next_id("sales_building")
    buildings = [
        (first_building + index, *building)
        for index, building in enumerate(building_plan(project_ids, units, grid_units))
    ]
    building_rows = ((str(b), str(p), name, str(floors), f"BP-{b}") for b, p, name, floors, _per, _n in buildings)
    load("sales_building", BUILDING_COLUMNS, building_rows, drop_indexes=False)
    load("sales_unit", UNIT_COLUMNS, unit_rows(plan, buildings, _next_id("sales_unit")))

    # Live deals first, in unit order (live deal k belongs to opportunity k), then the cancelled reservations.
    plan.sold.sort(key=lambda sold: sold.status == "cancelled")
    cancelled = sum(1 for sold in plan.sold if sold.status == "cancelled")
    free = opportunities - len(plan.sold)
    plan.lost_share = max(0.0, (LOST_SHARE * opportunities - cancelled) / free) if free else 0.0

    plan.first_opportunity = _next_id("sales_opportunity")
    load("sales_opportunity", OPPORTUNITY_COLUMNS, opportunity_rows(plan))
    load("sales_stagechange", STAGE_CHANGE_COLUMNS, stage_change_rows(plan), ids=False)
    plan.first_deal = _next_id("sales_deal")
    load("sales_deal", DEAL_COLUMNS, deal_rows(plan))
    plan.first_installment = _next_id("sales_installment")
    load("sales_installment", INSTALLMENT_COLUMNS, installment_rows(plan))
    load("sales_payment", PAYMENT_COLUMNS, payment_rows(plan), ids=False)
    loaded.append(generate_promises())
    log(str(loaded[-1]))
    analyze(*(item.table for item in loaded))
    return loaded


PROMISE_SQL = """
INSERT INTO sales_promise (customer_id, deal_id, project_id, promised_by_id, owner_id, topic, content, due_on, status,
                           evidence, closed_at, closed_by_id, close_note, created_at)
SELECT customer_id, id, project_id, owner_id, owner_id,
       (ARRAY['parking', 'decoration', 'school', 'delivery', 'price', 'certificate', 'other'])[id %% 7 + 1],
       'Bench promise on deal ' || id, due_on,
       CASE WHEN due_on >= %(today)s OR id %% 10 < 3 THEN 'open' WHEN id %% 10 < 9 THEN 'kept' ELSE 'broken' END,
       CASE WHEN id %% 2 = 0 THEN 'Contract clause ' || (id %% 40 + 1) ELSE '' END,
       CASE WHEN due_on < %(today)s AND id %% 10 >= 3 THEN due_on + TIME '17:00' END,
       CASE WHEN due_on < %(today)s AND id %% 10 >= 3 THEN owner_id END,
       '', reserved_at
FROM (SELECT *, COALESCE(signed_on, subscribed_on) + (id %% 240 - 30)::int AS due_on FROM sales_deal
      WHERE state <> 'cancelled' AND stage IN ('subscription', 'contract') AND id %% 3 = 0 AND project_id IN
            (SELECT id FROM sales_project WHERE code LIKE 'bench-%%')) AS deal
"""


def generate_promises() -> Loaded:
    """One promise for every third subscription or contract of the bench projects (INSERT … SELECT, PostgreSQL)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(PROMISE_SQL, {"today": timezone.localdate()})
        rows = cursor.rowcount
    elapsed = time.perf_counter() - started
    return Loaded("sales_promise", rows, rows / elapsed if elapsed else float(rows), 0.0)
