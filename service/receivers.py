"""What service answers to other apps' events: a signed contract schedules its callbacks and opens its
certificate case (crm_site.events, after the sale's transaction committed); and to its own calendar edits (from
the settings pages or the Django admin): the open tickets' deadlines are recounted after commit."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from crm_site import events
from service.models import CalendarDay, WorkingInterval


def on_event(event) -> None:
    if event.name != "contract.signed":
        return
    from sales.models import Deal
    from service.services.callbacks import callbacks_for_contract
    from service.services.certificates import case_open

    deal = Deal.objects.select_related("unit").filter(pk=event.payload.get("deal_id")).first()
    if deal is None:
        return
    callbacks_for_contract(deal=deal)
    case_open(deal=deal)


events.subscribe(on_event)


@receiver(post_save, sender=WorkingInterval, dispatch_uid="service-interval-saved")
@receiver(post_delete, sender=WorkingInterval, dispatch_uid="service-interval-deleted")
@receiver(post_save, sender=CalendarDay, dispatch_uid="service-day-saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="service-day-deleted")
def on_calendar_edit(sender, raw=False, **kwargs) -> None:
    if raw:  # loading fixtures
        return
    from service.services.sla import calendar_changed

    calendar_changed()
