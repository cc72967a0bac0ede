"""The JSON API at /api/v1/: bearer tokens, the same data scope as the pages, OpenAPI at openapi.json.

Each app lists its routers in its AppConfig (`api_routers = [(prefix, "app.api.part.router")]`), mounted here.
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation, ValidationError
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from crm_site.api import errors, inputs
from crm_site.api.common import MAX_PAGE, ApiError
from crm_site.models import ApiToken
from crm_site.models.tokens import hash_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; the token's user acts, with their scope and permissions."""

    def authenticate(self, request, token):
        row = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token), revoked=False).first()
        if row is None or not row.user.is_active:
            return None
        row.touch()
        request.user = row.user
        return row.user


# The API's description on its docs page, in LANGUAGE_CODE: how to authenticate, what input is read how, the errors.
DESCRIPTION_PARAGRAPHS = [
    _("Scoped JSON access to the CRM. Authenticate with `Authorization: Bearer <token>`."),
    _(
        "**Dates and times.** A date-time without a time zone (`2026-12-06T10:00:00`) is read in the server's "
        "time zone, %(time_zone)s; send an offset (`+08:00`, `Z`) to mean another one. Date-times are answered "
        "with their offset. Dates and date-times outside %(min_date)s to %(max_date)s (in %(time_zone)s) are "
        "refused with 422."
    ),
    _(
        "**Input limits.** Text may not contain the NUL character (`\\u0000`); integers fit in 64 bits; decimals "
        "have at most %(decimal_digits)s digits before and after the point, and are finite; `page` is at most "
        "%(max_page)s. Breaking a limit is a 422."
    ),
    _(
        '**Errors** are JSON: `{"detail": "..."}` for 400, 401, 403 and 404; 422 for invalid input, either '
        '`{"detail": [{"type", "loc", "msg"}]}` (the schema\'s checks, `loc` naming the field) or '
        '`{"detail": "...", "errors": {field: [messages]}}` (the rules behind the endpoint); 409 for a conflict '
        "with existing data, with `errors` too; 500 with an `error_id` that is in the server log."
    ),
]
DESCRIPTION_VALUES = {
    "time_zone": settings.TIME_ZONE,
    "min_date": inputs.MIN_DATE.isoformat(),
    "max_date": inputs.MAX_DATE.isoformat(),
    "decimal_digits": inputs.MAX_DECIMAL_DIGITS,
    "max_page": MAX_PAGE,
}


class CrmApi(NinjaAPI):
    """NinjaAPI whose every operation gets the shared input check (inputs.py) and documented error answers."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_decorator(inputs.install, mode="view")

    def get_openapi_schema(self, **kwargs):
        return errors.document(super().get_openapi_schema(**kwargs))

    def _get_urls(self):
        # Last: a path under the API that names no endpoint answers JSON 404, not the HTML page.
        return [*super()._get_urls(), re_path(r"^", errors.not_found)]


api = CrmApi(
    title="Estate CRM API",
    version="1",
    description="\n\n".join(str(paragraph) % DESCRIPTION_VALUES for paragraph in DESCRIPTION_PARAGRAPHS),
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(ApiError)
def api_error(request, exc):
    return api.create_response(request, exc.body, status=exc.status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "Authentication required: send Authorization: Bearer <token>."}, status=401
    )


# Exceptions no endpoint translated: still JSON, never Django's HTML pages (the most specific class wins).
api.add_exception_handler(PermissionDenied, errors.forbidden)
api.add_exception_handler(ValidationError, errors.rule_broken)
api.add_exception_handler(SuspiciousOperation, errors.bad_request)
api.add_exception_handler(BadRequest, errors.bad_request)
api.add_exception_handler(Exception, errors.server_error)

api.add_router("/staff/", "crm_site.api.staff.router")
# Each domain app names its routers in its AppConfig (`api_routers`): the foundation imports none of them.
for config in apps.get_app_configs():
    for prefix, router in getattr(config, "api_routers", ()):
        api.add_router(prefix, router)
