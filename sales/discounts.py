"""Discounts other apps offer a customer on a new purchase, without sales importing them.

An app registers `provider(customer_id) -> OfferedDiscount | None` (the member club: its tier's discount). The
deal page pre-fills the subscription price with the largest offer; the price then goes through the one discount
rule (services.deals.needs_approval): above the limit it waits for a manager's approval like any other discount.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_PROVIDERS: list[Callable] = []


@dataclass(frozen=True)
class OfferedDiscount:
    pct: Decimal
    label: str

    @property
    def pct_text(self) -> str:
        """The percent without trailing zeros (2.5, not 2.50)."""
        return format(self.pct.normalize(), "f")


def register(provider: Callable) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def offered(customer_id: int) -> OfferedDiscount | None:
    """The largest discount any app offers the customer (None when none does)."""
    offers = [offer for provider in _PROVIDERS if (offer := provider(customer_id)) is not None and offer.pct > 0]
    return max(offers, key=lambda offer: offer.pct, default=None)


def offered_price(list_price: Decimal, offer: OfferedDiscount) -> Decimal:
    """The list price less the offered percent, to the cent."""
    return (list_price * (100 - offer.pct) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
