"""Exporting the opportunity list, the deal list and a building's units to CSV or XLSX.

Rows are those the list page shows for the same filters (the selectors apply scope); the columns are
the list's plus every active custom field of the record kind (crm_site.customfields). Every cell goes
through crm_site.spreadsheets (no formula can run).
"""

import tempfile
from collections.abc import Callable, Iterable, Iterator

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import customfields, spreadsheets
from sales.models import Deal, Opportunity, Unit
from sales.selectors.deals import ENTITY as DEAL
from sales.selectors.funnel import ENTITY as OPPORTUNITY
from sales.selectors.inventory import UNIT

ROW_CAP = spreadsheets.EXPORT_ROW_CAP
CHUNK_SIZE = spreadsheets.EXPORT_CHUNK_SIZE
FORMATS = spreadsheets.EXPORT_FORMATS
CONTENT_TYPES = spreadsheets.EXPORT_CONTENT_TYPES
TooManyRows = spreadsheets.TooManyRows
_person = spreadsheets.person
_labels = spreadsheets.choice_labels


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        value = value.astimezone(timezone.get_current_timezone()).date()
    return value.isoformat()


def _amount(value) -> str:
    return "" if value is None else f"{value:.2f}"


def opportunity_rows(rows: QuerySet[Opportunity]) -> Iterator[list[str]]:
    stages = _labels(Opportunity.Stage)
    yield [_("Customer"), _("Project"), _("Stage"), _("Owner"), _("Expected amount"), _("Created"),
           *customfields.export_headers(OPPORTUNITY)]  # fmt: skip
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [
            row.customer.name,
            row.project.name,
            stages.get(row.stage, row.stage),
            _person(row.owner),
            _amount(row.expected_amount),
            _date(row.created_at),
            *customfields.export_cells(OPPORTUNITY, row.custom),
        ]


def deal_rows(rows: QuerySet[Deal]) -> Iterator[list[str]]:
    stages, states = _labels(Deal.Stage), _labels(Deal.State)
    yield [_("Customer"), _("Project"), _("Unit"), _("Stage"), _("State"), _("Owner"), _("Reserved"),
           _("List price"), _("Price"), _("Contract signed"), *customfields.export_headers(DEAL)]  # fmt: skip
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [
            row.customer.name,
            row.project.name,
            str(row.unit),
            stages.get(row.stage, row.stage),
            states.get(row.state, row.state),
            _person(row.owner),
            _date(row.reserved_at),
            _amount(row.list_price),
            _amount(row.price),
            _date(row.signed_on),
            *customfields.export_cells(DEAL, row.custom),
        ]


def unit_rows(rows: QuerySet[Unit]) -> Iterator[list[str]]:
    statuses = _labels(Unit.Status)
    yield [_("Building"), _("Unit"), _("Floor"), _("Layout"), _("Area (m²)"), _("List price"), _("Status"),
           *customfields.export_headers(UNIT)]  # fmt: skip
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [
            row.building.name,
            row.number,
            str(row.floor),
            f"{row.rooms}-{row.halls}-{row.baths}",
            f"{row.building_area:.2f}",
            _amount(row.list_price),
            statuses.get(row.status, row.status),
            *customfields.export_cells(UNIT, row.custom),
        ]


def response(queryset: QuerySet, fmt: str, *, rows: Callable[[QuerySet], Iterable], name: str, sheet: str):
    """The export of `queryset` as a download; raises TooManyRows above the cap."""
    count = queryset.count()
    if count > ROW_CAP:
        raise TooManyRows(count)
    filename = f"{name}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "xlsx":
        file = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
        try:
            spreadsheets.write_xlsx(rows(queryset), file, sheet_name=sheet)
        except BaseException:
            file.close()
            raise
        file.seek(0)
        return FileResponse(file, as_attachment=True, filename=filename, content_type=CONTENT_TYPES["xlsx"])
    streamed: HttpResponse = StreamingHttpResponse(
        spreadsheets.csv_lines(rows(queryset)), content_type=CONTENT_TYPES["csv"]
    )
    streamed["Content-Disposition"] = f'attachment; filename="{filename}"'
    return streamed
