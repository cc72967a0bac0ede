"""Reads of money: the outstanding installments, the monthly collection report and the order analysis.

The reports aggregate in SQL (one GROUPING SETS statement per row set, read through indexed columns), never loop
over rows in Python.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from crm_site import reportcache
from sales.models import Deal, Installment, Lease, Payment, Project
from sales.selectors.grouping import grouped_sums

ZERO = Decimal("0.00")
User = get_user_model()


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _live_lines(prefix: str = "") -> Exists:
    """Lines (through `prefix`, e.g. "installment__" from payments) not of a cancelled deal.

    Lines of cancelled deals are no longer owed (the funnel helper's cancellation keeps them as history).
    NOT EXISTS lets PostgreSQL pick per query: probe the deal of a few lines (a page of the list), or hash the
    few cancelled deals once (the reports), instead of joining every line to its deal.
    """
    return ~Exists(Deal.objects.filter(pk=OuterRef(f"{prefix}deal_id"), state=Deal.State.CANCELLED))


# What a row of the payments lists shows besides the installment.
ROW_RELATED = ("project", "owner", "deal__customer", "deal__unit__building", "lease__tenant", "lease__unit__building")


def installment_list(
    *,
    user,
    overdue_only: bool = False,
    due_within_days: int | None = None,
    project=None,
    owner=None,
    deal=None,
    lease=None,
    today: datetime.date | None = None,
) -> QuerySet[Installment]:
    """Installments with money outstanding that `user` may see, oldest due first."""
    today = today or timezone.localdate()
    rows = Installment.objects.visible_to(user).outstanding().filter(_live_lines())
    if overdue_only:
        rows = rows.filter(due_on__lt=today)
    if due_within_days is not None:
        rows = rows.filter(due_on__lte=today + datetime.timedelta(days=due_within_days))
    if project is not None:
        rows = rows.filter(project=project)
    if owner is not None:
        rows = rows.filter(owner=owner)
    if deal is not None:
        rows = rows.filter(deal=deal)
    if lease is not None:
        rows = rows.filter(lease=lease)
    return rows.select_related(*ROW_RELATED).order_by("due_on", "sequence", "id")


def installment_rows() -> QuerySet[Installment]:
    """Where a page of installment_list's keys is read from, by primary key: with what a row shows, unscoped (the
    keys are)."""
    return Installment.objects.select_related(*ROW_RELATED)


def installment_get(*, user, pk: int) -> Installment:
    return Installment.objects.visible_to(user).select_related(*ROW_RELATED).get(pk=pk)


def with_days_overdue(rows, today: datetime.date | None = None):
    """Set `days_overdue` (0 when not yet due) on each of `rows` (a page of installments); returns them."""
    today = today or timezone.localdate()
    for row in rows:
        row.days_overdue = max(0, (today - row.due_on).days)
    return rows


def schedule(*, deal=None, lease=None) -> list[Installment]:
    """Every line of a deal's or lease's schedule, with its payments (two queries)."""
    owner = {"deal": deal} if deal is not None else {"lease": lease}
    lines = list(
        Installment.objects.filter(**owner).prefetch_related("payments__by").order_by("due_on", "sequence", "id")
    )
    return with_days_overdue(lines)


def schedule_totals(lines) -> dict:
    amount = sum((line.amount for line in lines), ZERO)
    received = sum((line.received for line in lines), ZERO)
    return {"amount": amount, "received": received, "outstanding": amount - received}


def payments_due(*, user, days: int = 7, limit: int = 11) -> list[Installment]:
    """The user's own installments overdue or due within `days` (my-day panel): with only the names the panel
    shows joined (the list's ten joins cost PostgreSQL 8 ms of planning for 2 ms of work on every "my day")."""
    today = timezone.localdate()
    rows = installment_list(user=user, owner=user, due_within_days=days, today=today)
    rows = rows.select_related(None).select_related("deal__customer", "lease__tenant")
    # Only the columns the panel shows: Django's compiling and PostgreSQL's reading of four whole rows per line
    # was most of the panel's time.
    rows = rows.only(
        *("id", "deal_id", "lease_id", "kind", "sequence", "due_on", "amount", "received"),
        *("deal__id", "deal__customer__id", "deal__customer__name", "lease__id", "lease__tenant__id"),
        "lease__tenant__name",
    )
    return list(rows[:limit])


# --- collection report -------------------------------------------------------------------------------------


@dataclass
class CollectionRow:
    label: str
    key: object = None
    due: Decimal = ZERO
    received: Decimal = ZERO
    refunds: Decimal = ZERO  # negative
    overdue: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.received + self.refunds

    @property
    def rate(self) -> Decimal | None:
        """Collection rate in %: net received in the month over the amount due in it."""
        if not self.due:
            return None
        return (self.net * 100 / self.due).quantize(Decimal("0.1"))

    @property
    def bar(self) -> int | None:
        """The width of the rate's bar in % (the rate rounded, at most 100)."""
        rate = self.rate
        if rate is None:
            return None
        return 100 if rate > 100 else int(rate.quantize(Decimal(1), ROUND_HALF_UP))

    def add(self, other: "CollectionRow") -> None:
        self.due += other.due
        self.received += other.received
        self.refunds += other.refunds
        self.overdue += other.overdue


@dataclass
class CollectionReport:
    month: datetime.date
    month_end: datetime.date
    by_project: list[CollectionRow] = field(default_factory=list)
    by_rep: list[CollectionRow] = field(default_factory=list)
    total: CollectionRow = field(default_factory=lambda: CollectionRow(""))


def collection_report(*, user, month: datetime.date, project=None) -> CollectionReport:
    """Due, received, refunded in `month` and outstanding overdue at its end, per project and per rep.

    Overdue at month end = what lines due by then still lack today, plus what was paid on them since: the
    first part reads only unpaid lines (the partial index on due_on), the second only later payments. Each
    of the three row sets (lines, payments in the month, payments since) is summed per project and per rep
    in one statement (GROUPING SETS), so the page reads a few hundred rows whatever the number of lines.
    """
    start, end = month_bounds(month)
    lines = Installment.objects.visible_to(user).filter(_live_lines())
    payments = Payment.objects.visible_to(user)
    if project is not None:
        lines, payments = lines.filter(project=project), payments.filter(project=project)
    due_in_month = Q(due_on__gte=start, due_on__lte=end)
    unpaid_by_end = Q(due_on__lte=end, received__lt=F("amount"))
    line_rows = lines.filter(due_in_month | unpaid_by_end).values(
        "project_id",
        "owner_id",
        due=Case(When(due_in_month, then="amount")),
        unpaid=Case(When(unpaid_by_end, then=F("amount") - F("received"))),
    )
    payment_rows = payments.filter(received_on__gte=start, received_on__lte=end).values(
        "project_id",
        "owner_id",
        received=Case(When(is_refund=False, then="amount")),
        refunds=Case(When(is_refund=True, then="amount")),
    )
    later_rows = (
        payments.filter(received_on__gt=end, installment__due_on__lte=end)
        .filter(_live_lines("installment__"))
        .values("project_id", "owner_id", "amount")
    )
    by_project: dict[int, CollectionRow] = {}
    by_rep: dict[int, CollectionRow] = {}
    for rows, measures in (
        (line_rows, {"due": "SUM(due)", "overdue": "SUM(unpaid)"}),
        (payment_rows, {"received": "SUM(received)", "refunds": "SUM(refunds)"}),
        (later_rows, {"overdue": "SUM(amount)"}),
    ):
        sums, _total = grouped_sums(rows, ["project_id", "owner_id"], measures)
        for key, cells in (("project_id", by_project), ("owner_id", by_rep)):
            for row in sums[key]:
                cell = cells.setdefault(row[key], CollectionRow("", row[key]))
                for name in measures:
                    setattr(cell, name, getattr(cell, name) + _cents(row[name]))
    return _collection_breakdowns(by_project, by_rep, start, end)


def _collection_breakdowns(by_project: dict, by_rep: dict, start, end) -> CollectionReport:
    report = CollectionReport(month=start, month_end=end)
    projects = dict(Project.objects.filter(pk__in=list(by_project)).values_list("pk", "name"))
    reps = {rep.pk: rep for rep in User.objects.filter(pk__in=list(by_rep)).only("username", "first_name", "last_name")}
    for project_id, row in by_project.items():
        row.label = projects.get(project_id, "?")
        report.total.add(row)
    for owner_id, row in by_rep.items():
        rep = reps.get(owner_id)
        row.label = (rep.get_full_name() or rep.get_username()) if rep else "?"
    report.by_project = sorted(by_project.values(), key=lambda row: row.label)
    report.by_rep = sorted(by_rep.values(), key=lambda row: row.label)
    return report


def collection_csv_rows(report: CollectionReport):
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    yield [
        _("Breakdown"),
        _("Name"),
        _("Due in month"),
        pgettext("amount", "Received"),
        _("Refunds"),
        _("Net"),
        _("Overdue at month end"),
        _("Collection rate %"),
    ]
    for title, rows in ((_("Project"), report.by_project), (_("Rep"), report.by_rep)):
        for row in [
            *rows,
            CollectionRow(
                _("Total"),
                due=report.total.due,
                received=report.total.received,
                refunds=report.total.refunds,
                overdue=report.total.overdue,
            ),
        ]:
            yield [
                title,
                row.label,
                row.due,
                row.received,
                row.refunds,
                row.net,
                row.overdue,
                "" if row.rate is None else row.rate,
            ]


# --- order analysis ----------------------------------------------------------------------------------------

# Each breakdown of the order analysis: its name and the column it groups by.
BREAKDOWNS = {
    "month": TruncMonth("signed_on"),
    "project": F("project__name"),
    "layout": F("unit__rooms"),
    "channel": F("customer__source"),
    "rep": F("owner_id"),
}


def _cents(value) -> Decimal:
    # SQLite sums decimals as floats or ints, without their scale; every figure shows two decimals whatever the
    # database.
    if value is None:
        return ZERO
    return (value if isinstance(value, Decimal) else Decimal(repr(value))).quantize(ZERO)


def _month(value) -> datetime.date:
    """A truncated month as the driver returns it: a datetime (PostgreSQL), a date, or 'YYYY-MM-DD' (SQLite)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def contracts(*, user, date_from: datetime.date, date_to: datetime.date, project=None) -> QuerySet[Deal]:
    rows = Deal.objects.visible_to(user).contracts().filter(signed_on__gte=date_from, signed_on__lte=date_to)
    if project is not None:
        rows = rows.filter(project=project)
    return rows


def order_analysis(*, user, date_from: datetime.date, date_to: datetime.date, project=None) -> dict:
    """Contracts signed in the range: orders, amount and area per month, project, layout, channel and rep.

    One statement: the contracts of the range (the signed_on index) joined to their unit and customer for the
    columns grouped by, summed once per breakdown (GROUPING SETS).
    """
    from customers.models import Customer

    base = contracts(user=user, date_from=date_from, date_to=date_to, project=project)
    rows = base.values(
        "price", area=F("unit__building_area"), **{f"by_{name}": key for name, key in BREAKDOWNS.items()}
    )
    measures = {"orders": "COUNT(*)", "amount": "SUM(price)", "area": "SUM(area)"}
    sums, total = grouped_sums(rows, [f"by_{name}" for name in BREAKDOWNS], measures)
    result = {}
    for name in BREAKDOWNS:
        result[name] = sorted(
            (
                {
                    "key": row[f"by_{name}"],
                    "orders": row["orders"],
                    "amount": _cents(row["amount"]),
                    "area": _cents(row["area"]),
                }
                for row in sums[f"by_{name}"]
            ),
            key=lambda row: (row["key"] is None, row["key"]),
        )
    result["total"] = {"orders": total["orders"] or 0, "amount": _cents(total["amount"]), "area": _cents(total["area"])}
    sources = dict(Customer.Source.choices)
    for row in result["channel"]:
        row["label"] = str(sources.get(row["key"], row["key"]))
    for row in result["project"]:
        row["label"] = row["key"]
    for row in result["layout"]:
        row["label"] = row["key"]
    for row in result["month"]:
        row["key"] = _month(row["key"])
        row["label"] = f"{row['key']:%Y-%m}"
    result["month"].sort(key=lambda row: row["key"])
    reps = {
        rep.pk: rep
        for rep in User.objects.filter(pk__in=[row["key"] for row in result["rep"]]).only(
            "username", "first_name", "last_name"
        )
    }
    for row in result["rep"]:
        rep = reps.get(row["key"])
        row["label"] = (rep.get_full_name() or rep.get_username()) if rep else "?"
    result["rep"].sort(key=lambda row: row["label"])
    peak = max((row["amount"] for row in result["month"]), default=ZERO)
    for row in result["month"]:
        row["pct"] = int(row["amount"] * 100 / peak) if peak else 0
    return result


def order_csv_rows(analysis: dict, titles: dict):
    from django.utils.translation import gettext as _

    yield [_("Breakdown"), _("Name"), _("Orders"), _("Amount"), _("Area (m²)")]
    for name in BREAKDOWNS:
        for row in analysis[name]:
            yield [titles[name], row["label"], row["orders"], row["amount"], row["area"]]
    total = analysis["total"]
    yield [_("Total"), "", total["orders"], total["amount"], total["area"]]


# --- customer timeline ------------------------------------------------------------------------------------


def customer_payments(*, customer, limit: int = 30) -> QuerySet[Payment]:
    """Payments and refunds on the customer's contracts and leases, newest first.

    Read through indexed paths: the lines of the customer's deals and of the leases they rent (one UNION ALL over
    the deal's customer and the lease's tenant indexes), then those lines' payments (payment.installment_id). An
    OR across the two joins with ORDER BY date LIMIT let PostgreSQL walk every payment backwards by date
    (PERFORMANCE.md: 853 ms for 3 rows on the bench data).
    """
    lines = list(
        Installment.objects.filter(deal__in=Deal.objects.filter(customer=customer).values("pk"))
        .order_by()
        .values_list("pk", flat=True)
        .union(
            Installment.objects.filter(lease__in=Lease.objects.filter(tenant=customer).values("pk"))
            .order_by()
            .values_list("pk", flat=True),
            all=True,
        )
    )
    if not lines:
        return Payment.objects.none()
    return (
        Payment.objects.filter(installment_id__in=lines)
        .select_related("installment__deal", "installment__lease", "by")
        .order_by("-received_on", "-id")[:limit]
    )


# The collection report is cached per month and scope (sales.views.money); these writes change its facts.
reportcache.watch("sales.money", Installment, Payment, Deal)
