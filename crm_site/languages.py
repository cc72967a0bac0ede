"""Each staff member's language (StaffProfile.language): what they read the CRM in and what is sent to them.

- `staff_language(user)` answers "in which language do we write to this person": their profile's language, or the
  site's (LANGUAGE_CODE) when they chose none. Every message or file made for a staff recipient (scheduled
  reports, notifications) is rendered in it; messages to customers follow their own rules (outreach).
- `staff_language_set(user=, language=)` stores a choice (the language switcher and the "My profile" page).
- Logging in applies the stored language: `_apply_on_login` activates it for the login request and
  `LoginLanguageMiddleware` writes it to the language cookie, which Django's LocaleMiddleware reads on every later
  request. Nothing is read per request: the profile comes with the user (crm_site.auth.CrmModelBackend) and is
  looked at only when someone logs in.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _

from crm_site.models import StaffProfile


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def stored_language(user) -> str:
    """The language `user` chose ("" for none, or for a user without a profile); no query when the profile is
    already loaded with the user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    try:
        language = user.staff.language
    except StaffProfile.DoesNotExist:
        return ""
    return language if language in language_codes() else ""


def staff_language(user) -> str:
    """The language to write to staff member `user` in: the one they chose, else the site's language."""
    return stored_language(user) or settings.LANGUAGE_CODE


def staff_language_set(*, user, language: str) -> StaffProfile:
    """Store `language` ("" for the site's language) as `user`'s language."""
    if language and language not in language_codes():
        raise ValidationError(
            {
                "language": _("Choose one of the languages offered: %(codes)s.")
                % {"codes": ", ".join(sorted(language_codes()))}
            }
        )
    try:
        profile = user.staff  # the one the request's user holds, so the rest of the request sees the change
    except StaffProfile.DoesNotExist:
        profile = StaffProfile.objects.create(user=user)
    if profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])
    return profile


@receiver(user_logged_in)
def _apply_on_login(sender, request, user, **kwargs):
    language = stored_language(user)
    if request is None or not language:
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language
    request.crm_login_language = language  # LoginLanguageMiddleware puts it in the cookie


class LoginLanguageMiddleware:
    """Set the language cookie to the stored language of a user who has just logged in (see `_apply_on_login`);
    other requests pass untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, "crm_login_language", "")
        if language:
            set_language_cookie(response, language)
        return response


def set_language_cookie(response, language: str) -> None:
    """The cookie Django's set_language writes, with the same settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
