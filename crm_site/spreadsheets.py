"""Spreadsheets in and out: every CSV / XLSX writer of the project and the upload reader go through here.

Formula injection (CSV injection, ASVS 1.2.10): a cell that starts with = + - @ tab CR or NUL may be run
as a formula by Excel or LibreOffice, so `spreadsheet_safe` puts an apostrophe in front of it. A value
that already starts with an apostrophe gets one more, so that `spreadsheet_text` (the reader's side)
takes exactly one off again: export → import gives back the text that was exported.

CSV is written as UTF-8 with a byte-order mark (Excel in China opens BOM-less UTF-8 as GBK and shows
mojibake); XLSX text is written with XlsxWriter's `write_string`, never as a formula or a number.

Uploads are read as text cells by `read_sheet`: CSV in UTF-8 (with or without BOM), UTF-16 (Excel's
"Unicode text"), GBK or GB18030; XLSX only after its zip directory passed the size checks (zip bombs),
with openpyxl in read-only mode. Anything unreadable raises FileRejected with a message for the user.
"""

import codecs
import csv
import datetime
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
ESCAPE = "'"
UTF8_BOM = "\ufeff"
# OOXML writes control characters (and U+FFFE / U+FFFF) as _xHHHH_ and a literal "_xHHHH_" as
# _x005F_xHHHH_; openpyxl undoes only the latter, and only in shared strings.
OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
OOXML_ESCAPED = {*range(0x00, 0x20), 0x5F, 0xFFFE, 0xFFFF} - {0x09, 0x0A}
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# Upload limits (ASVS 5.2.1 / 5.2.3). An XLSX is compressed: 10 MB holds well over 100,000 rows, and
# its parts may unpack to 50 MB at most. A CSV of 100,000 realistic rows is 10–20 MB, hence 30 MB.
MAX_XLSX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_TEXT_BYTES = 30 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_COLUMNS = 200
MAX_CELLS = 3_000_000  # bounds the memory a file can take once read (100,000 rows × 30 columns)
ENCODINGS = [
    ("auto", gettext_lazy("Detect automatically")),
    ("utf-8", gettext_lazy("UTF-8 (with or without BOM)")),
    ("gbk", "GBK"),
    ("gb18030", "GB18030"),
]
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": gettext_lazy("UTF-8 with BOM"),
    "utf-16": "UTF-16",
    "gbk": "GBK",
    "gb18030": "GB18030 / GBK",
    "xlsx": gettext_lazy("Excel workbook (.xlsx)"),
}
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls, .doc: the pre-2007 Office container
BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x7fELF", b"MZ", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


# --- writing ---------------------------------------------------------------------------------------------


# --- exports of lists (customers, opportunities, deals, units) --------------------------------------------------

EXPORT_ROW_CAP = 100_000
EXPORT_CHUNK_SIZE = 2000
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class TooManyRows(Exception):
    """An export would be larger than its cap; `count` is how many rows it would have, `message` says so."""

    def __init__(self, count: int, *, cap: int = EXPORT_ROW_CAP, message: str = ""):
        super().__init__(count)
        self.count = count
        self.message = message or _(
            "This list has %(count)s rows; an export holds at most %(cap)s. Narrow the filters and export again."
        ) % {"count": f"{count:,}", "cap": f"{cap:,}"}


def person(user) -> str:
    """A staff member as the lists show them (the importer accepts a unique full name or a username)."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def choice_labels(choices) -> dict[str, str]:
    """{value: label} translated once per export: get_FOO_display() rebuilds the choices and calls gettext per row."""
    return {value: str(label) for value, label in choices.choices}


def spreadsheet_safe(value) -> str:
    """`value` as cell text that no spreadsheet will evaluate: a leading apostrophe when it could start a formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_STARTS) or text.startswith(ESCAPE):
        return ESCAPE + text
    return text


