"""Integration events: facts the CRM settled, handed after commit to whoever subscribed (outbound webhooks).

A service that settles a fact emits it inside its transaction, in one line:

    events.emit("contract.signed", {"deal_id": deal.pk, "customer_id": deal.customer_id})

The event (a fresh id, the time, the name and a JSON-able payload of ids and plain values) reaches each
subscriber only after the transaction commits; a rolled-back transaction emits nothing. Apps declare the
events they emit with `define(name, label)`, so the webhook form can list them, and subscribe with
`subscribe(handler)`, `handler(event)` being called once per event. A failing subscriber is logged; it never
breaks the write that emitted the event, nor the other subscribers. The foundation imports no domain app:
customers and sales emit, outreach subscribes (it delivers webhooks), service adds its own events later.
"""

import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from crm_site.audit import jsonable

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    name: str
    payload: dict
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: datetime.datetime = field(default_factory=timezone.now)

    def as_json(self) -> dict:
        """The body a subscriber sends on: id, event name, ISO time (UTC) and the payload."""
        return {
            "id": self.id,
            "event": self.name,
            "occurred_at": self.occurred_at.astimezone(datetime.UTC).isoformat(),
            "data": self.payload,
        }


EVENTS: dict[str, object] = {}  # name -> label (lazy translation)
SUBSCRIBERS: list[Callable] = []


def define(name: str, label) -> None:
    """Declare an event an app emits (defining it again replaces its label)."""
    EVENTS[name] = label


def choices() -> list[tuple[str, object]]:
    """(name, label) of every declared event, by name."""
    return sorted(EVENTS.items())


def label(name: str) -> str:
    return str(EVENTS.get(name, name))


def subscribe(handler: Callable) -> None:
    """Call `handler(event)` after the commit of every transaction that emitted an event."""
    if handler not in SUBSCRIBERS:
        SUBSCRIBERS.append(handler)


def emit(name: str, payload: dict | None = None) -> Event:
    """Record that `name` happened; subscribers hear of it once the current transaction commits."""
    event = Event(name, {key: jsonable(value) for key, value in (payload or {}).items()})
    transaction.on_commit(lambda: dispatch(event))
    return event


def dispatch(event: Event) -> None:
    for handler in list(SUBSCRIBERS):
        try:
            handler(event)
        except Exception:
            logger.exception("Event subscriber %r failed on %s %s", handler, event.name, event.id)
