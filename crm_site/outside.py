"""Outside users: people of other companies who log in (a channel partner's agents). They land on their portal
and reach only the pages marked for them; the staff pages (my day, search, the directory ...) are not theirs.

A role is an outside one when `Role.outside` is set (crm_site.roles); a user is outside when every permission
they hold comes from outside roles. A view opens to outside users with `@outside_allowed`; their portal is a
navigation entry with `for_superusers=False` (crm_site.navigation), which is all their menu shows.
"""

from functools import wraps

from crm_site import roles


def is_outside(user) -> bool:
    """True for a logged-in user whose permissions all come from outside roles (read from the permission cache
    every page fills anyway: no query of its own)."""
    if not user.is_authenticated or user.is_superuser or user.is_staff:
        return False
    cached = getattr(user, "_crm_outside", None)
    if cached is None:
        permissions = user.get_all_permissions()
        cached = bool(permissions) and permissions <= roles.outside_permissions()
        user._crm_outside = cached
    return cached


def outside_allowed(view):
    """Let outside users open `view` (their portal, their account page, logging out)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.outside_allowed = True
    return wrapped
