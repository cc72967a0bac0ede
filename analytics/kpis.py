"""Key figures other apps add to the monthly management report: service (SLA attainment, CSAT, NPS), members
(new and active members, points outstanding). Analytics knows none of those apps; each registers a provider from
its `panels` package:

    from analytics import kpis
    kpis.register("service", service_kpis)   # (start, end, project) -> [Kpi, ...]

`start` and `end` are the month's first and last dates; `project` is None for the company report. A provider
reads the month's rows in a few aggregate queries (the report runs for every project on the first of the month).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Kpi:
    label: str
    value: int | float | Decimal | None  # None: nothing to measure in the month ("—")
    kind: str = "number"  # "number", "percent" or "money"


PROVIDERS: dict[str, Callable[[datetime.date, datetime.date, object], list[Kpi]]] = {}


def register(name: str, provider: Callable[[datetime.date, datetime.date, object], list[Kpi]]) -> None:
    PROVIDERS[name] = provider


def collect(*, start: datetime.date, end: datetime.date, project=None) -> list[Kpi]:
    """Every registered provider's figures, in registration order."""
    figures: list[Kpi] = []
    for provider in PROVIDERS.values():
        figures.extend(provider(start, end, project))
    return figures


def pairs(figures: list[Kpi]) -> list[list[Kpi]]:
    """The figures two to a row, as the report's key-figure table shows them."""
    return [figures[index : index + 2] for index in range(0, len(figures), 2)]
