"""Periodic jobs of channel partners."""

from celery import shared_task


@shared_task
def registrations_expire_task() -> int:
    """Expire partner registrations whose protection has run out (safe to run twice)."""
    from sales.services import partners  # services are imported lazily, as in every tasks module

    return partners.registrations_expire()
