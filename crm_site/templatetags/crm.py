from django import template

from crm_site import formatting
from crm_site.roles import role_label as _role_label

register = template.Library()


@register.filter
def role_label(code: str) -> str:
    return _role_label(code)


@register.inclusion_tag("partials/breadcrumbs.html")
def breadcrumbs(*parts):
    """`{% breadcrumbs label1 url1 label2 url2 current %}`: links, then the current page."""
    crumbs = [(parts[index], parts[index + 1]) for index in range(0, len(parts) - 1, 2)]
    if len(parts) % 2:
        crumbs.append((parts[-1], ""))
    return {"crumbs": crumbs}


@register.filter
def person(user) -> str:
    """A user's full name, else username; an em dash for nobody."""
    if user is None or user == "":
        return "—"
    return user.get_full_name() or user.get_username()


@register.simple_tag
def filter_widget(bound_field):
    """A filter field's <input> or <select>, built directly: list pages redraw filters on every keystroke,
    and Django's per-option widget templates cost a millisecond or more per field."""
    from django import forms
    from django.utils.html import format_html, format_html_join

    field = bound_field.field
    widget = field.widget
    value = bound_field.value()
    name, html_id = bound_field.html_name, bound_field.auto_id
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        current = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((choice, " selected" if str(choice) == current else "", label) for choice, label in widget.choices),
        )
        return format_html(
            '<select name="{}" id="{}" class="form-select form-select-sm">{}</select>', name, html_id, options
        )
    if isinstance(widget, forms.Textarea):
        return format_html(
            '<textarea name="{}" id="{}" rows="{}" class="form-control{}">{}</textarea>',
            name,
            html_id,
            widget.attrs.get("rows", 3),
            " is-invalid" if bound_field.errors else "",
            "" if value is None else value,
        )
    input_type = widget.attrs.get("type") or getattr(widget, "input_type", "text")
    if hasattr(widget, "format_value"):
        value = widget.format_value(value)
    extra = widget.attrs
    return format_html(
        '<input type="{}" name="{}" id="{}" value="{}" class="form-control form-control-sm"{}{}>',
        input_type,
        name,
        html_id,
        "" if value in (None, "") else value,
        format_html(' placeholder="{}"', extra["placeholder"]) if extra.get("placeholder") else "",
        format_html(' maxlength="{}"', extra["maxlength"]) if extra.get("maxlength") else "",
    )


@register.filter
def money(value, decimals=2):
    """`{{ amount|money }}` ¥2,663,538.00; `{{ amount|money:0 }}` ¥2,663,538 (crm_site.formatting)."""
    return formatting.money(value, int(decimals))


@register.filter
def wan(value):
    """`{{ price|wan }}`: 560万 in Chinese, ¥5.6M in English."""
    return formatting.wan(value)


@register.filter
def number(value, decimals=0):
    """`{{ count|number }}`: 12,345 with the language's separators."""
    return formatting.number(value, int(decimals))


@register.filter
def figure(value):
    """`{{ cell|figure }}`: a table cell of unknown kind, numbers with the language's separators."""
    return formatting.figure(value)


@register.simple_tag
def wan_range(low, high):
    """`{% wan_range intent.budget_min intent.budget_max %}`: 500万–700万, or "any"."""
    return formatting.wan_range(low, high)


@register.simple_tag
def span(low, high, unit=""):
    """`{% span unit.floor_min unit.floor_max %}`: 3–12, ≥ 90 m², or "any"."""
    return formatting.span(low, high, unit)


@register.simple_tag
def readable_audit(entries):
    """`{% readable_audit entries as rows %}`: audit entries with names, labels and local times (crm_site.auditview)."""
    from crm_site.auditview import readable

    return readable(entries)
