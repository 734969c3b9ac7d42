"""One shape for every API error:

    {"detail": "what went wrong", "errors": {"field": ["what is wrong with it"]}}

`errors` appears for 400s; 409 adds `state`; 412 adds `current_version`.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from agencies.access import AccessDenied
from common import errors
from common.api.limits import limit_error
from common.request_context import current_request_id


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {
            ("non_field_errors" if key == "__all__" else key): (
                _field_errors(value)
                if isinstance(value, dict)
                else [str(v) for v in value]
                if isinstance(value, list)
                else [str(value)]
            )
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {"non_field_errors": [str(detail)]}


def _error(status_code: int, detail: str, **extra) -> Response:
    return Response({"detail": detail, **extra}, status=status_code)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        errors_by_field = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return _error(400, "Invalid input.", errors=_field_errors(errors_by_field))
    if isinstance(exc, errors.NotFound | Http404):
        return _error(404, "Not found.")
    if isinstance(exc, AccessDenied):
        # A service refused an action on a record the view had already found: the
        # caller may know it exists but may not act on it.
        return _error(403, "You do not have permission to do this.")
    if isinstance(exc, errors.InvalidState):
        return _error(409, exc.message, state=exc.state)
    if isinstance(exc, errors.PreconditionRequired):
        return _error(428, exc.message)
    if isinstance(exc, errors.PreconditionFailed):
        return _error(412, exc.message, current_version=exc.current_version)
    if isinstance(exc, errors.IdempotencyKeyMismatch):
        return _error(422, exc.message)
    if isinstance(exc, errors.UnsupportedFileType):
        return _error(415, exc.message)
    if isinstance(exc, errors.FileTooLarge):
        return _error(413, exc.message)
    # Django's own limits (body size, number of fields or files), met while parsing.
    if (limited := limit_error(exc)) is not None:
        return Response(limited, status=413)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Invalid input.", "errors": _field_errors(exc.detail)}
    elif isinstance(exc, exceptions.ParseError):
        response.data = {"detail": f"Malformed request body: {exc.detail}"}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    if response.status_code >= 500:
        # The id that finds this request in the logs (also its X-Request-ID header).
        data = response.data if isinstance(response.data, dict) else {"detail": "Server error."}
        response.data = {**data, "request_id": current_request_id()}
    return response
