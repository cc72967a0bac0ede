"""Fast generation of large data for benchmarks: COPY on PostgreSQL, bulk_create elsewhere."""

import io
import time

from django.db import connection, transaction

CHUNK = 100_000


class RowStream(io.RawIOBase):
    """A file-like view of row tuples as COPY text, produced as the reader asks for it."""

    def __init__(self, rows):
        self.rows = iter(rows)
        self.pending = b""

    def readable(self):
        return True

    def read(self, size=-1):
        limit = size if size and size > 0 else 1 << 20
        parts, length = [self.pending], len(self.pending)
        for row in self.rows:
            line = ("\t".join(row) + "\n").encode()
            parts.append(line)
            length += len(line)
            if length >= limit:
                break
        data = b"".join(parts)
        self.pending = data[limit:]
        return data[:limit]


def copy_rows(table: str, columns: list[str], rows, *, total: int) -> float:
    """Write `rows` (tuples of already-formatted text values) into `table`; returns rows per second."""
    started = time.perf_counter()
    names = ", ".join(connection.ops.quote_name(column) for column in columns)  # "primary" is a keyword
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # psycopg2 pulls from the stream while the server parses: generation and COPY overlap.
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", RowStream(rows))
    else:
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 (names from code, not input)
        batch = []
        with transaction.atomic(), connection.cursor() as cursor:
            for row in rows:
                batch.append([None if value == r"\N" else value for value in row])
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    elapsed = time.perf_counter() - started
    return total / elapsed if elapsed else float(total)


class indexes_dropped:
    """Drop a table's secondary indexes for a bulk load and rebuild them after, as pg_restore does.

    Unique indexes are rebuilt too, so a duplicate in the loaded rows still fails the load.
    Indexes that back a table constraint (primary key, foreign-key targets) stay; foreign keys of the
    table are dropped and re-added (validated) after the load.
    """

    def __init__(self, table: str):
        self.table = table
        self.definitions: list[tuple[str, str]] = []
        self.foreign_keys: list[tuple[str, str]] = []
        self.rebuild_seconds = 0.0

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
                "JOIN pg_index x ON x.indexrelid = c.oid WHERE i.tablename = %s AND NOT x.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)",
                [self.table],
            )
            self.definitions = cursor.fetchall()
            for name, _definition in self.definitions:
                cursor.execute(f'DROP INDEX "{name}"')
            # Foreign keys are checked row by row during COPY; re-adding them validates all rows at once.
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
                [self.table],
            )
            self.foreign_keys = cursor.fetchall()
            for name, _definition in self.foreign_keys:
                cursor.execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{name}"')
        return self

    def __exit__(self, *exc):
        if connection.vendor != "postgresql":
            return False
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in self.definitions:
                cursor.execute(definition)
            for name, definition in self.foreign_keys:
                cursor.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')
        self.rebuild_seconds = time.perf_counter() - started
        return False


def analyze(*tables: str) -> None:
    """VACUUM ANALYZE the freshly copied tables: statistics for the planner, and the visibility map that
    index-only scans need (autovacuum would write it later in a live database)."""
    if connection.vendor == "postgresql":
        # VACUUM cannot run in a transaction (the tests seed small data inside one): there, statistics suffice.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"{command} {table}")
