"""Exporting a filtered customer list to CSV or XLSX, within the viewer's scope and masking.

The columns are those of the list page plus every active custom field. Sensitive fields are masked
exactly as on the pages (crm_site.masking.reveal): a viewer who may see them gets the values, and
each such customer is written to the access log with purpose "export". Every cell goes through
crm_site.spreadsheets.spreadsheet_safe, so no value can run as a formula.
"""

import tempfile
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import customfields, masking, spreadsheets
from crm_site.models import AccessLog
from customers.models import Customer
from customers.selectors import ENTITY, SENSITIVE_FIELDS

ROW_CAP = spreadsheets.EXPORT_ROW_CAP
CHUNK_SIZE = spreadsheets.EXPORT_CHUNK_SIZE
FORMATS = spreadsheets.EXPORT_FORMATS
CONTENT_TYPES = spreadsheets.EXPORT_CONTENT_TYPES
TooManyRows = spreadsheets.TooManyRows
_person = spreadsheets.person
_labels = spreadsheets.choice_labels


def check_size(customers: QuerySet[Customer]) -> int:
    """The number of rows `customers` would export; raises TooManyRows above the cap."""
    count = customers.count()
    if count > ROW_CAP:
        raise TooManyRows(
            count,
            message=_(
                "This list has %(count)s customers; an export holds at most %(cap)s. Narrow the filters and export "
                "again."
            )
            % {"count": f"{count:,}", "cap": f"{ROW_CAP:,}"},
        )
    return count


def filename(fmt: str) -> str:
    return f"customers-{timezone.localdate().isoformat()}.{fmt}"


def rows(customers: QuerySet[Customer], *, user, request=None, chunk_size: int = CHUNK_SIZE) -> Iterator[list[str]]:
    """The header, then one list of text cells per customer; masks and logs as it goes, a chunk at a time."""
    definitions = customfields.definitions(ENTITY)
    yield [
        _("Name"),
        _("Phone"),
        _("Interest level"),
        _("Status"),
        _("Source"),
        _("Owner"),
        _("Last contact"),
        *[definition.label for definition in definitions],
    ]
    chunk: list[Customer] = []
    for customer in customers.iterator(chunk_size=chunk_size):
        chunk.append(customer)
        if len(chunk) >= chunk_size:
            yield from _chunk_rows(chunk, definitions, user=user, request=request)
            chunk = []
    if chunk:
        yield from _chunk_rows(chunk, definitions, user=user, request=request)


def _chunk_rows(chunk: list[Customer], definitions, *, user, request) -> Iterator[list[str]]:
    masking.reveal(user, chunk, SENSITIVE_FIELDS, purpose=AccessLog.Purpose.EXPORT, request=request)
    levels, statuses, sources = _labels(Customer.Level), _labels(Customer.Status), _labels(Customer.Source)
    zone = timezone.get_current_timezone()
    for customer in chunk:
        last_contact = customer.last_contact_at
        yield [
            customer.name,
            customer.shown["phone"],
            levels.get(customer.level, customer.level),
            statuses.get(customer.status, customer.status),
            sources.get(customer.source, customer.source),
            _person(customer.owner),
            last_contact.astimezone(zone).date().isoformat() if last_contact else "",
            *[
                customfields.export_cell(definition, (customer.custom or {}).get(definition.key))
                for definition in definitions
            ],
        ]


def csv_stream(customers: QuerySet[Customer], *, user, request=None) -> Iterator[bytes]:
    """The export as UTF-8 CSV with BOM, produced line by line (for a streaming response)."""
    return spreadsheets.csv_lines(rows(customers, user=user, request=request))


def xlsx_file(customers: QuerySet[Customer], *, user, request=None):
    """The export as an XLSX in a temporary file, rewound; the caller closes it (FileResponse does)."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    try:
        spreadsheets.write_xlsx(rows(customers, user=user, request=request), file, sheet_name=_("Customers"))
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file
