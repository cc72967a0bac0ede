import importlib

import pytest

from crm_site.models import ChoiceOption


@pytest.fixture(autouse=True)
def _lost_reasons(request):
    """The lost reasons migration sales/0003 seeds; transactional tests elsewhere flush them, so put them back."""
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        if not request.node.get_closest_marker("django_db"):
            return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    migration = importlib.import_module("sales.migrations.0003_lost_reasons")
    for order, (value, label_en, label_zh) in enumerate(migration.LOST_REASONS):
        ChoiceOption.objects.get_or_create(
            list_name=ChoiceOption.ListName.LOST_REASON,
            value=value,
            defaults={"label_en": label_en, "label_zh": label_zh, "order": order},
        )
