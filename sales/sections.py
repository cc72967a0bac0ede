"""Sections of sales pages that other parts of sales, and other apps, contribute.

- the deal page (payment schedule, promises, commission): `register(key, template, provider, order)`;
- the campaign page (e.g. outreach's sends attributed to the campaign): `CAMPAIGN_SECTIONS.register(...)`;
- the project page (e.g. outreach's announcements to its buyers): `PROJECT_SECTIONS.register(...)`.
`provider(record, user) -> dict | None` (None hides it); register from the app's panels (imported at start-up).
"""

from crm_site.sections import SectionRegistry

DEAL_SECTIONS = SectionRegistry()
CAMPAIGN_SECTIONS = SectionRegistry()
PROJECT_SECTIONS = SectionRegistry()
register = DEAL_SECTIONS.register


def sections(deal, user) -> list[dict]:
    return DEAL_SECTIONS.shown(deal, user)
