"""Fill Customer.name_pinyin for existing files, then (PostgreSQL only) a trigram index on it, like the name's.

Not atomic: each chunk of 5,000 files commits on its own, so a million-row backfill neither holds row locks
for its whole run nor starts over from nothing; the index is built CONCURRENTLY, so writes go on meanwhile.
Running it again redoes only what differs.
"""

from django.db import migrations, transaction

from customers.pinyin import name_pinyin

CHUNK = 5000


def backfill(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    connection = schema_editor.connection
    last = 0
    while True:
        rows = list(Customer.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "name", "name_pinyin")[:CHUNK])
        if not rows:
            return
        last = rows[-1][0]
        changed = [(pk, pinyin) for pk, name, stored in rows if (pinyin := name_pinyin(name)) != stored]
        if not changed:
            continue
        with transaction.atomic(using=connection.alias):
            if connection.vendor == "postgresql":
                # One statement per chunk; bulk_update's CASE WHEN id = … would compare every id with every branch.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE customers_customer AS c SET name_pinyin = v.pinyin "
                        "FROM unnest(%s::bigint[], %s::text[]) AS v(id, pinyin) WHERE c.id = v.id",
                        [[pk for pk, _pinyin in changed], [pinyin for _pk, pinyin in changed]],
                    )
            else:
                Customer.objects.bulk_update(
                    [Customer(pk=pk, name_pinyin=pinyin) for pk, pinyin in changed], ["name_pinyin"], batch_size=500
                )


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Stored in lower case: search uses LIKE (contains), which this index serves without UPPER().
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS customer_name_pinyin_trgm "
            "ON customers_customer USING gin (name_pinyin gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS customer_name_pinyin_trgm")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("customers", "0007_customer_name_pinyin")]
    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
