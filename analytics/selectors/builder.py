"""The report builder: a definition (record type, columns, filters, group-by, aggregates) checked against the
registry (analytics.records) and run for one user, with that user's scope and masking.

Only keys the registry declares are accepted: a definition from a URL, a form or a saved report is parsed by
`parse()` (DefinitionError with every problem, in words, otherwise) and names no ORM path. `run()` reads at most
SCREEN_ROWS rows (or groups) for the page; `export_rows()` up to EXPORT_ROWS for a file (TooManyRows beyond).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.db.models import Avg, CharField, Count, DateField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim, TruncMonth
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from analytics import records
from analytics.models import SavedReport
from analytics.records import BOOL, CHOICE, DATE, MONEY, NUMBER, NUMERIC, TEXT, USER
from crm_site import masking
from crm_site.charts import Chart
from crm_site.models import AccessLog, Team
from crm_site.scope import staff_profile

SCREEN_ROWS = 1_000
EXPORT_ROWS = 50_000
MAX_COLUMNS = 20
MAX_FILTERS = 5
MAX_GROUPS = 2
MAX_AGGREGATES = 4
MAX_VALUE_LENGTH = 100
CHART_KINDS = ("bar", "hbar", "line", "pie")

OPERATORS = {
    "eq": gettext_lazy("is"),
    "contains": gettext_lazy("contains"),
    "gte": gettext_lazy("is at least"),
    "lte": gettext_lazy("is at most"),
}
OPERATORS_BY_KIND = {
    TEXT: ("eq", "contains"),
    CHOICE: ("eq",),
    BOOL: ("eq",),
    NUMBER: ("eq", "gte", "lte"),
    MONEY: ("eq", "gte", "lte"),
    DATE: ("eq", "gte", "lte"),
}
LOOKUPS = {("eq", TEXT): "iexact", ("contains", TEXT): "icontains", "eq": "exact", "gte": "gte", "lte": "lte"}
FUNCTIONS = {"count": gettext_lazy("Count"), "sum": gettext_lazy("Sum"), "avg": gettext_lazy("Average")}


class DefinitionError(Exception):
    """The definition asks for something the registry does not offer; `messages` says what, for the user."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


class TooManyRows(Exception):
    def __init__(self, count: int):
        super().__init__(count)
        self.count = count
        self.message = _(
            "This report has %(count)s rows; an export holds at most %(cap)s. Add a filter or group the rows."
        ) % {"count": f"{count:,}", "cap": f"{EXPORT_ROWS:,}"}


@dataclass
class Definition:
    record_type: records.RecordType
    columns: list  # Column
    filters: list = field(default_factory=list)  # (Column, op, parsed value, raw text)
    groups: list = field(default_factory=list)  # Column
    aggregates: list = field(default_factory=list)  # (function, Column | None)
    chart: str = "bar"

    def as_json(self) -> dict:
        """What a saved report keeps: keys only."""
        return {
            "type": self.record_type.key,
            "columns": [column.key for column in self.columns],
            "filters": [{"field": column.key, "op": op, "value": raw} for column, op, _value, raw in self.filters],
            "group": [column.key for column in self.groups],
            "aggregates": [
                {"fn": function, "field": column.key if column else ""} for function, column in self.aggregates
            ],
            "chart": self.chart,
        }

    def as_query(self) -> list[tuple[str, str]]:
        """The definition as the builder form's GET parameters (links, exports, the saved report's page)."""
        pairs = [("type", self.record_type.key)]
        pairs += [("col", column.key) for column in self.columns]
        for index, (column, op, _value, raw) in enumerate(self.filters):
            pairs += [(f"ff{index}", column.key), (f"fo{index}", op), (f"fv{index}", raw)]
        pairs += [("group", column.key) for column in self.groups]
        pairs += [("agg", f"{function}:{column.key}" if column else function) for function, column in self.aggregates]
        pairs.append(("chart", self.chart))
        return pairs

    def described_filters(self) -> list[str]:
        """The filters in words (shown above the table and in every export and e-mail)."""
        described = []
        for column, op, value, raw in self.filters:
            shown = raw
            if column.kind == CHOICE:
                shown = column.choice_labels().get(value, raw)
            elif column.kind == BOOL:
                shown = _("Yes") if value else _("No")
            described.append(f"{column.label} {OPERATORS[op]} {shown}")
        return described


