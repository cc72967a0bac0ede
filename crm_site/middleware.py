import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from crm_site.outside import is_outside


class IdleTimeoutMiddleware:
    """Log a user out after SESSION_IDLE_TIMEOUT seconds without a request (Django has no idle timeout)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen", now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were logged out after a period of inactivity."))
            elif now - last_seen > 60 or "last_seen" not in request.session:
                # Writing once a minute keeps most requests from saving the session.
                request.session["last_seen"] = now
        return self.get_response(request)


class NulFreeQueryMiddleware:
    """Pages read query parameters (search boxes, filters) straight into queries, and PostgreSQL text cannot hold a
    NUL character: drop it from every GET value here, once, instead of a 500 on whichever page forgot. Forms refuse
    NUL in posted fields with a message (Django's CharField); the API answers 422 naming the parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") and not request.path_info.startswith("/api/"):
            cleaned = request.GET.copy()
            for key in list(cleaned):
                cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in cleaned.getlist(key)])
                if "\x00" in key:
                    del cleaned[key]
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for a logged-in user hold customer data: browsers and proxies must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            response.setdefault("Cache-Control", "no-store")
        return response


class PagesLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a login, except the API, which answers 401 by its own token check."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class OutsideUsersMiddleware:
    """Outside users (a partner's agents, crm_site.outside) reach only the views marked for them: any other page
    sends them to their portal (home does), a write is refused. The API checks its own token and permissions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/") or not is_outside(request.user):
            return None
        if getattr(view_func, "outside_allowed", False) or getattr(view_func, "login_required", True) is False:
            return None
        if request.method in ("GET", "HEAD"):
            return redirect("home")
        raise PermissionDenied
