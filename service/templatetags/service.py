"""Template filters of the service pages: a number of minutes as a readable duration."""

from django import template

register = template.Library()


@register.filter
def duration(minutes) -> str:
    from service.panels.myday import duration as as_text

    try:
        return as_text(int(minutes))
    except (TypeError, ValueError):
        return ""
