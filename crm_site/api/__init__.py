"""The JSON API at /api/v1/: bearer tokens, the same data scope as the pages, OpenAPI at openapi.json.

Each app lists its routers in its AppConfig (`api_routers = [(prefix, "app.api.part.router")]`), mounted here.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from crm_site.api.common import ApiError
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


api = NinjaAPI(
    title="Estate CRM API",
    version="1",
    description=str(_("Scoped JSON access to the CRM. Authenticate with `Authorization: Bearer <token>`.")),
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


api.add_router("/staff/", "crm_site.api.staff.router")
# Each domain app names its routers in its AppConfig (`api_routers`): the foundation imports none of them.
for config in apps.get_app_configs():
    for prefix, router in getattr(config, "api_routers", ()):
        api.add_router(prefix, router)
