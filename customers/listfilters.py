"""Filters other apps add to the customer list (and its export): a query parameter the list honours.

`register(param, label, choices, query)` from the app's `panels` package:
    param    the query parameter (?quadrant=star)
    label    what the filter is called ("Value quadrant")
    choices  () -> {value: label}: the values accepted (anything else is ignored)
    query    (value) -> Q on Customer: the files that match (e.g. pk__in a subquery of the app's rows)
The list shows each active filter as a chip with a link that removes it, and keeps it while other filters change.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class ListFilter:
    param: str
    label: str
    choices: Callable[[], dict]
    query: Callable[[str], Q]


FILTERS: dict[str, ListFilter] = {}


def register(param: str, label, choices: Callable[[], dict], query: Callable[[str], Q]) -> None:
    FILTERS[param] = ListFilter(param, label, choices, query)


def active(params) -> list[dict]:
    """The registered filters set in `params` (a QueryDict) to an accepted value, with what to show."""
    shown = []
    for list_filter in FILTERS.values():
        value = params.get(list_filter.param, "")
        choices = list_filter.choices() if value else {}
        if value in choices:
            rest = params.copy()
            rest.pop(list_filter.param, None)
            rest.pop("page", None)
            shown.append(
                {
                    "param": list_filter.param,
                    "value": value,
                    "label": list_filter.label,
                    "value_label": choices[value],
                    "q": list_filter.query(value),
                    "without": rest.urlencode(),
                }
            )
    return shown
