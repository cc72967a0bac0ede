"""Indexes for short name searches (PostgreSQL only; SQLite scans its small test tables).

One or two characters give pg_trgm no trigram, so such a fragment is matched as a prefix: of the name
(customer_name_prefix_idx, already there), of the whole name in pinyin ("li" -> "liuwei lw") and of the pinyin
initials ("lw"), each through a pattern-operator B-tree. Built CONCURRENTLY: writes go on on a million rows.
"""

from django.db import migrations

INDEXES = {
    "customer_pinyin_prefix_idx": "(name_pinyin varchar_pattern_ops)",
    # The initials after the space of "liuwei lw": customers.selectors.files.Initials is this expression.
    "customer_initials_prefix_idx": "((split_part(name_pinyin, ' ', 2)) text_pattern_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON customers_customer {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("customers", "0010_interest_level_names")]
    operations = [migrations.RunPython(create, drop)]
