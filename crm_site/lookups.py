"""`field__any=[...]`: `field = ANY(%s)` with the list as one array parameter (PostgreSQL).

`field__in=[...]` sends one parameter per value; for hundreds of ids, building and parsing that SQL
costs more than the query. Elsewhere the lookup falls back to IN.
"""

from django.db.models import Field, ForeignObject, Lookup


@Field.register_lookup
class AnyLookup(Lookup):
    """On a foreign key (`customer_id__any=[ids]`) the values are the related rows' ids."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", []
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


ForeignObject.register_lookup(AnyLookup)
