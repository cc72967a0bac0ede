"""What a customer file has, read with the file itself for the 360 page, so the page skips what is empty.

The 360 page asks every app for its timeline events and sections, a query each; most files have no conflict, no
co-owner, no message, no deal. Each app registers the kinds of rows it shows (`register(key, rows)`, where
`rows()` is its related queryset filtered on `OuterRef("pk")`); the page loads the file with one EXISTS per kind
(`load()`: index probes in one query), and a source or section asks `has(customer, key)` before its own query.
A file loaded without the marks (another page, a test) gets them the same way on first use.

The marks' query has the same shape for every file: Django took 6-8 ms to compile its twenty-odd EXISTS on every
360 page (more than PostgreSQL took to run it), so it is compiled once per process and set of marks, with the
file's key put in place of a stand-in (the marks' filters are fixed when they are registered, never "now").
"""

from collections.abc import Callable

from django.db import connections
from django.db.models import Exists, QuerySet

MARKS: dict[str, Callable[[], QuerySet]] = {}
PREFIX = "_footprint_"


def register(key: str, rows: Callable[[], QuerySet]) -> None:
    MARKS[key] = rows


def annotate(customers: QuerySet) -> QuerySet:
    """`customers` with every registered mark (one EXISTS each)."""
    return customers.annotate(**{PREFIX + key: Exists(rows()) for key, rows in MARKS.items()})


STAND_IN = -7_340_032_000_000  # the key compiled into the marks' query; no file has it
_COMPILED: dict[tuple, tuple[str, list, list[str]]] = {}


def _compiled(alias: str) -> tuple[str, list, list[str]]:
    connection = connections[alias]
    key = (alias, connection.vendor, tuple(MARKS))
    if key not in _COMPILED:
        from customers.models import Customer

        names = [PREFIX + name for name in MARKS]
        query = annotate(Customer.objects.using(alias).filter(pk=STAND_IN)).values(*names)[:1].query
        sql, params = query.get_compiler(alias).as_sql()
        params = list(params)
        _COMPILED[key] = (sql, params, names)
    return _COMPILED[key]


def load(customer) -> None:
    """Set every mark on `customer` (one query)."""
    alias = customer._state.db or "default"
    sql, params, names = _compiled(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [customer.pk if param == STAND_IN else param for param in params])
        row = cursor.fetchone()
    for index, name in enumerate(names):
        setattr(customer, name, bool(row and row[index]))


def has(customer, key: str) -> bool:
    """Whether `customer` has rows of kind `key` (an unknown key: True, the source queries as before)."""
    if key not in MARKS:
        return True
    if not hasattr(customer, PREFIX + key):
        load(customer)
    return getattr(customer, PREFIX + key)


def customer_rows(model_path: str, field: str = "customer", **filters) -> Callable[[], QuerySet]:
    def rows():
        from django.apps import apps
        from django.db.models import OuterRef

        return apps.get_model(model_path).objects.filter(**{field: OuterRef("pk")}, **filters)

    return rows


def _history():
    from django.db.models import CharField, OuterRef
    from django.db.models.functions import Cast

    from crm_site.models import AuditEntry

    return AuditEntry.objects.filter(model="customers.customer", object_id=Cast(OuterRef("pk"), CharField()))


register("history", _history)
register("intents", customer_rows("customers.PurchaseIntent"))
register("conflicts", customer_rows("customers.CustomerConflict"))
register("members", customer_rows("customers.CustomerMember"))
register("shares", customer_rows("customers.CustomerShare"))
register("followups", customer_rows("customers.Interaction", next_done=False, next_due__isnull=False))
