from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def access_log_purge_task() -> int:
    """Nightly: access-log rows past the retention period (ACCESS_LOG_RETENTION_DAYS) are deleted."""
    from crm_site.masking import access_log_purge

    return access_log_purge()
