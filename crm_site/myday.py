"""The "my day" home page is assembled from panels that each app registers.

A panel is a title, an icon, an empty-state text and a provider `(user) -> list[PanelItem]`.
The foundation declares the panels of people who work customer files; apps fill them (and add their own)
by calling `register()` from their AppConfig.ready().

Each role sees only panels that can fill for it: a panel names the `permission` of the work it lists
(a follow-up panel means nothing to someone who never logs a contact), may add a `visible(user)` rule
for what a permission cannot say (e.g. "manages a team"), and a panel nobody fills is not shown.
A `counter(user)` gives the real number of waiting things for the badge when the list is cut short (it is not
asked otherwise), and a
`link(user)` the address of the whole list ("See all") shown under a panel that has items.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

MAX_ITEMS = 10


@dataclass
class PanelItem:
    title: str
    url: str = ""
    detail: str = ""
    when: object = None
    urgent: bool = False


@dataclass
class Panel:
    key: str
    title: str
    icon: str
    empty: str
    order: int = 50
    permission: str | None = None  # shown only to users who hold it
    visible: Callable | None = None  # (user) -> bool: a rule beyond the permission
    counter: Callable | None = None  # (user) -> int: how many are waiting in all
    link: Callable | None = None  # (user) -> str: the page with all of them
    providers: list[Callable] = field(default_factory=list)

    def shown_to(self, user) -> bool:
        if not self.providers:
            return False
        if self.permission and not user.has_perm(self.permission):
            return False
        return self.visible is None or bool(self.visible(user))


PANELS: dict[str, Panel] = {}


def declare(
    key: str,
    title,
    icon: str,
    empty,
    order: int = 50,
    permission: str | None = None,
    *,
    visible: Callable | None = None,
    counter: Callable | None = None,
    link: Callable | None = None,
) -> None:
    PANELS.setdefault(key, Panel(key, title, icon, empty, order, permission, visible, counter, link))


def register(key: str, provider: Callable) -> None:
    """Add `provider(user) -> list[PanelItem]` to panel `key`."""
    if provider not in PANELS[key].providers:
        PANELS[key].providers.append(provider)


declare(
    "followups",
    _("Follow-ups due"),
    "telephone-outbound",
    _("No follow-ups due. Well done."),
    10,
    permission="customers.add_interaction",
)
declare(
    "visits",
    _("Visits planned today"),
    "geo-alt",
    _("No visits planned for today."),
    20,
    permission="customers.add_visitplan",
)
declare(
    "tickets",
    _("Tickets near SLA breach"),
    "life-preserver",
    _("No tickets are close to their deadline."),
    30,
    permission="service.view_ticket",
)


def panels(user) -> list[dict]:
    """The panels `user` sees, in order, each with its first MAX_ITEMS items and the number waiting."""
    shown = []
    for panel in sorted(PANELS.values(), key=lambda panel: panel.order):
        if not panel.shown_to(user):
            continue
        items = []
        for provider in panel.providers:
            items.extend(provider(user))
        # The counter's query only when the list may be cut short (a provider reads MAX_ITEMS + 1, or MAX_ITEMS with
        # a "more" line of its own): a shorter list is its own count.
        count = panel.counter(user) if panel.counter and len(items) >= MAX_ITEMS else len(items)
        shown.append(
            {
                "panel": panel,
                "items": items[:MAX_ITEMS],
                "more": max(0, len(items) - MAX_ITEMS),
                "count": count,
                "link": panel.link(user) if panel.link and items else "",
            }
        )
    return shown
