from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from crm_site import myday
from crm_site.navigation import main, visible_items
from crm_site.outside import is_outside, outside_allowed


@outside_allowed
@login_required
def home(request):
    """My day: what needs the user's attention today, gathered from every app. Outside users (a partner's
    agents) land on their portal instead: the first entry of their menu."""
    if is_outside(request.user):
        landing = visible_items(request.user, main())
        return redirect(landing[0]["url"] if landing else "account")
    return render(request, "crm_site/home.html", {"panels": myday.panels(request.user)})
