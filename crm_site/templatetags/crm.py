from django import template

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
