"""Audiences: who a send goes to, as a registry other apps add to without editing outreach.

    audiences.register("member_tier", _("Members of a tier"), form_fields, resolver)

`form_fields` is a dict of form fields, or a callable `(user) -> dict` (to offer only what the user may
choose); `resolver(user, params) -> QuerySet[Customer]` answers the audience within `user`'s data scope, given
the cleaned form values. A send stores the raw form values and resolves them again when it starts, so a
scheduled send reaches whoever matches at that moment. Consent and addresses are applied afterwards by the
sender, not by the resolver.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Audience:
    key: str
    label: object
    form_fields: object  # dict of fields, or (user) -> dict
    resolver: Callable
    order: int = 50
    permission: str | None = None  # only users holding it may choose this audience

    def fields_for(self, user) -> dict:
        return self.form_fields(user) if callable(self.form_fields) else dict(self.form_fields)


AUDIENCES: dict[str, Audience] = {}


def register(
    key: str,
    label,
    form_fields,
    resolver: Callable,
    *,
    order: int = 50,
    permission: str | None = None,
) -> None:
    AUDIENCES[key] = Audience(key, label, form_fields, resolver, order, permission)


def available(user) -> list[Audience]:
    """The audiences `user` may choose, in order."""
    return [
        audience
        for audience in sorted(AUDIENCES.values(), key=lambda audience: (audience.order, audience.key))
        if not audience.permission or user.has_perm(audience.permission)
    ]


def get(key: str) -> Audience:
    try:
        return AUDIENCES[key]
    except KeyError:
        raise ValidationError({"audience": _("Choose an audience.")}) from None


class AudienceForm(forms.Form):
    """The fields of one audience, prefixed with its key (every audience's fields can share one page)."""

    def __init__(self, *args, audience: Audience, user, **kwargs):
        kwargs.setdefault("prefix", audience.key)
        super().__init__(*args, **kwargs)
        self.audience = audience
        for name, field in audience.fields_for(user).items():
            self.fields[name] = field

    def params(self) -> dict:
        """The submitted values as stored on the send (the raw strings, keyed by field name)."""
        return {name: self.data.getlist(self.add_prefix(name)) if self._multiple(name) else
                self.data.get(self.add_prefix(name), "") for name in self.fields}  # fmt: skip

    def _multiple(self, name) -> bool:
        return isinstance(self.fields[name], forms.MultipleChoiceField) and hasattr(self.data, "getlist")

    def describe(self) -> str:
        """The chosen values in one line ("Hot prospects", "翠湖天地 · T1 · Tenants too"), shown after the
        audience's own (translated) label in lists and reports."""
        parts = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", [], False):
                continue
            parts.append(str(field.label) if isinstance(value, bool) else str(value))
        return " · ".join(parts)[:300]


def form(key: str, user, data=None) -> AudienceForm:
    """The bound (or empty) form of audience `key`; `data` is a request's POST or a send's stored params."""
    audience = get(key)
    if data is not None and not hasattr(data, "getlist"):  # stored params: a plain dict without the prefix
        data = {f"{audience.key}-{name}": value for name, value in data.items()}
    return AudienceForm(data, audience=audience, user=user)


def resolve(key: str, user, params: dict) -> tuple[QuerySet, str]:
    """(customers, description) of audience `key` with stored `params`, in `user`'s scope; ValidationError when
    the values no longer hold (a saved filter deleted, a project closed)."""
    bound = form(key, user, params)
    if not bound.is_valid():
        errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in bound.errors.items())
        raise ValidationError(_("The audience is no longer valid (%(errors)s).") % {"errors": errors})
    return bound.audience.resolver(user, bound.cleaned_data), bound.describe()
