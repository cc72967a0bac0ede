"""Sections of the deal page that other parts of sales contribute (payment schedule, promises, commission).

Parts register theirs from their panels module (imported at start-up by sales/apps.py):
`register(key, template, provider, order)`, where `provider(deal, user) -> dict | None` (None hides it).
"""

from crm_site.sections import SectionRegistry

DEAL_SECTIONS = SectionRegistry()
register = DEAL_SECTIONS.register


def sections(deal, user) -> list[dict]:
    return DEAL_SECTIONS.shown(deal, user)
