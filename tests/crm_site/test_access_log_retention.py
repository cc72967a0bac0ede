"""The access log is written in one statement per page and does not grow without bound: rows past
ACCESS_LOG_RETENTION_DAYS are deleted by the nightly job, in chunks."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm_site.masking import access_log_purge
from crm_site.models import AccessLog
from crm_site.tasks import access_log_purge_task
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def rows_aged(user, days_list):
    logs = AccessLog.objects.bulk_create(
        AccessLog(user=user, model="customers.customer", object_id=str(n), fields="phone")
        for n in range(len(days_list))
    )
    now = timezone.now()
    for log, days in zip(logs, days_list, strict=True):
        AccessLog.objects.filter(pk=log.pk).update(at=now - datetime.timedelta(days=days))
    return logs


def test_rows_past_the_retention_go_in_chunks_and_newer_stay(rep):
    rows_aged(rep, [400, 500, 366, 10, 0, 364])
    assert access_log_purge(days=365, chunk=2) == 3
    assert sorted(AccessLog.objects.values_list("object_id", flat=True)) == ["3", "4", "5"]


def test_the_nightly_task_uses_the_setting_and_zero_keeps_everything(rep, settings):
    rows_aged(rep, [40, 5])
    settings.ACCESS_LOG_RETENTION_DAYS = 0
    assert access_log_purge_task() == 0 and AccessLog.objects.count() == 2
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    assert access_log_purge_task() == 1
    assert list(AccessLog.objects.values_list("object_id", flat=True)) == ["1"]


def test_a_list_page_logs_all_its_unmasked_rows_in_one_insert(client, rep):
    for _ in range(5):
        CustomerFactory(owner=rep)
    client.force_login(rep)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("customers:customer-list")).status_code == 200
    inserts = [query for query in queries if query["sql"].startswith('INSERT INTO "crm_site_accesslog"')]
    assert len(inserts) == 1 and AccessLog.objects.filter(user=rep, purpose="list").count() == 5
