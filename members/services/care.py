"""Customer care: birthday and purchase-anniversary greetings, sent only through outreach (templates in both
languages, consent, an address, the customer's timeline). The daily job is safe to run twice (a dedupe key per
customer, occasion and year)."""

import datetime
import logging

from members.selectors.care import greetings_due
from outreach.services.messages import MessageRefused, message_send

logger = logging.getLogger(__name__)


def greetings_send(*, day: datetime.date) -> dict:
    """Greet everyone due on `day`; returns how many were sent and how many were skipped (no consent or address)."""
    counts = {"sent": 0, "skipped": 0}
    for due in greetings_due(day=day):
        key = f"members.{due.occasion}:{due.customer.pk}:{day.year}"
        if due.deal_id:
            key += f":{due.deal_id}"
        try:
            message_send(
                template=f"members.{due.occasion}",
                customer=due.customer,
                context={"years": due.years},
                dedupe_key=key,
            )
        except MessageRefused:
            counts["skipped"] += 1
            continue
        counts["sent"] += 1
    return counts
