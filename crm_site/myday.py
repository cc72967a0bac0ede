"""The "my day" home page is assembled from panels that each app registers.

A panel is a title, an icon, an empty-state text and a provider `(user) -> list[PanelItem]`.
The foundation declares the three panels every role expects; apps fill them (and add their own)
by calling `register()` from their AppConfig.ready().
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
    providers: list[Callable] = field(default_factory=list)


PANELS: dict[str, Panel] = {}


def declare(key: str, title, icon: str, empty, order: int = 50, permission: str | None = None) -> None:
    PANELS.setdefault(key, Panel(key, title, icon, empty, order, permission))


def register(key: str, provider: Callable) -> None:
    """Add `provider(user) -> list[PanelItem]` to panel `key`."""
    if provider not in PANELS[key].providers:
        PANELS[key].providers.append(provider)


declare("followups", _("Follow-ups due"), "telephone-outbound", _("No follow-ups due. Well done."), 10)
declare("visits", _("Visits planned today"), "geo-alt", _("No visits planned for today."), 20)
declare(
    "tickets",
    _("Tickets near SLA breach"),
    "life-preserver",
    _("No tickets are close to their deadline."),
    30,
)


def panels(user) -> list[dict]:
    shown = []
    for panel in sorted(PANELS.values(), key=lambda panel: panel.order):
        if panel.permission and not user.has_perm(panel.permission):
            continue
        items = []
        for provider in panel.providers:
            items.extend(provider(user))
        shown.append({"panel": panel, "items": items[:MAX_ITEMS], "more": max(0, len(items) - MAX_ITEMS)})
    return shown
