"""Shared pieces of the outreach routers (input checks, pages and error documentation are the API's own:
crm_site/api)."""

from django.core.exceptions import ValidationError

from crm_site.api.common import ApiError


def invalid(detail: str, error: ValidationError, code: str = "") -> ApiError:
    """A 422 with the service's field errors."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return ApiError(422, {"detail": detail, "errors": errors, "code": code or getattr(error, "code", "") or ""})
