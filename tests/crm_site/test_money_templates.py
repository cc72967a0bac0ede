"""Amounts go through one helper (|money, |wan, {% wan_range %}): no template formats money by hand."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HAND_MADE = re.compile(
    r"¥\s*\{\{|\{\{[^}]*(?:amount|price|cost|commission|outstanding|received|budget|rent|deposit|revenue|margin|total)[^}]*\|floatformat[^}]*\}\}"
)


def templates():
    paths = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    return [path for path in paths if ".venv" not in path.parts]


def test_the_check_sees_a_hand_formatted_amount():
    assert HAND_MADE.search('<td>¥{{ deal.price|floatformat:"2g" }}</td>')
    assert HAND_MADE.search("<td>{{ line.outstanding|floatformat:2 }}</td>")
    assert not HAND_MADE.search("<td>{{ line.outstanding|money }}</td>")


def test_no_template_formats_money_by_hand():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in templates()
        for match in HAND_MADE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "Use |money (or |wan) for these:\n" + "\n".join(found)
