"""The score table's partitions: one per night on PostgreSQL (migration 0009 says why).

`prepare_night(night)` gives a night its own partition before the job's chunks write it (any rows of that night
in the default partition, written outside the job, move with it); `analyse_night(night)` refreshes the planner's
statistics of that partition alone once the night is written, so the dashboards' first reads of a new night are
planned on its real numbers instead of waiting for autovacuum. Both do nothing on other databases.
"""

import datetime

from django.db import connection, transaction

from analytics.models import CustomerScore

TABLE = CustomerScore._meta.db_table
DEFAULT = f"{TABLE}_default"  # rows of a night without a partition of its own (written outside the nightly job)


def name(night: datetime.date) -> str:
    return f"{TABLE}_n{night:%Y%m%d}"


def exists(cursor, night: datetime.date) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name(night)])
    return cursor.fetchone()[0]


def create(cursor, night: datetime.date) -> None:
    """The partition of `night` (a caller holding the default partition's rows of that night moves them)."""
    after = night + datetime.timedelta(days=1)
    cursor.execute(
        f"CREATE TABLE {name(night)} PARTITION OF {TABLE} FOR VALUES FROM ('{night:%Y-%m-%d}') TO ('{after:%Y-%m-%d}')"
    )


def prepare_night(night: datetime.date) -> None:
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if exists(cursor, night):
            return
        # A partition may not be created while the default partition holds rows of its range: set them aside.
        cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
        if exists(cursor, night):  # another run created it while this one waited
            return
        # Table names are the model's, not input; the night is a parameter.
        moving = f"CREATE TEMPORARY TABLE score_moving AS SELECT * FROM {DEFAULT} WHERE night = %s"  # noqa: S608
        cursor.execute(moving, [night])
        cursor.execute(f"DELETE FROM {DEFAULT} WHERE night = %s", [night])  # noqa: S608
        create(cursor, night)
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM score_moving")  # noqa: S608
        cursor.execute("DROP TABLE score_moving")  # not ON COMMIT DROP: an enclosing transaction may go on


def analyse_night(night: datetime.date) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {name(night)}")  # prepare_night made it
