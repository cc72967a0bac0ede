from django.db import migrations

LOST_REASONS = [
    ("price", "Price", "价格"),
    ("location", "Location", "地段"),
    ("competitor", "Bought from a competitor", "选择竞品"),
    ("financing", "Financing", "贷款/资金"),
    ("changed_plans", "Changed plans", "计划改变"),
    ("layout", "Layout or size", "户型/面积"),
    ("other", "Other", "其他"),
]


def add_lost_reasons(apps, schema_editor):
    ChoiceOption = apps.get_model("crm_site", "ChoiceOption")
    for order, (value, label_en, label_zh) in enumerate(LOST_REASONS):
        ChoiceOption.objects.get_or_create(
            list_name="lost_reason", value=value, defaults={"label_en": label_en, "label_zh": label_zh, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("sales", "0002_sales"), ("crm_site", "0001_initial")]

    operations = [migrations.RunPython(add_lost_reasons, migrations.RunPython.noop)]
