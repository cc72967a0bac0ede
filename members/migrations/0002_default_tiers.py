"""The tiers a club starts with (members/defaults.py)."""

from django.db import migrations

from members.defaults import ensure_default_tiers


def create(apps, schema_editor):
    ensure_default_tiers(apps.get_model("members", "Tier"))


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
