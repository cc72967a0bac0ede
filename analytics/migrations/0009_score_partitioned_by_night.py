"""The score table, partitioned by night on PostgreSQL (analytics.partitions).

Every night adds a million rows. In one table each of its indexes took them at random places among all earlier
nights' entries, so the night grew slower with the table (37.5 s with 5 nights, 52-57 s with 8-10), and ANALYZE
read it all. A night's own partition is small and written in customer order; re-running a night empties one
partition; ANALYZE reads one night; every read that names the night touches only its partition.

One index fewer per row: inside a night's partition (night, customer) and (customer, -night) are the same index,
so the one-per-night constraint leads with the customer and serves the customer page's history (read backwards).

PostgreSQL wants the partition key in the primary key: (id, night). Other databases keep one plain table.
"""

import datetime

from django.db import migrations, models

TABLE = "analytics_customerscore"
INDEXES = [
    "CREATE INDEX score_night_quadrant_idx ON {t} (night, quadrant, project_id)",
    "CREATE INDEX score_night_owner_idx ON {t} (night, owner_id)",
    "CREATE INDEX score_night_owners_idx ON {t} (night, project_id) WHERE contracts > 0",
]


def _nights(cursor, table):
    cursor.execute(f"SELECT DISTINCT night FROM {table} ORDER BY night")
    return [row[0] for row in cursor.fetchall()]


def _rebuild(cursor, *, partitioned: bool):
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_old")
    tail = " PARTITION BY RANGE (night)" if partitioned else ""
    cursor.execute(
        f"CREATE TABLE {TABLE} (LIKE {TABLE}_old INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS){tail}"
    )
    if partitioned:  # as analytics.partitions names them (frozen here: a migration does not follow later code)
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        for night in _nights(cursor, f"{TABLE}_old"):
            after = night + datetime.timedelta(days=1)
            cursor.execute(
                f"CREATE TABLE {TABLE}_n{night:%Y%m%d} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
                [night, after],
            )
    cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {TABLE}_old")
    cursor.execute(f"DROP TABLE {TABLE}_old")
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), COALESCE((SELECT MAX(id) FROM {TABLE}), 0) + 1, false)"
    )
    key = "id, night" if partitioned else "id"
    cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY ({key})")
    cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT score_one_per_night UNIQUE (customer_id, night)")
    for sql in INDEXES:
        cursor.execute(sql.format(t=TABLE))
    cursor.execute(f"ANALYZE {TABLE}")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            _rebuild(cursor, partitioned=True)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            _rebuild(cursor, partitioned=False)
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}_default")


class Migration(migrations.Migration):
    dependencies = [("analytics", "0008_score_project_no_index")]

    operations = [
        migrations.RemoveIndex(model_name="customerscore", name="score_customer_night_idx"),
        migrations.RemoveConstraint(model_name="customerscore", name="score_one_per_night"),
        migrations.AddConstraint(
            model_name="customerscore",
            constraint=models.UniqueConstraint(fields=("customer", "night"), name="score_one_per_night"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
