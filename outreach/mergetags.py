"""The only tags and filters message templates may use (outreach.merge.ENGINE): text shaping, no I/O, no loops."""

from django.template import Library, defaultfilters, defaulttags

from crm_site import formatting

register = Library()

for name in ("if", "firstof", "with", "comment", "now", "verbatim", "templatetag"):
    register.tag(name, defaulttags.register.tags[name])

for name in (
    "default",
    "default_if_none",
    "upper",
    "lower",
    "title",
    "capfirst",
    "date",
    "time",
    "truncatechars",
    "truncatewords",
    "yesno",
    "add",
    "cut",
    "slice",
):
    register.filter(name, defaultfilters.register.filters[name])


@register.filter
def money(value, decimals=2):
    """`{{ amount|money }}`: ¥2,663,538.00 (crm_site.formatting)."""
    return formatting.money(value, _places(decimals))


@register.filter
def number(value, decimals=0):
    return formatting.number(value, _places(decimals))


def _places(decimals) -> int:
    """Decimal places asked for by a template author, kept to 0–4 (a template must not ask for a million)."""
    try:
        return max(0, min(4, int(decimals)))
    except (TypeError, ValueError):
        return 2
