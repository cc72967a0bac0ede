"""Charts drawn on the server as SVG, for the PDF reports (WeasyPrint runs no JavaScript, so no ECharts there).

Plain horizontal bars: each row a label, a bar scaled to the largest value, and the value as text; values
formatted by the caller (money, counts) so the PDF reads like the screen.
"""

from django.utils.html import escape

COLOURS = ["#0d6efd", "#198754", "#ffc107", "#dc3545", "#6f42c1", "#20c997", "#fd7e14", "#6c757d"]


def bars(rows: list[tuple[str, float, str]], *, width: int = 520, row_height: int = 24) -> str:
    """`rows`: (label, value, value as text). Negative values draw from the axis to the left."""
    label_width, value_width = 150, 110
    plot = width - label_width - value_width
    largest = max((abs(value) for _label, value, _text in rows), default=0) or 1
    has_negative = any(value < 0 for _label, value, _text in rows)
    axis = label_width + (plot // 2 if has_negative else 0)
    scale = (plot // 2 if has_negative else plot) / largest
    height = row_height * len(rows) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="Noto Sans CJK SC, Noto Sans, sans-serif" font-size="11">'
    ]
    for index, (label, value, text) in enumerate(rows):
        y = 4 + index * row_height
        length = abs(value) * scale
        x = axis - length if value < 0 else axis
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(
            f'<rect x="{x:.1f}" y="{y + 3}" width="{max(length, 1):.1f}" height="{row_height - 8}" fill="{colour}"/>'
        )
        parts.append(f'<text x="{label_width + plot + 6}" y="{y + 15}">{escape(text)}</text>')
    parts.append(f'<line x1="{axis}" y1="0" x2="{axis}" y2="{height}" stroke="#999" stroke-width="0.5"/>')
    parts.append("</svg>")
    return "".join(parts)
