"""PostgreSQL only: trigram index on every phone number, for any-part search across all of a file's numbers."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS customerphone_number_trgm ON customers_customerphone USING gin (number gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customerphone_number_trgm")


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_customer_files")]
    operations = [migrations.RunPython(create, drop)]
