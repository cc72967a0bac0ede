from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from crm_site import myday


@login_required
def home(request):
    """My day: what needs the user's attention today, gathered from every app."""
    return render(request, "crm_site/home.html", {"panels": myday.panels(request.user)})
