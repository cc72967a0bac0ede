"""The default service configuration (service/defaults.py)."""

from django.db import migrations

from service.defaults import ensure_defaults


def forwards(apps, schema_editor):
    ensure_defaults(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
