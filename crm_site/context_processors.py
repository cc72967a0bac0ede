from django.conf import settings

from crm_site.navigation import main, settings_menu, visible_items
from crm_site.outside import is_outside


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"CURRENCY": settings.CURRENCY}
    return {
        "nav_items": visible_items(user, main()),
        "settings_items": visible_items(user, settings_menu()),
        "outside_user": is_outside(user),
        "CURRENCY": settings.CURRENCY,
    }