class _Line:
    """A write-only 'file' for csv.writer that hands back the line just written."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[bytes]:
    """UTF-8 CSV (with BOM) of `rows`, one encoded line at a time, for streaming; every cell made safe."""
    writer = csv.writer(_Line())
    yield UTF8_BOM.encode()
    for row in rows:
        yield writer.writerow([spreadsheet_safe(value) for value in row]).encode()


def write_xlsx(rows: Iterable[Iterable], file, *, sheet_name: str = "Sheet1") -> None:
    """Write `rows` into `file` as a one-sheet XLSX: every cell a safe string, the first row bold and frozen.

    constant_memory keeps one row in memory at a time (and writes inline strings), so a 100,000-row
    export costs megabytes, not hundreds of them.
    """
    workbook = xlsxwriter.Workbook(file, {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(SHEET_NAME_FORBIDDEN.sub(" ", sheet_name)[:31] or "Sheet1")
    rows = iter(rows)
    header = list(next(rows, []))
    if header:
        # Column settings must come before the first row is flushed in constant_memory mode.
        sheet.set_column(0, len(header) - 1, 18)
        sheet.freeze_panes(1, 0)
        bold = workbook.add_format({"bold": True})
        for column, value in enumerate(header):
            sheet.write_string(0, column, spreadsheet_safe(value), bold)
    for row_index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            sheet.write_string(row_index, column, spreadsheet_safe(value))
    workbook.close()


# --- reading ---------------------------------------------------------------------------------------------


class FileRejected(Exception):
    """The file cannot be read at all (type, size, encoding, emptiness); `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def spreadsheet_text(value: str) -> str:
    """The inverse of `spreadsheet_safe` for a cell read back: one protecting apostrophe removed."""
    if len(value) > 1 and value[0] == ESCAPE and (value[1] == ESCAPE or value[1] in FORMULA_STARTS):
        return value[1:]
    return value


def ooxml_unescape(value: str) -> str:
    """Undo the _xHHHH_ escapes Excel and XlsxWriter use for characters XML cannot carry."""
    if "_x" not in value:
        return value

    def replace(match):
        code = int(match.group(1), 16)
        return chr(code) if code in OOXML_ESCAPED else match.group(0)

    return OOXML_ESCAPE.sub(replace, value)


def clean_cell(text: str) -> str:
    """A cell as importers read it: the protecting apostrophe removed, NUL dropped, surrounding space trimmed."""
    if not text:
        return ""
    if text[0] == ESCAPE:
        text = spreadsheet_text(text)
    if "\x00" in text:
        text = text.replace("\x00", "")  # PostgreSQL text cannot hold it
    return text.strip()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass
class Sheet:
    """The cells of an uploaded file as text, and where each row sits in the spreadsheet."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells); blank rows left out
    encoding: str  # the text encoding used, or "xlsx"

    @property
    def width(self) -> int:
        return len(self.headers)

    @property
    def encoding_label(self) -> str:
        return str(ENCODING_NAMES.get(self.encoding, self.encoding))

    def column_label(self, index: int) -> str:
        """'B · 手机': the column's letter as the spreadsheet shows it, and its header."""
        header = self.headers[index] if index < len(self.headers) else ""
        letter = column_letter(index)
        return f"{letter} · {header}" if header else letter

    def preview(self, count: int = 5) -> list[tuple[int, list[str]]]:
        return [(number, cells + [""] * (self.width - len(cells))) for number, cells in self.rows[:count]]


def read_sheet(
    data: bytes, *, filename: str = "", encoding: str = "auto", has_header: bool = True, max_rows: int = 100_000
) -> Sheet:
    """The rows of a CSV or XLSX upload as text cells; raises FileRejected for anything unreadable."""
    if not data:
        raise FileRejected(_("The file is empty."))
    is_xlsx = data.startswith(XLSX_MAGIC)
    limit = MAX_XLSX_BYTES if is_xlsx else MAX_TEXT_BYTES
    if len(data) > limit:
        raise FileRejected(too_large_message(limit))
    name = filename.lower()
    if is_xlsx:
        records, used = _xlsx_records(data), "xlsx"
    elif data.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise FileRejected(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV and upload it again.")
        )
    elif name.endswith((".xlsx", ".xlsm")):
        raise FileRejected(_("This is not a valid Excel (.xlsx) file."))
    elif data.startswith(BINARY_MAGIC) or (name and not name.endswith(TEXT_SUFFIXES)):
        raise FileRejected(_("Upload a CSV or Excel (.xlsx) file."))
    else:
        text, used = decode(data, encoding)
        records = _csv_records(text)
    return _sheet(records, has_header=has_header, encoding=used, max_rows=max_rows)


def too_large_message(limit: int) -> str:
    return _("The file is larger than %(size)d MB. Split it into smaller files.") % {"size": limit >> 20}


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with (auto: a BOM, else UTF-8, else GB18030)."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in data:
        # Text in UTF-8 or GBK never holds a NUL byte; images, archives and programs nearly always do.
        raise FileRejected(_("This file contains binary data; upload a CSV or Excel (.xlsx) file."))
    if encoding == "auto":
        if data.startswith(codecs.BOM_UTF8):
            candidates = ["utf-8-sig"]
        elif utf16:
            candidates = ["utf-16"]
        else:
            # GB18030 is a superset of GBK: what Excel in China saves as "CSV" decodes with it.
            candidates = ["utf-8", "gb18030"]
    elif encoding in ("utf-8", "gbk", "gb18030"):
        if encoding != "utf-8" and not data.isascii() and _is_utf8(data):
            raise FileRejected(
                _("This file is written in UTF-8, not %(encoding)s. Choose UTF-8 or “Detect automatically”.")
                % {"encoding": ENCODING_NAMES[encoding]}
            )
        candidates = ["utf-8-sig" if encoding == "utf-8" else encoding]
    else:
        raise FileRejected(_("Unknown encoding “%(encoding)s”.") % {"encoding": encoding})
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise FileRejected(_("This file contains binary data; upload a CSV or Excel (.xlsx) file."))
        if candidate == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
            candidate = "utf-8"
        return text, candidate
    if encoding == "auto":
        raise FileRejected(
            _("The text of this file is neither UTF-8 nor GBK/GB18030. Save it as “CSV UTF-8” and upload it again.")
        )
    raise FileRejected(
        _("This file is not valid %(encoding)s. Choose the encoding it was saved in, or “Detect automatically”.")
        % {"encoding": ENCODING_NAMES[encoding]}
    )


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _csv_records(text: str) -> Iterator[list[str]]:
    first_line = text[:4096].split("\n", 1)[0]
    delimiter = max(",\t;|", key=first_line.count) if any(sep in first_line for sep in ",\t;|") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise FileRejected(
            _("Line %(line)d of the file cannot be read as CSV (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from None


def check_zip(data: bytes) -> None:
    """Refuse an XLSX (a zip) that is no zip, has too many parts or unpacks to more than the limit (zip bomb).

    Runs before openpyxl sees the file. The sizes are those declared in the zip directory; Python's
    zipfile never inflates a member past its declared size (it stops and fails the CRC check).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise FileRejected(_("This is not a valid Excel (.xlsx) file.")) from None
    if len(members) > MAX_ZIP_ENTRIES or sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
        raise FileRejected(
            _("This Excel file unpacks to more than %(size)d MB and was not opened. Split it into smaller files.")
            % {"size": MAX_UNZIPPED_BYTES >> 20}
        )


def _xlsx_records(data: bytes) -> Iterator[list[str]]:
    check_zip(data)
    import openpyxl  # only the XLSX path pays for loading it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds: KeyError, XML errors, InvalidFileException, ...
        logger.info("Unreadable XLSX upload", exc_info=True)
        raise FileRejected(_("This Excel file could not be opened. Save it again as .xlsx and retry.")) from None

    def records():
        try:
            if workbook.worksheets:
                for values in workbook.worksheets[0].iter_rows(values_only=True):
                    yield [_xlsx_text(value) for value in values]
        except FileRejected:
            raise
        except Exception:
            logger.info("Unreadable XLSX sheet", exc_info=True)
            raise FileRejected(_("This Excel file could not be read. Save it again as .xlsx and retry.")) from None
        finally:
            workbook.close()

    return records()


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return ooxml_unescape(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # A phone typed into Excel is a number: 13812345678.0 must read as 13812345678.
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _sheet(records: Iterable[list[str]], *, has_header: bool, encoding: str, max_rows: int) -> Sheet:
    headers: list[str] | None = None if has_header else []
    rows: list[tuple[int, list[str]]] = []
    width = cells_read = 0
    for number, record in enumerate(records, start=1):
        cells = [clean_cell(cell) for cell in record]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > MAX_COLUMNS:
            raise FileRejected(
                _("Row %(row)d has more than %(count)d columns.") % {"row": number, "count": MAX_COLUMNS}
            )
        width = max(width, len(cells))
        cells_read += len(cells)
        if cells_read > MAX_CELLS:
            raise FileRejected(
                _("The file has more than %(count)s filled cells. Split it into smaller files.")
                % {"count": f"{MAX_CELLS:,}"}
            )
        if headers is None:
            headers = cells
            continue
        rows.append((number, cells))
        if len(rows) > max_rows:
            raise FileRejected(
                _("The file has more than %(count)s rows. Split it into smaller files.") % {"count": f"{max_rows:,}"}
            )
    if not headers and not rows:
        raise FileRejected(_("The file has no rows."))
    if not rows:
        raise FileRejected(_("The file has a header row but no rows below it."))
    headers = list(headers or [])
    return Sheet(headers=headers + [""] * (width - len(headers)), rows=rows, encoding=encoding)
