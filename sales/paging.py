"""List pages in two steps: the ordered keys of the list, then the page's rows with their related rows."""

from django.core.paginator import Page
from django.db.models import QuerySet

from crm_site.pagination import COUNT_CAP, CappedPaginator


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
