"""Contracts by the month and day they were signed (PostgreSQL only): the anniversaries to greet today
(members.selectors.care.greetings_due) are the few hundred contracts signed on this day of the year, not every
contract of a rep's customers. Built CONCURRENTLY."""

from django.db import migrations

NAME = "deal_signed_day_idx"
DEFINITION = "((EXTRACT(MONTH FROM signed_on)), (EXTRACT(DAY FROM signed_on))) WHERE signed_on IS NOT NULL"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON sales_deal {DEFINITION}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("sales", "0009_unit_status_rooms_price_idx")]
    operations = [migrations.RunPython(create, drop)]
