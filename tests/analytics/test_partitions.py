"""The score table's nights (analytics.partitions): on PostgreSQL each night the job writes has a partition of its
own, rows written outside the job wait in the default partition and move with their night, and re-running a night
replaces it; elsewhere one plain table behaves the same."""

import datetime

import pytest
from django.db import connection

from analytics import partitions
from analytics.models import CustomerScore, JobRun
from analytics.services.jobs import job_start

pytestmark = pytest.mark.django_db


def partition_of(night) -> str:
    """The table holding `night`'s rows (PostgreSQL), or the model's table."""
    if connection.vendor != "postgresql":
        return CustomerScore._meta.db_table
    with connection.cursor() as cursor:
        sql = f"SELECT DISTINCT tableoid::regclass::text FROM {CustomerScore._meta.db_table} WHERE night = %s"  # noqa: S608
        cursor.execute(sql, [night])
        return ",".join(row[0] for row in cursor.fetchall())


def test_a_night_gets_its_own_partition_and_keeps_rows_written_before(world, night):
    # A row of tonight written outside the job (a hand fix, a fixture): it waits in the default partition.
    early = CustomerScore.objects.create(night=night, customer=world["c1"], loyalty=77)
    expected = partitions.DEFAULT if connection.vendor == "postgresql" else CustomerScore._meta.db_table
    assert partition_of(night) == expected

    run = job_start("scores", night)

    assert run.status == JobRun.Status.SUCCEEDED, run.error
    expected = partitions.name(night) if connection.vendor == "postgresql" else CustomerScore._meta.db_table
    assert partition_of(night) == expected
    # The job replaced the early row (one row per customer and night), and wrote every customer once.
    rows = CustomerScore.objects.filter(night=night)
    assert rows.count() == run.rows == 4
    assert not rows.filter(pk=early.pk).exists()
    assert rows.get(customer=world["c1"]).loyalty == 10


def test_running_a_night_again_keeps_one_partition_and_one_row_each(world, night):
    first = job_start("scores", night)
    again = job_start("scores", night)
    assert (first.status, again.status) == (JobRun.Status.SUCCEEDED, JobRun.Status.SUCCEEDED)
    assert CustomerScore.objects.filter(night=night).count() == 4
    assert partition_of(night) == (
        partitions.name(night) if connection.vendor == "postgresql" else CustomerScore._meta.db_table
    )
    # The customer's history reads backwards through the (customer, night) constraint, newest first.
    earlier = night - datetime.timedelta(days=1)
    job_start("scores", earlier)
    nights = list(CustomerScore.objects.filter(customer=world["c1"]).order_by("-night").values_list("night", flat=True))
    assert nights == [night, earlier]
