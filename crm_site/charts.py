"""One chart with its table, as every dashboard draws it (the vendored ECharts through static/js/analytics.js, data
by json_script, CSP-safe) and exports it (crm_site.spreadsheets). Apps build `Chart`s in their selectors and
include templates/partials/chart.html."""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse

from crm_site.spreadsheets import csv_lines, write_xlsx


@dataclass
class Chart:
    """`columns` (label, format) where format is text / number / money / pct, `rows` the table (first cell the
    category), `plot` the indexes of the columns drawn, `links` a drill-down URL per row, `axes` the axis names (the
    value matrix)."""

    key: str
    title: str
    kind: str  # bar, pie, line, quadrant, hbar
    columns: list[tuple[str, str]]
    rows: list[list] = field(default_factory=list)
    plot: list[int] = field(default_factory=lambda: [1])
    links: list[str | None] = field(default_factory=list)
    note: str = ""
    axes: tuple = ()

    def data(self) -> dict:
        """What the page's script draws (json_script): plain numbers (a missing value is a gap), labels as text."""
        return {
            "kind": self.kind,
            "categories": [str(row[0]) for row in self.rows],
            "series": [
                {
                    "name": str(self.columns[index][0]),
                    "format": self.columns[index][1],
                    "data": [None if row[index] is None else float(row[index]) for row in self.rows],
                }
                for index in self.plot
            ],  # fmt: skip
            "links": self.links,
            "axes": [str(name) for name in self.axes],
        }

    def table(self) -> list[dict]:
        """The rows for the table view: each cell with its format, and the row's drill-down link."""
        return [
            {
                "link": self.links[index] if index < len(self.links) else None,
                "cells": [(cell, self.columns[position][1]) for position, cell in enumerate(row)],
            }
            for index, row in enumerate(self.rows)
        ]

    def export_rows(self):
        """Header and rows for crm_site.spreadsheets (which neutralises formula-like text)."""
        yield [str(label) for label, _format in self.columns]
        formats = [column_format for _label, column_format in self.columns]
        for row in self.rows:
            yield [export_cell(cell, column_format) for cell, column_format in zip(row, formats, strict=False)]


def export_cell(cell, column_format: str):
    """Numbers stay numbers; money always has its two decimals (SQLite's SUM drops them, PostgreSQL's keeps them)."""
    if column_format == "money" and isinstance(cell, (int, float, Decimal)):
        return Decimal(str(cell)).quantize(Decimal("0.01"))
    if cell is None or isinstance(cell, (int, float, Decimal)):
        return cell
    return str(cell)


def download(chart: Chart, fmt: str, name: str):
    """The chart's table as a CSV (streamed) or XLSX attachment, as the dashboards' ?export=KEY&format=... links
    ask for it."""
    if fmt == "xlsx":
        file = io.BytesIO()
        write_xlsx(chart.export_rows(), file, sheet_name=str(chart.title))
        file.seek(0)
        return FileResponse(
            file,
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(csv_lines(chart.export_rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
