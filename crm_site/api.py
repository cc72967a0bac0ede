"""The JSON API at /api/v1/: bearer tokens, the same data scope as the pages, OpenAPI at openapi.json.

Each app contributes a router (module `<app>.api`, attribute `router`), mounted here.
"""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from crm_site.api_common import ApiError
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


api.add_router("/staff/", "crm_site.api_staff.router")
api.add_router("/customers/", "customers.api.router")
api.add_router("/inquiries/", "customers.api_inquiries.router")
api.add_router("/inventory/", "sales.api_inventory.router")
api.add_router("/funnel/", "sales.api_funnel.router")
api.add_router("/money/", "sales.api_money.router")
api.add_router("/promises/", "sales.api_promises.router")
api.add_router("/partners/", "sales.api_partners.router")
