"""Customer segments one app computes and others read, without importing each other.

An app that knows a segment provides it under a name; a reader asks whether customers belong to it:

    segments.provide("value.star", stars)            # analytics: stars(customer_ids) -> set of ids in it
    segments.members("value.star", [12, 13, 14])     # members: {13}

A provider takes a list of customer ids (never more than a page's worth) and returns the subset in the segment
in a bounded number of queries. A segment nobody provides is empty (an app not installed, a job not run yet).
"""

from collections.abc import Callable, Iterable

_PROVIDERS: dict[str, Callable] = {}


def provide(name: str, provider: Callable) -> None:
    """Provide the segment `name` (providing it again replaces the provider)."""
    _PROVIDERS[name] = provider


def members(name: str, customer_ids: Iterable[int]) -> set[int]:
    """The ids among `customer_ids` in segment `name` (empty when no app provides it)."""
    ids = [pk for pk in customer_ids if pk is not None]
    provider = _PROVIDERS.get(name)
    if provider is None or not ids:
        return set()
    return set(provider(ids))


def contains(name: str, customer_id: int) -> bool:
    return customer_id in members(name, [customer_id])
