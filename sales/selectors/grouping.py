"""Several breakdowns of one row set in one statement: the reports' "per project, per rep, per month…" tables.

Grouping the same rows once per breakdown reads them once per breakdown; grouping by every pair and adding up
in Python moves thousands of rows. PostgreSQL's GROUPING SETS reads them once and returns one row per group.
The rows stay an ORM queryset (scope, filters, joins); only the grouping is SQL, and other databases (SQLite in
development and tests) get the same answer from a UNION ALL of plain GROUP BYs.
"""

from django.db import connection
from django.db.models import QuerySet


def grouped_sums(rows: QuerySet, keys: list[str], measures: dict[str, str]) -> tuple[dict[str, list[dict]], dict]:
    """Aggregate `rows` per each of `keys` separately, and overall.

    `rows` is a values() queryset whose columns include `keys` and the columns the `measures` read; a measure
    is an SQL aggregate over them, e.g. {"amount": "SUM(price)"}. Returns ({key: [{key: value, measure: value,
    …}, …]}, {measure: value} for all the rows). Values come as the database driver gives them: SQLite gives
    floats for decimal sums.
    """
    # Names come from code, never from input: they are written into the SQL; the values stay parameters.
    if not all(name.isidentifier() for name in [*keys, *measures]):
        raise ValueError("Column and measure names must be plain identifiers.")
    sql, params = rows.order_by().query.sql_with_params()
    aggregates = ", ".join(f"{expression} AS {name}" for name, expression in measures.items())
    columns = ", ".join(keys)
    full = (1 << len(keys)) - 1
    # GROUPING() sets the bit of each key a row is *not* grouped by (the first key is the highest bit).
    mask_of = {key: full & ~(1 << (len(keys) - 1 - index)) for index, key in enumerate(keys)}
    if connection.vendor == "postgresql":
        sets = ", ".join(f"({key})" for key in keys)
        query = (
            f"SELECT GROUPING({columns}), {columns}, {aggregates} FROM ({sql}) AS grouped_rows "  # noqa: S608
            f"GROUP BY GROUPING SETS ({sets}, ())"
        )
    else:
        parts = []
        for key in [*keys, None]:
            selected = ", ".join(name if name == key else f"NULL AS {name}" for name in keys)
            group_by = f" GROUP BY {key}" if key else ""
            mask = mask_of[key] if key else full
            parts.append(f"SELECT {mask}, {selected}, {aggregates} FROM ({sql}) AS grouped_rows{group_by}")  # noqa: S608
        query = " UNION ALL ".join(parts)
        params = params * len(parts)
    key_of = {mask: key for key, mask in mask_of.items()}
    names = [*keys, *measures]
    breakdowns: dict[str, list[dict]] = {key: [] for key in keys}
    total = dict.fromkeys(measures)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for mask, *values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            key = key_of.get(mask)
            if key is None:
                total = {name: row[name] for name in measures}
            else:
                breakdowns[key].append({key: row[key], **{name: row[name] for name in measures}})
    return breakdowns, total
