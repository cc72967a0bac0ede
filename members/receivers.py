"""What members answers to other apps' events: a contract signed (join, earn, reward the referrer) and a contract
cancelled (reverse them). Members hold no owned rows of their own (a membership is seen through its customer's
owner), so a change of owner needs no answer here."""

import logging

from crm_site import events

logger = logging.getLogger(__name__)


def on_event(event) -> None:
    if event.name not in ("contract.signed", "contract.cancelled"):
        return
    from members.tasks import contract_cancelled_task, contract_signed_task

    deal_id = event.payload.get("deal_id")
    if deal_id is None:
        return
    task = contract_signed_task if event.name == "contract.signed" else contract_cancelled_task
    task.delay(deal_id)


events.subscribe(on_event)
