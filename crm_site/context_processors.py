from django.conf import settings

from crm_site.navigation import menus_for
from crm_site.outside import is_outside


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"CURRENCY": settings.CURRENCY}
    nav_items, settings_items = menus_for(user)
    return {
        "nav_items": nav_items,
        "settings_items": settings_items,
        "outside_user": is_outside(user),
        "CURRENCY": settings.CURRENCY,
    }
