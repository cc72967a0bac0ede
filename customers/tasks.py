from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def pool_release_lapsed_task() -> int:
    """Nightly: files without follow-up past their protection period go to the team's pool."""
    from customers import services

    return services.pool_release_lapsed()
