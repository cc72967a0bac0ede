"""Helpers shared by every app's API router."""

from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination

from crm_site import masking
from crm_site.models import AccessLog


def require_perm(request, permission: str) -> None:
    """403 unless the acting user holds `permission` (rows are still limited by scope)."""
    if not request.user.has_perm(permission):
        raise HttpError(403, "Your role may not use this endpoint.")


class ApiError(Exception):
    """An error answered as JSON `body` with `status` (e.g. 409 with field errors)."""

    def __init__(self, status: int, body: dict):
        super().__init__(body.get("detail", ""))
        self.status = status
        self.body = body


class RevealingPagination(PageNumberPagination):
    """Page numbers, plus masking of the page's sensitive fields (the model's `sensitive_fields`)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        result = super().paginate_queryset(queryset, pagination, request, **params)
        fields = getattr(queryset.model, "sensitive_fields", ())
        if fields:
            result["items"] = masking.reveal(
                request.user, list(result["items"]), fields, purpose=AccessLog.Purpose.API, request=request
            )
        return result
