"""Shared pieces of the outreach routers: text that refuses NUL characters, bounded pages, documented errors."""

from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, Field

from crm_site.api.common import ApiError


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


class ErrorOut(Schema):
    detail: str


class FieldErrorsOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)
    code: str = ""


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class Pages(PageNumberPagination):
    """Page numbers within a sane range (a huge page number is refused with 422, never a database error)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=200)


def invalid(detail: str, error: ValidationError, code: str = "") -> ApiError:
    """A 422 with the service's field errors."""
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return ApiError(422, {"detail": detail, "errors": errors, "code": code or getattr(error, "code", "") or ""})
