"""Pagination that stays fast on a million rows: the count stops at a cap instead of scanning everything."""

from collections.abc import Sequence
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (one bounded subquery); beyond it the page list ends and `capped` is true.

    An exact COUNT(*) over a whole scope is the slowest part of a list page on large tables
    (PERFORMANCE.md); nobody pages past a few hundred pages anyway: they filter.
    """

    def __init__(self, object_list, per_page, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap if cap is not None else COUNT_CAP

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "order_by"):
            return len(self.object_list)
        # Ordering does not change how many rows there are; without it PostgreSQL need not sort them.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self):
        return super().num_pages if not self.capped else -(-self.cap // self.per_page)


class KeyedRows(Sequence):
    """Rows known to be few (at most a search's id list), read once as their ordered primary keys.

    `keys` is the filtered, ordered queryset as `values_list("pk", flat=True)`; `rows` is where a slice's rows
    are loaded from, by primary key (with its select_related, without the filters already applied to `keys`).
    A paginator then counts the list and loads only its page, instead of a COUNT and a page query that would
    each look up every match (PERFORMANCE.md: the phone-fragment search).
    """

    def __init__(self, keys, rows):
        self.keys = keys
        self.rows = rows

    @cached_property
    def ids(self) -> list:
        return list(self.keys)

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        ids = self.ids[index]
        found = self.rows.order_by().in_bulk(ids) if ids else {}
        return [found[pk] for pk in ids if pk in found]  # a row deleted since the ids were read is left out


def keyed_page(keys: QuerySet, rows: QuerySet, per_page: int, number) -> Page:
    """Page `number` of a list, counted up to COUNT_CAP.

    `keys` is the filtered, ordered list as `values_list("pk", flat=True)`: one narrow query reads at most the
    cap of them (served from an index), which gives both the count and the page. `rows` is where the page's rows
    are read from by primary key, with their select_related, without the filters already applied to `keys`.
    Slicing the list instead plans and runs its joins over the whole filtered set (15-30 ms of planning for the
    payments list's ten joins; the deal list joined and sorted every deal of a rep to show 25), besides a
    separate count. Two queries either way.
    """
    page = CappedPaginator(list(keys[: COUNT_CAP + 1]), per_page).get_page(number)
    ids = list(page.object_list)
    found = rows.in_bulk(ids) if ids else {}
    page.object_list = [found[pk] for pk in ids if pk in found]
    return page
