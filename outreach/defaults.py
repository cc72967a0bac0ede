"""Templates that code relies on, registered with their default text: an admin may reword them, never lose them.

An app that sends a message by key registers the key's default at start-up (from its `panels` package):

    defaults.register("ticket.assigned", name=..., kind=Kind.SERVICE, channel=Channel.IN_APP,
                      subject_en=..., subject_zh=..., body_en=..., body_zh=...)

`template_for(key)` answers the saved template of that key (edited in Outreach → Templates) when there is an
active one, else the registered default; the templates page offers each default to customise.
"""

from outreach.models import MessageTemplate

DEFAULTS: dict[str, dict] = {}


def register(key: str, **fields) -> None:
    """Declare template `key` with its default name, kind, channel, subjects and texts."""
    DEFAULTS[key] = fields


def default(key: str) -> MessageTemplate | None:
    """The registered default of `key` as an unsaved template, or None."""
    if key not in DEFAULTS:
        return None
    return MessageTemplate(key=key, **DEFAULTS[key])


def template_for(key: str) -> MessageTemplate | None:
    """The active saved template `key`, else its registered default, else None."""
    saved = MessageTemplate.objects.filter(key=key).first()
    if saved is not None:
        return saved if saved.active else None
    return default(key)


def uncustomised() -> list[MessageTemplate]:
    """Registered defaults that have no saved template yet (the templates page lists them to customise)."""
    saved = set(MessageTemplate.objects.filter(key__in=list(DEFAULTS)).values_list("key", flat=True))
    return [default(key) for key in sorted(DEFAULTS) if key not in saved]
