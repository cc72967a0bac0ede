"""Sections other apps add to the customer 360 page (deals, promises, tickets, membership).

`register(key, template, provider, order)` from the app's ready(); `provider(customer, user) -> dict | None`.
"""

from crm_site.sections import SectionRegistry

CUSTOMER_SECTIONS = SectionRegistry()
register = CUSTOMER_SECTIONS.register


def sections(customer, user) -> list[dict]:
    return CUSTOMER_SECTIONS.shown(customer, user)
