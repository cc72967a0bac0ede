"""Importing units from CSV or XLSX into one project: read, check every row, then write all of it or nothing.

    sheet = read(data, filename=name)
    report = validate(sheet, project=project)
    if report.ok:
        commit(report, project=project, by=user)

Columns are found by their header (English or Chinese, any order); building, floor, number, building_area
and list_price are required. Buildings missing from the project are created (floors = the highest floor
in the file). Row numbers are the spreadsheet's own (the first unit under the header is row 2).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm_site.spreadsheets import ENCODINGS, FileRejected, Sheet, read_sheet
from sales.models import Building, Project, Unit

__all__ = ["COLUMNS", "ENCODINGS", "FileRejected", "UnitImportReport", "commit", "read", "validate"]

MAX_ROWS = 20_000
BATCH_SIZE = 1000
AREA_LIMIT = Decimal("10000000")
PRICE_LIMIT = Decimal("1000000000000")
CENT = Decimal("0.01")
HEADER_NOISE = re.compile(r"\(.*?\)|（.*?）|\[.*?]|【.*?】|[\s*_\-:.#()\[\]【】㎡²]")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool
    words: str  # other header words that name this column (folded)


COLUMNS = [
    Column("building", gettext_lazy("building"), True, "building 楼栋 楼号 栋 栋号 楼栋号 楼"),
    Column("floor", gettext_lazy("floor"), True, "floor 楼层 层 所在楼层"),
    Column("number", gettext_lazy("number"), True, "number unit unitnumber unitno no 房号 房间号 户号 单元号"),
    Column("use", gettext_lazy("use"), False, "use usage type 用途 类型 业态"),
    Column("rooms", gettext_lazy("rooms"), False, "rooms bedrooms room 室 房 居室"),
    Column("halls", gettext_lazy("halls"), False, "halls hall 厅"),
    Column("baths", gettext_lazy("baths"), False, "baths bathrooms bath 卫 卫生间"),
    Column("building_area", gettext_lazy("building area"), True, "buildingarea area grossarea 建筑面积 面积"),
    Column("usable_area", gettext_lazy("usable area"), False, "usablearea netarea 套内面积 使用面积 套内"),
    Column("orientation", gettext_lazy("orientation"), False, "orientation facing 朝向"),
    Column("list_price", gettext_lazy("list price"), True, "listprice price totalprice 总价 价格 标价 表价"),
    Column("cost_basis", gettext_lazy("cost basis"), False, "costbasis cost 成本 成本价"),
    Column("for_lease", gettext_lazy("for lease"), False, "forlease lease 可租 出租 租赁"),
]
COLUMN_LABELS = {column.key: column.label for column in COLUMNS}

TRUE_WORDS = {"1", "y", "yes", "true", "t", "是", "对", "可", "可租", "√", "✓"}
FALSE_WORDS = {"", "0", "n", "no", "false", "f", "否", "不", "不可", "×"}
EXTRA_ORIENTATIONS = {
    "南": "S",
    "北": "N",
    "东": "E",
    "西": "W",
    "南北": "SN",
    "东西": "EW",
    "东南": "SE",
    "西南": "SW",
    "坐北朝南": "S",
}
EXTRA_USES = {"住宅": "home", "商铺": "shop", "商业": "shop", "写字楼": "office", "办公": "office", "车位": "parking"}


def read(data: bytes, *, filename: str = "", encoding: str = "auto") -> Sheet:
    """The text cells of an uploaded CSV / XLSX with a header row; raises FileRejected with a message."""
    return read_sheet(data, filename=filename, encoding=encoding, has_header=True, max_rows=MAX_ROWS)


def fold(text: str) -> str:
    return HEADER_NOISE.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


def _choice_lookup(choices, extra: dict[str, str]) -> dict[str, str]:
    lookup = {fold(word): value for word, value in extra.items()}
    for value, label in choices.choices:
        lookup[fold(value)] = value
        lookup[fold(str(label))] = value
    return lookup


def find_columns(headers: list[str]) -> dict[str, int]:
    """key → column index, by header; raises FileRejected when a required column is missing or named twice."""
    words = {}
    for column in COLUMNS:
        for word in [column.key, str(column.label), *column.words.split()]:
            words.setdefault(fold(word), column.key)
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = words.get(fold(header))
        if key is None:
            continue
        if key in found:
            raise FileRejected(
                _("Two columns are read as “%(column)s”: keep one of them.") % {"column": COLUMN_LABELS[key]}
            )
        found[key] = index
    missing = [str(column.label) for column in COLUMNS if column.required and column.key not in found]
    if missing:
        raise FileRejected(
            _("The file has no column for: %(columns)s. The first row must name the columns.")
            % {"columns": ", ".join(missing)}
        )
    return found


# --- validating ----------------------------------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RowError:
    row: int
    column: str
    message: str

    @property
    def message_line(self) -> str:
        return _("Row %(row)d, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class PreparedUnit:
    row: int
    building: str
    fields: dict


@dataclass
class UnitImportReport:
    total: int
    rows: list[PreparedUnit] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    invalid_rows: set[int] = field(default_factory=set)
    new_buildings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.total > 0 and not self.errors

    @property
    def valid_count(self) -> int:
        return self.total - len(self.invalid_rows)


def _integer(text: str, *, minimum: int, maximum: int, default: int | None = None) -> int:
    if not text:
        if default is None:
            raise CellError(_("This value is required."))
        return default
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text[:40]}) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text[:40]})
    if not minimum <= number <= maximum:
        raise CellError(_("Must be between %(min)d and %(max)d.") % {"min": minimum, "max": maximum})
    return int(number)


def _decimal(text: str, *, required: bool, limit: Decimal, positive: bool = True) -> Decimal | None:
    cleaned = text.replace(",", "").replace("¥", "").replace("￥", "").replace("元", "").replace("㎡", "").strip()
    if not cleaned:
        if required:
            raise CellError(_("This value is required."))
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text[:40]}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": text[:40]})
    number = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if positive and number <= 0:
        raise CellError(_("Must be more than zero."))
    if number < 0:
        raise CellError(_("Must not be negative."))
    if number >= limit:
        raise CellError(_("This value is too large."))
    return number


def _bool(text: str) -> bool:
    word = fold(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Write yes or no (是/否)."))


class _Parsers:
    def __init__(self):
        self.uses = _choice_lookup(Unit.Use, EXTRA_USES)
        self.orientations = _choice_lookup(Unit.Orientation, EXTRA_ORIENTATIONS)

    def parse(self, key: str, text: str):
        if key == "building":
            if not text:
                raise CellError(_("This value is required."))
            if len(text) > Building._meta.get_field("name").max_length:
                raise CellError(_("The name is too long."))
            return text
        if key == "number":
            if not text:
                raise CellError(_("This value is required."))
            if len(text) > Unit._meta.get_field("number").max_length:
                raise CellError(_("The unit number is too long."))
            return text
        if key == "floor":
            return _integer(text, minimum=-10, maximum=300)
        if key in ("rooms", "halls", "baths"):
            return _integer(text, minimum=0, maximum=50, default=0)
        if key == "building_area":
            return _decimal(text, required=True, limit=AREA_LIMIT)
        if key == "usable_area":
            return _decimal(text, required=False, limit=AREA_LIMIT)
        if key == "list_price":
            return _decimal(text, required=True, limit=PRICE_LIMIT)
        if key == "cost_basis":
            return _decimal(text, required=False, limit=PRICE_LIMIT, positive=False)
        if key == "for_lease":
            return _bool(text)
        if key == "use":
            return self._choice(self.uses, text, default=Unit.Use.HOME)
        if key == "orientation":
            return self._choice(self.orientations, text, default="")
        raise KeyError(key)

    @staticmethod
    def _choice(lookup: dict[str, str], text: str, *, default: str) -> str:
        if not text:
            return default
        value = lookup.get(fold(text))
        if value is None:
            raise CellError(_("“%(value)s” is not one of the choices.") % {"value": text[:40]})
        return value


def validate(sheet: Sheet, *, project: Project) -> UnitImportReport:
    """Check every row of `sheet`; rows that clash with each other or with units on file are errors."""
    columns = find_columns(sheet.headers)
    report = UnitImportReport(total=len(sheet.rows))
    parsers = _Parsers()
    seen: dict[tuple[str, str], int] = {}
    for number, cells in sheet.rows:
        values, row_ok = {}, True
        for key, index in columns.items():
            text = cells[index] if index < len(cells) else ""
            try:
                values[key] = parsers.parse(key, text)
            except CellError as error:
                report.errors.append(RowError(number, sheet.column_label(index), error.message))
                row_ok = False
        for column in COLUMNS:
            if column.key not in values and column.key not in columns:
                values[column.key] = parsers.parse(column.key, "") if not column.required else None
        if row_ok and values["usable_area"] is not None and values["usable_area"] > values["building_area"]:
            report.errors.append(
                RowError(number, sheet.column_label(columns["usable_area"]), _("Larger than the building area."))
            )
            row_ok = False
        if "building" in values and "number" in values:
            key = (values["building"], values["number"])
            if key in seen:
                report.errors.append(
                    RowError(
                        number,
                        sheet.column_label(columns["number"]),
                        _("Unit %(number)s of building %(building)s is also on row %(row)d.")
                        % {"number": key[1], "building": key[0], "row": seen[key]},
                    )
                )
                row_ok = False
            else:
                seen[key] = number
        if row_ok:
            building = values.pop("building")
            report.rows.append(PreparedUnit(number, building, values))
        else:
            report.invalid_rows.add(number)
    _against_database(report, sheet, columns, project=project)
    report.errors.sort(key=lambda error: error.row)
    return report


def _against_database(report: UnitImportReport, sheet: Sheet, columns: dict[str, int], *, project: Project) -> None:
    names = {row.building for row in report.rows}
    existing_buildings = set(Building.objects.filter(project=project, name__in=names).values_list("name", flat=True))
    report.new_buildings = sorted(names - existing_buildings)
    on_file = set(
        Unit.objects.filter(project=project, building__name__in=existing_buildings).values_list(
            "building__name", "number"
        )
    )
    kept = []
    for row in report.rows:
        if (row.building, row.fields["number"]) in on_file:
            report.errors.append(
                RowError(
                    row.row,
                    sheet.column_label(columns["number"]),
                    _("Unit %(number)s of building %(building)s is already on file.")
                    % {"number": row.fields["number"], "building": row.building},
                )
            )
            report.invalid_rows.add(row.row)
        else:
            kept.append(row)
    report.rows = kept


@transaction.atomic
def commit(report: UnitImportReport, *, project: Project, by) -> int:
    """Create the missing buildings and every unit of a valid report; returns the number of units created."""
    if not report.ok:
        raise ValueError("commit() needs a report without errors")
    top_floor: dict[str, int] = {}
    for row in report.rows:
        top_floor[row.building] = max(top_floor.get(row.building, 1), row.fields["floor"])
    buildings = {building.name: building for building in Building.objects.filter(project=project, name__in=top_floor)}
    for name, floors in top_floor.items():
        building = buildings.get(name)
        if building is None:
            buildings[name] = Building.objects.create(project=project, name=name, floors=floors)
        elif building.floors < floors:
            building.floors = floors
            building.save(update_fields=["floors"])
    units = [
        Unit(project=project, building=buildings[row.building], status=Unit.Status.AVAILABLE, **row.fields)
        for row in report.rows
    ]
    Unit.objects.bulk_create(units, batch_size=BATCH_SIZE)
    return len(units)
