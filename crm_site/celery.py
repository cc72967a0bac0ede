"""The Celery app. Without REDIS_URL tasks run eagerly in-process (settings.CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings")

app = Celery("crm_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs, each with when it runs in words.
app.conf.beat_schedule = {
    # Every night at 02:10 (TIME_ZONE): lapsed customer files go to their team's public pool.
    "customers-pool-release": {
        "task": "customers.tasks.pool_release_lapsed_task",
        "schedule": crontab(hour=2, minute=10),
    },
    # Every 15 minutes: reservations past their expiry are cancelled and their units go back on sale.
    "sales-reservations-expire": {
        "task": "sales.tasks.reservation_expire_task",
        "schedule": crontab(minute="*/15"),
    },
    # Every night at 02:20: partner registrations past their protection period expire.
    "sales-registrations-expire": {
        "task": "sales.tasks.registrations_expire_task",
        "schedule": crontab(hour=2, minute=20),
    },
    # Every night at 03:10: access-log rows older than ACCESS_LOG_RETENTION_DAYS are deleted.
    "crm-site-access-log-purge": {
        "task": "crm_site.tasks.access_log_purge_task",
        "schedule": crontab(hour=3, minute=10),
    },
    # Every night at 03:00: analytics scores the day before (facts → snapshot, churn tree, value matrix).
    "analytics-nightly": {
        "task": "analytics.tasks.nightly_task",
        "schedule": crontab(hour=3, minute=0),
    },
    # The first of each month at 06:00: last month's management reports (company and projects, both languages).
    "analytics-monthly-report": {
        "task": "analytics.tasks.monthly_report_task",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    # Every morning at 07:00: scheduled reports due today (daily; weekly on Mondays; monthly on the 1st), each
    # recipient's copy run in their own scope, sent once per period.
    "analytics-scheduled-reports": {
        "task": "analytics.tasks.scheduled_reports_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every 5 minutes: breached tickets are escalated to the service manager (once each); agents hear of
    # tickets passing the near-breach share.
    "service-escalate": {
        "task": "service.tasks.escalate_breached_task",
        "schedule": crontab(minute="*/5"),
    },
    "service-near-breach": {
        "task": "service.tasks.near_breach_notify_task",
        "schedule": crontab(minute="*/5"),
    },
    # Every minute: scheduled sends that are due start; stalled deliveries (messages, webhooks) carry on.
    "outreach-tick": {
        "task": "outreach.tasks.outreach_tick_task",
        "schedule": crontab(minute="*"),
    },
    # Every night at 02:40: member points past their expiry date are written off (first in, first out).
    "members-points-expire": {
        "task": "members.tasks.points_expire_task",
        "schedule": crontab(hour=2, minute=40),
    },
    # Every night at 03:10: each member's balance column is checked against the sum of their ledger entries.
    "members-balances-reconcile": {
        "task": "members.tasks.balances_reconcile_task",
        "schedule": crontab(hour=3, minute=10),
    },
    # Every morning at 08:30: birthday and purchase-anniversary greetings to members who consented.
    "members-greetings": {
        "task": "members.tasks.greetings_send_task",
        "schedule": crontab(hour=8, minute=30),
    },
    # Once a year, on 1 January at 04:00: the tier review (the only time a member moves down a tier).
    "members-tiers-review": {
        "task": "members.tasks.tiers_review_task",
        "schedule": crontab(hour=4, minute=0, day_of_month=1, month_of_year=1),
    },
}
