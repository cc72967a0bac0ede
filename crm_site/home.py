"""Where each role lands: the home page ("/") sends a user to the first landing page their permissions
open, and to "my day" when none does.

Apps register landing pages from their `panels` package at start-up:
`register(permission="analytics.view_company_dashboard", url_name="analytics:company", order=10)`.
The lowest order whose permission the user holds wins. "My day" stays reachable for everyone at
`/my-day/` (its menu entry points there), so a landing page never hides a user's follow-ups.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Landing:
    permission: str
    url_name: str
    order: int = 50


LANDINGS: dict[str, Landing] = {}


def register(*, permission: str, url_name: str, order: int = 50) -> None:
    LANDINGS[url_name] = Landing(permission, url_name, order)


def landing_url(user) -> str | None:
    """The URL of the user's landing page, or None for "my day"."""
    for landing in sorted(LANDINGS.values(), key=lambda landing: (landing.order, landing.url_name)):
        if user.has_perm(landing.permission):
            return reverse(landing.url_name)
    return None
