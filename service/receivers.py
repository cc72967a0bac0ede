"""What service answers to other apps' events: a signed contract schedules its callbacks and opens its
certificate case (crm_site.events, after the sale's transaction committed)."""

from crm_site import events


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
