from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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


DROPDOWN = (
    '<li class="nav-item dropdown"><a class="nav-link dropdown-toggle{active}" href="{url}" role="button"'
    ' data-bs-toggle="dropdown" aria-expanded="false"><i class="bi bi-{icon} nav-label-icon"></i> {label}</a>'
    '<ul class="dropdown-menu">{entries}</ul></li>'
)
ENTRY = '<li><a class="dropdown-item{active}" href="{url}"><i class="bi bi-{icon}"></i> {label}</a></li>'
LINK = (
    '<li class="nav-item"><a class="nav-link{active}" href="{url}" title="{label}"><i class="bi bi-{icon}{icon_class}">'
    '</i> <span class="{span_class}">{label}</span>{badge}</a></li>'
)
BADGE = ' <span hx-get="{url}" hx-trigger="load" hx-swap="innerHTML" data-testid="nav-badge-{name}"></span>'
SETTINGS = (
    '<li class="nav-item dropdown"><a class="nav-link dropdown-toggle{active}" href="#" role="button"'
    ' data-bs-toggle="dropdown" aria-expanded="false" title="{label}"><i class="bi bi-gear nav-label-icon"></i>'
    ' <span>{label}</span></a><ul class="dropdown-menu">{entries}{admin}</ul></li>'
)
ADMIN = (
    '<li><hr class="dropdown-divider"></li><li><a class="dropdown-item" href="{url}"><i class="bi bi-tools"></i>'
    " {label}</a></li>"
)


@register.simple_tag(takes_context=True)
def main_menu(context) -> str:
    """The navbar's menus (crm_site.navigation, as the context processor lists them for the user), written in one
    pass: as template markup its forty-odd entries cost 1.5 ms of every page. The entry of the page being shown is
    marked active: a link by its view or path, a dropdown by the path, an entry of a dropdown by its view."""
    request = context.get("request")
    path = request.path if request is not None else ""
    match = getattr(request, "resolver_match", None)
    view_name = (match.view_name or "") if match is not None else ""
    parts = []
    for item in context.get("nav_items") or ():
        url, label, icon = escape(item["url"]), escape(item["label"]), escape(item["icon"])
        children = item["children"]
        if len(children) > 1:
            entries = "".join(
                ENTRY.format(
                    active=" active" if view_name == child["url_name"] else "",
                    url=escape(child["url"]),
                    icon=escape(child["icon"]),
                    label=escape(child["label"]),
                )
                for child in children
            )
            active = " active" if item["url"] in path else ""
            parts.append(DROPDOWN.format(active=active, url=url, icon=icon, label=label, entries=entries))
            continue
        active = view_name == item["url_name"] or (item["url"] != "/" and item["url"] in path)
        badge_url = item.get("badge_url")
        parts.append(
            LINK.format(
                active=" active" if active else "",
                url=url,
                label=label,
                icon=icon,
                icon_class="" if badge_url else " nav-label-icon",
                span_class="nav-label-roomy" if badge_url else "",
                badge=BADGE.format(url=escape(badge_url), name=escape(item["url_name"])) if badge_url else "",
            )
        )
    settings_items = context.get("settings_items")
    if settings_items:
        entries = "".join(
            ENTRY.format(active="", url=escape(item["url"]), icon=escape(item["icon"]), label=escape(item["label"]))
            for item in settings_items
        )
        user = context.get("user")
        admin = (
            ADMIN.format(url=escape(reverse("admin:index")), label=escape(gettext("Administration")))
            if user is not None and user.is_staff
            else ""
        )
        parts.append(
            SETTINGS.format(
                active=" active" if "/settings/" in path else "",
                label=escape(gettext("Settings")),
                entries=entries,
                admin=admin,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 -- every label and address is escaped above
