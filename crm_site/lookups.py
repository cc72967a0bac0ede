"""`field__any=[...]`: `field = ANY(%s)` with the list as one array parameter (PostgreSQL).

`field__in=[...]` sends one parameter per value; for hundreds of ids, building and parsing that SQL
costs more than the query. Elsewhere the lookup falls back to IN.

Django's query builder walks a list or tuple given to any lookup value by value (it resolves each element, and on
a foreign key checks each one's type): 10,000 ids cost ~60 ms before any SQL. `IdList(ids)` carries the ids past
that walk as one value; `field__any=IdList(ids)` is the same query as `field__any=ids`.
"""

from django.db.models import Field, ForeignObject, Lookup


class IdList:
    """Ids (ints, numpy ints) for `__any`, kept as one value by the query builder (it has no __iter__ to walk)."""

    __slots__ = ("values",)

    def __init__(self, values):
        self.values = [int(value) for value in values]

    def __len__(self):
        return len(self.values)

    def __repr__(self):
        return f"IdList({len(self.values)} ids)"


@Field.register_lookup
class AnyLookup(Lookup):
    """On a foreign key (`customer_id__any=[ids]`) the values are the related rows' ids."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs.values if isinstance(self.rhs, IdList) else list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", []
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


ForeignObject.register_lookup(AnyLookup)
