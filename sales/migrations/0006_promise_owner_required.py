import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Separate from 0005: PostgreSQL cannot alter a column in the transaction that just updated every row of it
    (pending foreign-key trigger events)."""

    dependencies = [
        ("sales", "0005_promise_responsible_owner_text_limits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="promise",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="responsible",
            ),
        ),
    ]
