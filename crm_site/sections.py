"""Sections that other apps contribute to a record's page (the customer 360 page, the deal page).

A section is a template and a provider `(record, user) -> dict | None` (None hides it). The page renders
`{% for section in sections %}{% include section.template with ctx=section.context %}{% endfor %}`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    provider: Callable
    order: int = 50


class SectionRegistry:
    def __init__(self):
        self.sections: dict[str, Section] = {}

    def register(self, key: str, template: str, provider: Callable, order: int = 50) -> None:
        self.sections[key] = Section(key, template, provider, order)

    def shown(self, record, user) -> list[dict]:
        """The registered sections with something to show, in order, each with its template and context."""
        result = []
        for section in sorted(self.sections.values(), key=lambda section: section.order):
            context = section.provider(record, user)
            if context is not None:
                result.append({"key": section.key, "template": section.template, "context": context})
        return result
