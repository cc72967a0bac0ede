"""Files attached to an e-mail, rendered when it is delivered (not when it is queued): an app registers a renderer
under a name, a message carries specs naming it (`message_send(attachments=[{"kind": name, ...}])`).

A renderer takes the spec and the message's language and returns (file name, bytes, MIME type). The service app's
status letter (a PDF) is one: the letter is rendered in the buyer's language by the worker that sends it.
"""

from collections.abc import Callable

Renderer = Callable[[dict, str], tuple[str, bytes, str]]
_RENDERERS: dict[str, Renderer] = {}


def register(kind: str, renderer: Renderer) -> None:
    _RENDERERS[kind] = renderer


def check(specs) -> list[dict]:
    """The specs as stored on the message; ValueError for one no app registered (a programming error)."""
    specs = list(specs or [])
    for spec in specs:
        if not isinstance(spec, dict) or spec.get("kind") not in _RENDERERS:
            raise ValueError(f"No attachment renderer for {spec!r}")
    return specs


def render(spec: dict, language: str) -> tuple[str, bytes, str]:
    return _RENDERERS[spec["kind"]](spec, language)
