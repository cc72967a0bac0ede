"""Merge fields and the sandboxed template engine that fills them in.

A template's subject and text are Django template source with a deliberately small language: variables
(`{{ customer_name }}`), a few filters (`default`, `upper`, `date`, `truncatechars` ...) and `if` / `firstof` /
`with`; no `load`, `include`, `extends`, `url`, `for` or `debug`. The context is a flat dict of plain values
(strings, numbers, dates), never a model instance, so a template can reach nothing but what it is given.
Unknown or empty merge fields render as empty text; `render()` reports them so the preview can warn.

Merge fields come from providers that apps register:

    merge.register({"tier": _("Member tier")}, provider)

where `provider(customers, language) -> {customer_id: {"tier": "Gold", ...}}` answers a whole batch of customers
in a few queries (a send renders thousands at a time). Values are formatted for `language` (money as text).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Template
from django.utils.translation import override

logger = logging.getLogger(__name__)


class SandboxEngine(Engine):
    # Not Django's default tags and filters: only what outreach/mergetags.py offers.
    default_builtins = []


ENGINE = SandboxEngine(
    dirs=[], app_dirs=False, loaders=[], libraries={}, builtins=["outreach.mergetags"], autoescape=False
)


class RecordingContext(Context):
    """A context that notes which names a template looked up, and which of them were missing."""

    def __init__(self, values: dict):
        super().__init__(values, autoescape=False)
        self.used: set[str] = set()
        self.missing: set[str] = set()

    def __getitem__(self, key):
        try:
            value = super().__getitem__(key)
        except KeyError:
            self.missing.add(key)
            raise
        self.used.add(key)
        return value


@dataclass
class Rendered:
    subject: str
    body: str
    unknown: list[str] = field(default_factory=list)  # names no provider offers: a typo, or an app not installed
    empty: list[str] = field(default_factory=list)  # known fields without a value for this recipient

    @property
    def warnings(self) -> list[str]:
        return [*self.unknown, *self.empty]


def compile_source(source: str) -> Template:
    """The compiled template; raises TemplateSyntaxError (with a readable message) for forbidden or broken tags."""
    return Template(source, engine=ENGINE)


def check(source: str) -> str:
    """An error message for `source`, or "" when it compiles in the sandbox."""
    try:
        compile_source(source)
    except TemplateSyntaxError as error:
        return str(error)
    return ""


def language_of(language: str | None) -> str:
    """One of the two languages templates are written in: "zh-hans" or "en"."""
    from django.conf import settings

    return "zh-hans" if (language or settings.LANGUAGE_CODE).lower().startswith("zh") else "en"


class Renderer:
    """A template's subject and text in one language, compiled once and rendered for many recipients."""

    def __init__(self, template, language: str):
        self.language = language_of(language)
        subject, body = template.text(self.language)
        self.subject = self._compile(subject)
        self.body = self._compile(body)

    @staticmethod
    def _compile(source: str) -> Template | None:
        try:
            return compile_source(source or "")
        except TemplateSyntaxError:  # checked on save; a template that still fails renders as nothing
            logger.exception("A message template does not compile")
            return None

    def render(self, values: dict) -> Rendered:
        """Subject and text with `values` filled in (dates and numbers formatted for the language)."""
        context = RecordingContext({key: "" if value is None else value for key, value in values.items()})
        with override(self.language):
            subject = " ".join(self._render(self.subject, context).split())[:200]  # a subject is one line
            body = self._render(self.body, context).strip()
        known = set(FIELDS)
        unknown = sorted(name for name in context.missing - known - BUILTIN_NAMES)
        empty = sorted(name for name in (context.used | context.missing) & known if values.get(name) in ("", None))
        return Rendered(subject, body, unknown, empty)

    @staticmethod
    def _render(template: Template | None, context: Context) -> str:
        if template is None:
            return ""
        try:
            return template.render(context)
        except Exception:  # a filter given a value it chokes on: the field stays empty rather than crash a send
            logger.exception("A message template failed to render")
            return ""


BUILTIN_NAMES = {"True", "False", "None"}


# --- the merge-field registry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeField:
    key: str
    label: object
    example: str = ""


FIELDS: dict[str, MergeField] = {}
PROVIDERS: list[Callable] = []


def register(fields: dict, provider: Callable, examples: dict | None = None) -> None:
    """Offer `fields` ({key: label}) to every template, filled by `provider(customers, language)`."""
    for key, label in fields.items():
        FIELDS[key] = MergeField(key, label, (examples or {}).get(key, ""))
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def fields() -> list[MergeField]:
    return sorted(FIELDS.values(), key=lambda merge_field: merge_field.key)


def contexts(customers: list, language: str, extra: dict | None = None) -> dict[int, dict]:
    """Merge values for each customer (by id), from every provider, plus `extra` (the caller's own values)."""
    values = {customer.pk: {} for customer in customers}
    if customers:
        with override(language):
            for provider in PROVIDERS:
                for pk, found in provider(customers, language).items():
                    if pk in values:
                        values[pk].update(found)
    for row in values.values():
        row.update(extra or {})
    return values


def examples() -> dict:
    """Example values of every field: what a template preview shows without a real customer."""
    return {merge_field.key: merge_field.example for merge_field in FIELDS.values()}
