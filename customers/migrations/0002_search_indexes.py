"""PostgreSQL-only search indexes: trigram GIN on name and phone (any-part search), GIN on custom JSON.

They live in a migration rather than Meta.indexes because SQLite has neither pg_trgm nor GIN;
on SQLite this migration does nothing and search falls back to plain LIKE.
"""

from django.db import migrations

INDEXES = [
    # icontains compiles to UPPER(name) LIKE UPPER(%s): index that expression.
    "CREATE INDEX IF NOT EXISTS customer_name_trgm ON customers_customer USING gin (UPPER(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customer_phone_trgm ON customers_customer USING gin (phone gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customer_custom_gin ON customers_customer USING gin (custom jsonb_path_ops)",
]
DROPS = ["DROP INDEX IF EXISTS customer_name_trgm", "DROP INDEX IF EXISTS customer_phone_trgm", "DROP INDEX IF EXISTS customer_custom_gin"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for statement in INDEXES:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROPS:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
