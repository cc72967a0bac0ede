"""What a customer file has, read with the file itself for the 360 page, so the page skips what is empty.

The 360 page asks every app for its timeline events and sections, a query each; most files have no conflict, no
co-owner, no message, no deal. Each app registers the kinds of rows it shows (`register(key, rows)`, where
`rows()` is its related queryset filtered on `OuterRef("pk")`); the page loads the file with one EXISTS per kind
(`annotate()`: index probes in the same query), and a source or section asks `has(customer, key)` before its own
query. A file loaded without the marks (another page, a test) gets all of them in one query on first use.
"""

from collections.abc import Callable

from django.db.models import Exists, QuerySet

MARKS: dict[str, Callable[[], QuerySet]] = {}
PREFIX = "_footprint_"


def register(key: str, rows: Callable[[], QuerySet]) -> None:
    MARKS[key] = rows


def annotate(customers: QuerySet) -> QuerySet:
    """`customers` with every registered mark (one EXISTS each)."""
    return customers.annotate(**{PREFIX + key: Exists(rows()) for key, rows in MARKS.items()})


def has(customer, key: str) -> bool:
    """Whether `customer` has rows of kind `key` (an unknown key: True, the source queries as before)."""
    if key not in MARKS:
        return True
    if not hasattr(customer, PREFIX + key):
        from customers.models import Customer

        marks = annotate(Customer.objects.filter(pk=customer.pk)).values(*(PREFIX + name for name in MARKS)).first()
        for name in MARKS:
            setattr(customer, PREFIX + name, bool(marks and marks[PREFIX + name]))
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
