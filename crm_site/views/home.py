from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from crm_site import home as landings
from crm_site import myday
from crm_site.navigation import main, visible_items
from crm_site.outside import is_outside, outside_allowed


@outside_allowed
@login_required
def home(request):
    """The home page sends each user where their work is: outside users (a partner's agents) to their portal
    (the first entry of their menu), roles with a registered landing page there (`crm_site.home`), everyone
    else to my day."""
    if is_outside(request.user):
        landing = visible_items(request.user, main())
        return redirect(landing[0]["url"] if landing else "account")
    landing = landings.landing_url(request.user)
    if landing:
        return redirect(landing)
    return my_day(request)


@login_required
def my_day(request):
    """My day: what needs the user's attention today, gathered from every app."""
    return render(request, "crm_site/home.html", {"panels": myday.panels(request.user)})
