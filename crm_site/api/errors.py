"""What the API answers when it does not answer 2xx, and the OpenAPI description of it.

`document` adds the error responses to every operation of the OpenAPI document (so endpoints added later
get them without declaring them); `server_error` is the JSON 500, with an id that is also in the log.
"""

import logging
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import JsonResponse
from django.urls import resolve
from django.views.decorators.csrf import csrf_exempt
from ninja import Schema
from pydantic import Field

logger = logging.getLogger("crm_site.api")


class ErrorDetail(Schema):
    """400, 401, 403, 404: what went wrong, in one sentence."""

    detail: str


class FieldErrors(Schema):
    """409, and the 422s a rule behind the endpoint gives: a sentence, and messages per field."""

    detail: str
    errors: dict[str, Any] = Field(default_factory=dict, description="Messages per field name.")


class ValidationIssue(Schema):
    type: str = Field(description="Machine-readable kind, e.g. missing, string_too_long, string_nul.")
    loc: list[str | int] = Field(description='Where: ["body", "payload", "name"], ["query", "page"], ["path", "id"].')
    msg: str
    ctx: dict[str, Any] | None = Field(None, description="The limit that was broken, when there is one.")


class ValidationErrors(Schema):
    """422 for input that does not match the schema: one issue per field."""

    detail: list[ValidationIssue]


class ServerError(Schema):
    """500: an unexpected error; quote error_id when reporting it (it is in the server log)."""

    detail: str
    error_id: str


def forbidden(request, exc: PermissionDenied) -> JsonResponse:
    """403 for a PermissionDenied a service raised and the endpoint did not translate."""
    return JsonResponse({"detail": str(exc) or "Your role may not do this."}, status=403)


def rule_broken(request, exc: ValidationError) -> JsonResponse:
    """422 for a rule (a Django ValidationError) the endpoint did not translate: the messages per field."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return JsonResponse({"detail": " ".join(exc.messages), "errors": errors}, status=422)


def bad_request(request, exc: Exception) -> JsonResponse:
    """400 for a malformed request (a body beyond DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields), logged as Django does."""
    if isinstance(exc, SuspiciousOperation):
        logging.getLogger(f"django.security.{type(exc).__name__}").error(str(exc))
    return JsonResponse({"detail": str(exc) or "Bad request."}, status=400)


def server_error(request, exc: BaseException | None = None) -> JsonResponse:
    """The 500 answer for `exc` (the exception being handled when None), logged with its traceback and an id."""
    error_id = uuid.uuid4().hex[:16]
    logger.error(
        "API error %s on %s %s", error_id, request.method, request.path, exc_info=exc if exc is not None else True
    )
    body = {"detail": f"Internal error. Quote {error_id} when reporting it.", "error_id": error_id}
    return JsonResponse(body, status=500)


@csrf_exempt  # like the API's endpoints: a POST to a wrong path is a 404, not a CSRF page
def not_found(request, *args, **kwargs) -> JsonResponse:
    """404 for a path under the API that names no endpoint (instead of the HTML page, or APPEND_SLASH's redirect,
    which a POST cannot follow): with the endpoint's path when only the final slash is missing."""
    detail = "Not Found"
    if not request.path_info.endswith("/"):
        match = resolve(f"{request.path_info}/")
        if match.func is not not_found:
            detail = f"Not Found. Did you mean {request.path}/ ?"
    return JsonResponse({"detail": detail}, status=404)


_MODELS = {
    "ErrorDetail": ErrorDetail,
    "FieldErrors": FieldErrors,
    "ValidationErrors": ValidationErrors,
    "ServerError": ServerError,
}


def _response(description: str, *names: str) -> dict:
    refs = [{"$ref": f"#/components/schemas/{name}"} for name in names]
    schema = refs[0] if len(refs) == 1 else {"anyOf": refs}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _responses(method: str, operation: dict) -> dict[str, dict]:
    """The error responses an operation can give, from what it takes (path ids, a body) and its method."""
    parameters = operation.get("parameters", [])
    result = {
        "400": _response("Malformed: a body that is not JSON or too large, too many parameters.", "ErrorDetail"),
        "401": _response("No valid `Authorization: Bearer <token>`.", "ErrorDetail"),
        "403": _response("The token's role may not use this endpoint, or a rule forbids this change.", "ErrorDetail"),
    }
    if any(parameter.get("in") == "path" for parameter in parameters):
        result["404"] = _response("No such row in your data scope.", "ErrorDetail")
    if method != "get":
        result["409"] = _response("The change conflicts with existing data (a duplicate, a taken unit).", "FieldErrors")
    if parameters or "requestBody" in operation:
        result["422"] = _response(
            "Invalid input: see `detail` (or `errors` per field).", "ValidationErrors", "FieldErrors"
        )
    result["500"] = _response("Unexpected error; quote `error_id`.", "ServerError")
    return result


def document(schema: dict) -> dict:
    """`schema` (an OpenAPI document) with the error responses and their bodies added to every operation."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, model in _MODELS.items():
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(definition.pop("$defs", {}))
        components.setdefault(name, definition)
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            responses = {str(status): response for status, response in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status, response in _responses(method, operation).items():
                responses.setdefault(status, response)
    return schema
