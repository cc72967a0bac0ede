"""Every periodic job in the beat schedule names a task the worker actually registers."""

import pytest

from crm_site.celery import app


@pytest.mark.parametrize("entry", sorted(app.conf.beat_schedule))
def test_each_scheduled_job_names_a_registered_task(entry):
    app.loader.import_default_modules()
    assert app.conf.beat_schedule[entry]["task"] in app.tasks
