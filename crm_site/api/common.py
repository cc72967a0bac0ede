"""Helpers shared by every app's API router."""

from ninja import Field, Schema, pagination
from ninja.errors import HttpError

from crm_site import masking
from crm_site.models import AccessLog

# Far beyond any list (the page list counts at most crm_site.pagination.COUNT_CAP rows), and small enough
# that (page - 1) * page size stays a 64-bit offset.
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 100


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


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers, bounded: `page` and `page_size` beyond their maximum are a 422, not a database error.

    Every paginated endpoint uses it (`@paginate(PageNumberPagination, page_size=50)`, or bare `@paginate`:
    settings.NINJA_PAGINATION_CLASS); tests/crm_site/test_api_errors.py checks every operation's `page`.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, page_size: int = 50, **kwargs):
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)


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
