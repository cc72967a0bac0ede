"""The public unsubscribe page (no login): a signed token withdraws marketing consent at once.

GET shows the page with one button (mail scanners that follow links must not unsubscribe anybody); POST withdraws,
which is also what mail clients do with the one-click List-Unsubscribe-Post header (RFC 8058): that POST carries
no CSRF token, and the signed token is the proof. A tampered token is refused; using it again is harmless.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from outreach.services import consent


def _language(request, data) -> str:
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return translation.get_language()
    return data.get("l") or translation.get_language()


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    data = consent.read_token(token)
    if data is None:
        return render(request, "outreach/unsubscribe_invalid.html", status=400)
    with translation.override(_language(request, data)):
        if request.method == "GET":
            return render(request, "outreach/unsubscribe.html", {"token": token})
        customer, withdrawn = consent.unsubscribe(token=token)
        if customer is None:
            return render(request, "outreach/unsubscribe_invalid.html", status=400)
        return render(request, "outreach/unsubscribe_done.html", {"withdrawn": withdrawn})
