"""Sections of the deal page that other parts of sales contribute (payment schedule, promises, commission).

A section is a template and a provider `(deal, user) -> dict | None` (None hides it); parts register theirs from
their panels module, which sales/apps.py imports at start-up.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DealSection:
    key: str
    template: str
    provider: Callable
    order: int = 50


SECTIONS: dict[str, DealSection] = {}


def register(key: str, template: str, provider: Callable, order: int = 50) -> None:
    SECTIONS[key] = DealSection(key, template, provider, order)


def sections(deal, user) -> list[dict]:
    """The registered sections that have something to show, in order, each with its template and context."""
    shown = []
    for section in sorted(SECTIONS.values(), key=lambda section: section.order):
        context = section.provider(deal, user)
        if context is not None:
            shown.append({"key": section.key, "template": section.template, "context": context})
    return shown