def _error(messages, text):
    messages.append(str(text))


def parse(data: dict) -> Definition:
    """A definition from plain data: the builder form's GET (a QueryDict) or a saved report's JSON."""
    if hasattr(data, "getlist"):
        raw = {
            "type": data.get("type", ""),
            "columns": data.getlist("col"),
            "filters": [
                {
                    "field": data.get(f"ff{index}", ""),
                    "op": data.get(f"fo{index}", ""),
                    "value": data.get(f"fv{index}", ""),
                }
                for index in range(MAX_FILTERS + 1)
                if data.get(f"ff{index}")
            ],
            "group": [key for key in data.getlist("group") if key],
            "aggregates": [_split_aggregate(item) for item in data.getlist("agg") if item],
            "chart": data.get("chart", "bar"),
        }
    else:
        raw = data
    messages: list[str] = []
    record_type = records.get(str(raw.get("type", "")))
    if record_type is None:
        raise DefinitionError([_("Choose a record type from the list.")])

    def column_of(key, purpose):
        column = record_type.column(str(key)) if isinstance(key, str) else None
        if column is None:
            _error(
                messages,
                _("“%(key)s” is not a column of %(type)s.") % {"key": str(key)[:40], "type": record_type.label},
            )
        return column

    columns = []
    for key in _strings(raw.get("columns"))[: MAX_COLUMNS + 1]:
        column = column_of(key, "show")
        if column is not None and column not in columns:
            columns.append(column)
    if len(columns) > MAX_COLUMNS:
        _error(messages, _("Choose at most %(count)d columns.") % {"count": MAX_COLUMNS})
    filters = []
    raw_filters = raw.get("filters") if isinstance(raw.get("filters"), list) else []
    if len(raw_filters) > MAX_FILTERS:
        _error(messages, _("Use at most %(count)d filters.") % {"count": MAX_FILTERS})
    for item in raw_filters[:MAX_FILTERS]:
        item = item if isinstance(item, dict) else {}
        column = column_of(item.get("field", ""), "filter")
        if column is None:
            continue
        parsed = _filter(column, str(item.get("op", "")), str(item.get("value", "")), messages)
        if parsed is not None:
            filters.append(parsed)
    groups = []
    for key in _strings(raw.get("group")):
        column = column_of(key, "group")
        if column is None:
            continue
        if not column.can_group:
            _error(messages, _("The rows cannot be grouped by “%(column)s”.") % {"column": column.label})
        elif column not in groups:
            groups.append(column)
    if len(groups) > MAX_GROUPS:
        _error(messages, _("Group by at most %(count)d columns.") % {"count": MAX_GROUPS})
    aggregates = []
    raw_aggregates = raw.get("aggregates") if isinstance(raw.get("aggregates"), list) else []
    if len(raw_aggregates) > MAX_AGGREGATES:
        _error(messages, _("Use at most %(count)d totals.") % {"count": MAX_AGGREGATES})
    for item in raw_aggregates[:MAX_AGGREGATES]:
        item = item if isinstance(item, dict) else {}
        function = str(item.get("fn", ""))
        if function not in FUNCTIONS:
            _error(messages, _("Totals are a count, a sum or an average."))
            continue
        if function == "count":
            if ("count", None) not in aggregates:
                aggregates.append(("count", None))
            continue
        column = column_of(item.get("field", ""), "aggregate")
        if column is None:
            continue
        if column.kind not in NUMERIC:
            _error(messages, _("“%(column)s” is not a number: it has no sum or average.") % {"column": column.label})
            continue
        if (function, column) not in aggregates:
            aggregates.append((function, column))
    chart = str(raw.get("chart", "bar"))
    if chart not in CHART_KINDS:
        chart = "bar"
    if messages:
        raise DefinitionError(messages)
    if groups and not aggregates:
        aggregates = [("count", None)]
    if not groups and not columns:
        columns = [record_type.column(key) for key in record_type.default_columns if record_type.column(key)]
    return Definition(record_type, columns, filters, groups[:MAX_GROUPS], aggregates, chart)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _english(choices) -> list:
    with translation.override("en"):
        return [(code, str(name)) for code, name in choices]


