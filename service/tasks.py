"""Celery tasks of service (thin: the work is in services)."""

from celery import shared_task


@shared_task
def escalate_breached_task() -> int:
    from service.services.sla import escalate_breached

    return escalate_breached()


@shared_task
def near_breach_notify_task() -> int:
    from service.services.sla import near_breach_notify

    return near_breach_notify()


@shared_task
def sla_recount_task() -> int:
    """After a calendar edit (queued once per transaction by service.services.sla.calendar_changed)."""
    from service.services.sla import sla_recount_open

    return sla_recount_open()


@shared_task
def certificate_letter_task(case_id: int) -> None:
    """A case moved to a new stage: the buyer who agreed gets the stage news with the status letter (PDF)."""
    from service.services.certificates import notify_buyer

    notify_buyer(case_id)
