"""Periodic jobs of sales (the schedule is in crm_site/celery.py)."""

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def reservation_expire_task() -> int:
    """Cancel reservations past their expiry: the units go back on sale."""
    from sales.services import deals

    return deals.reservations_expire()


@shared_task
def registrations_expire_task() -> int:
    """Expire partner registrations whose protection has run out (safe to run twice)."""
    from sales.services import partners  # services are imported lazily, as in every tasks module

    return partners.registrations_expire()