def _split_aggregate(text: str) -> dict:
    function, _sep, key = text.partition(":")
    return {"fn": function, "field": key}


def _filter(column, op: str, text: str, messages):
    label = column.label
    if not column.can_filter or column.kind not in OPERATORS_BY_KIND:
        _error(messages, _("The rows cannot be filtered by “%(column)s”.") % {"column": label})
        return None
    if op not in OPERATORS_BY_KIND[column.kind]:
        _error(messages, _("“%(column)s” cannot be filtered that way.") % {"column": label})
        return None
    text = text.strip()
    if not text or len(text) > MAX_VALUE_LENGTH or "\x00" in text:
        _error(
            messages,
            _("Give a value (at most %(count)d characters) for the filter on “%(column)s”.")
            % {
                "count": MAX_VALUE_LENGTH,
                "column": label,
            },
        )
        return None
    value: object = text
    if column.kind == CHOICE:
        labels = column.choice_labels()
        if text not in labels:
            # A name as the page shows it (in either language) stands for its code.
            by_name = {name.casefold(): code for code, name in labels.items()}
            by_name.update({str(name).casefold(): code for code, name in _english(column.choices)})
            if text.casefold() not in by_name:
                _error(messages, _("Choose one of the values of “%(column)s”.") % {"column": label})
                return None
            value = by_name[text.casefold()]
        text = value  # kept as the code: a saved report reads the same in either language
    elif column.kind == BOOL:
        if text not in ("1", "0"):
            _error(messages, _("Choose yes or no for “%(column)s”.") % {"column": label})
            return None
        value = text == "1"
    elif column.kind in NUMERIC:
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or abs(value) >= Decimal("1e13"):
            _error(
                messages, _("“%(value)s” is not a number (filter on “%(column)s”).") % {"value": text, "column": label}
            )
            return None
    elif column.kind == DATE:
        try:
            value = datetime.date.fromisoformat(text)
        except ValueError:
            _error(messages, _("Write the date as YYYY-MM-DD (filter on “%(column)s”).") % {"column": label})
            return None
    return column, op, value, text


# --- running ----------------------------------------------------------------------------------------------------


def _path(column) -> str:
    if column.path_zh and (get_language() or "").startswith("zh"):
        return column.path_zh
    return column.path


def _expression(column):
    """What the database reads for a column: a field path, a staff member's name, or a month for a grouped date."""
    if column.kind == USER:
        path = column.path
        name = Trim(Concat(F(f"{path}__first_name"), Value(" "), F(f"{path}__last_name"), output_field=CharField()))
        return Coalesce(NullIf(name, Value("")), F(f"{path}__username"), output_field=CharField())
    return F(_path(column))


def _group_expression(column):
    if column.kind == DATE:
        base = column.path.removesuffix("__date")
        return TruncMonth(base, output_field=DateField())
    return _expression(column)


def _filtered(definition: Definition, user):
    rows = definition.record_type.queryset(user)
    for column, op, value, _raw in definition.filters:
        lookup = LOOKUPS.get((op, column.kind), LOOKUPS.get(op, "exact"))
        rows = rows.filter(Q(**{f"{_path(column)}__{lookup}": value}))
    return rows


def _display(column, value):
    if value is None:
        return ""
    if column.kind == CHOICE:
        return column.choice_labels().get(value, value)
    if column.kind == BOOL:
        return _("Yes") if value else _("No")
    if column.kind == DATE:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return value


def _format(column) -> str:
    return {MONEY: "money", NUMBER: "number"}.get(column.kind, "text")


