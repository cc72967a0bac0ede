from django.conf import settings

from crm_site.navigation import NAV, SETTINGS_NAV, visible_items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"CURRENCY": settings.CURRENCY}
    return {
        "nav_items": visible_items(user, NAV),
        "settings_items": visible_items(user, SETTINGS_NAV),
        "CURRENCY": settings.CURRENCY,
    }