@dataclass
class Result:
    definition: Definition
    headers: list  # (label, format)
    rows: list  # display values
    total: int  # rows (or groups) in all
    shown: int
    grouped: bool
    chart: Chart | None = None
    totals: list = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.total > self.shown

    def table(self) -> list[list]:
        return [list(zip(row, [fmt for _label, fmt in self.headers], strict=False)) for row in self.rows]

    def totals_row(self) -> list:
        return list(zip(self.totals, [fmt for _label, fmt in self.headers], strict=False))


def _aggregate_label(function, column) -> str:
    if column is None:
        return str(FUNCTIONS["count"])
    return f"{FUNCTIONS[function]} · {column.label}"


def _aggregate_expressions(definition) -> dict:
    expressions = {}
    for index, (function, column) in enumerate(definition.aggregates):
        if function == "count":
            expressions[f"a{index}"] = Count("pk")
        elif function == "sum":
            expressions[f"a{index}"] = Sum(column.path)
        else:
            expressions[f"a{index}"] = Avg(column.path)
    return expressions


def _aggregate_value(function, column, value):
    if value is None:
        return 0 if function == "count" else None
    if function == "count":
        return int(value)
    value = Decimal(str(value))
    places = Decimal("0.01") if (column.kind == MONEY or function == "avg") else Decimal("1")
    return value.quantize(places)


def _grouped(definition, user, limit):
    rows = _filtered(definition, user)
    keys = {f"g{index}": _group_expression(column) for index, column in enumerate(definition.groups)}
    aggregates = _aggregate_expressions(definition)
    grouped = rows.order_by().values(**keys).annotate(**aggregates).order_by(*keys)
    total = grouped.count()
    found = list(grouped[:limit])
    headers = [(str(column.label), "text") for column in definition.groups]
    headers += [
        (_aggregate_label(function, column), "number" if function == "count" else _format(column))
        for function, column in definition.aggregates
    ]
    table = []
    for item in found:
        cells = []
        for index, column in enumerate(definition.groups):
            value = item[f"g{index}"]
            if column.kind == DATE and value is not None:
                cells.append(f"{value:%Y-%m}")
            else:
                shown = _display(column, value)
                cells.append(shown if shown != "" else _("(none)"))
        cells += [
            _aggregate_value(function, column, item[f"a{index}"])
            for index, (function, column) in enumerate(definition.aggregates)
        ]
        table.append(cells)
    overall = rows.order_by().aggregate(**aggregates) if aggregates else {}
    totals = [_("Total"), *[""] * (len(definition.groups) - 1)]
    totals += [
        _aggregate_value(function, column, overall.get(f"a{index}"))
        for index, (function, column) in enumerate(definition.aggregates)
    ]
    return headers, table, total, totals


def _detail(definition, user, limit, *, purpose, request):
    rows = _filtered(definition, user)
    columns = definition.columns
    values = {f"c{index}": _expression(column) for index, column in enumerate(columns)}
    for index, column in enumerate(columns):
        if column.mask:
            values[f"o{index}"] = F(column.owner_path)
            values[f"r{index}"] = F(column.record_path[1])
    total = rows.count()
    found = list(rows.order_by("-pk").values(**values)[:limit])
    logs = []
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    table = []
    for item in found:
        cells = []
        for index, column in enumerate(columns):
            value = item[f"c{index}"]
            if column.mask:
                owner = SimpleNamespace(owner_id=item[f"o{index}"])
                if masking.may_see_field(user, column.mask, owner):
                    if value:
                        logs.append(
                            AccessLog(
                                user=user,
                                model=column.record_path[0],
                                object_id=str(item[f"r{index}"]),
                                fields=column.mask,
                                purpose=purpose,
                                ip=ip,
                            )
                        )
                else:
                    value = masking.masked(column.mask, value)
            cells.append(_display(column, value))
        table.append(cells)
    if logs:
        AccessLog.objects.bulk_create(logs, batch_size=1000)
    headers = [(str(column.label), _format(column)) for column in columns]
    return headers, table, total


def run(definition: Definition, *, user, request=None, limit: int = SCREEN_ROWS) -> Result:
    """The report for `user`: their scope, their masking; at most `limit` rows (or groups)."""
    if definition.groups:
        headers, table, total, totals = _grouped(definition, user, limit)
        result = Result(definition, headers, table, total, len(table), True, totals=totals)
        result.chart = _chart(definition, headers, table)
        return result
    headers, table, total = _detail(definition, user, limit, purpose=AccessLog.Purpose.LIST, request=request)
    return Result(definition, headers, table, total, len(table), False)


def _primary(definition) -> int:
    """The total the chart draws: the first sum or average chosen, else the count."""
    return next((index for index, (function, _column) in enumerate(definition.aggregates) if function != "count"), 0)


def _chart(definition, headers, table) -> Chart:
    """One group level: a bar (or pie, line) per group. Two: a cross table, a series per second-level value."""
    depth = len(definition.groups)
    measure = depth + _primary(definition)
    label, fmt = headers[measure]
    title = f"{definition.record_type.label} · {label}"
    if depth == 1:
        rows = [[row[0], row[measure]] for row in table]
        return Chart("builder", title, definition.chart, [(headers[0][0], "text"), (label, fmt)], rows)
    firsts, seconds, cells = [], [], {}
    for row in table:
        first, second = str(row[0]), str(row[1])
        if first not in firsts:
            firsts.append(first)
        if second not in seconds:
            seconds.append(second)
        cells[first, second] = row[measure]
    columns = [(headers[0][0], "text"), *[(second, fmt) for second in seconds]]
    rows = [[first, *[cells.get((first, second)) or 0 for second in seconds]] for first in firsts]
    kind = "bar" if definition.chart == "pie" else definition.chart
    return Chart("builder", title, kind, columns, rows, plot=list(range(1, len(columns))))


def export_rows(definition: Definition, *, user, request=None, typed: bool = False):
    """The header and every row (or group) of the report for a file, as on the screen; TooManyRows past the cap.
    Cells are text; with `typed`, numbers and amounts stay numbers (a PDF formats them for its reader's language)."""
    if definition.groups:
        headers, table, total, totals = _grouped(definition, user, EXPORT_ROWS + 1)
        table = [*table, totals]
    else:
        headers, table, total = _detail(
            definition, user, EXPORT_ROWS + 1, purpose=AccessLog.Purpose.EXPORT, request=request
        )
    if total > EXPORT_ROWS:
        raise TooManyRows(total)
    yield [label for label, _fmt in headers]
    formats = [fmt for _label, fmt in headers]
    for row in table:
        yield [_export_cell(cell, fmt, typed) for cell, fmt in zip(row, formats, strict=False)]


def _export_cell(cell, fmt, typed=False):
    if fmt == "money" and isinstance(cell, (int, float, Decimal)):
        amount = Decimal(str(cell)).quantize(Decimal("0.01"))
        return amount if typed else str(amount)
    if typed and fmt == "number" and isinstance(cell, (int, float, Decimal)):
        return cell
    return "" if cell is None else str(cell)


# --- saved reports ----------------------------------------------------------------------------------------------


def _team_chain(user) -> list[int]:
    """The user's team and every team above it (a report shared with a department reaches the teams below it)."""
    staff = staff_profile(user)
    if staff is None or not staff.team_id:
        return []
    parents = dict(Team.objects.values_list("id", "parent_id"))
    chain, current = [], staff.team_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def saved_report_list(*, user):
    """The reports `user` owns or that were shared with their team (or a team above it)."""
    return (
        SavedReport.objects.filter(Q(owner=user) | Q(team_id__in=_team_chain(user)))
        .select_related("owner", "team")
        .order_by("name", "pk")
    )


def saved_report_get(*, user, pk: int) -> SavedReport:
    return saved_report_list(user=user).get(pk=pk)


def record_types() -> list:
    return records.all_types()
