"""One shape for every API error:

    {"detail": "what went wrong", "errors": {"field": ["what is wrong with it"]}}

Every 400 has `errors`; 409 adds `state`; 412 adds `current_version`. `errors` is
flat: a nested field is named by its path, such as `consent.given_on` or
`parties.0.party`, so that a client reads every 400 the same way. Errors that belong
to no one field (a body that is not JSON, a rule across fields) are under
`non_field_errors`.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common import errors
from common.api.limits import limit_error
from common.request_context import current_request_id

NON_FIELD = "non_field_errors"


def _field_errors(detail) -> dict[str, list[str]]:
    """DRF's error tree (dicts for nested serializers, lists of dicts for `many=True`,
    dicts keyed by index for list fields) as one flat map of dotted path -> messages."""
    flat: dict[str, list[str]] = {}
    _flatten(detail, "", flat)
    return flat


def _flatten(detail, path: str, flat: dict[str, list[str]]) -> None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = NON_FIELD if key in ("__all__", NON_FIELD) else str(key)
            # A nested serializer's own cross-field errors belong to the nested field.
            _flatten(value, path if name == NON_FIELD and path else _join(path, name), flat)
    elif isinstance(detail, list | tuple) and any(
        isinstance(item, dict | list | tuple) for item in detail
    ):
        # One entry per item of a `many=True` list; an item without errors is `{}`.
        for index, item in enumerate(detail):
            if item:
                _flatten(item, _join(path, str(index)), flat)
    else:
        messages = detail if isinstance(detail, list | tuple) else [detail]
        flat.setdefault(path or NON_FIELD, []).extend(str(message) for message in messages)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


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
    if isinstance(exc, errors.AccessDenied):
        # A service refused an action on a record the view had already found: the
        # caller may know it exists but may not act on it.
        return _error(403, "You do not have permission to do this.")
    if isinstance(exc, errors.InvalidState):
        return _error(409, exc.message, state=exc.state, **exc.details)
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
        response.data = {
            "detail": f"Malformed request body: {exc.detail}",
            "errors": {NON_FIELD: [str(exc.detail)]},
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    if response.status_code >= 500:
        # The id that finds this request in the logs (also its X-Request-ID header).
        data = response.data if isinstance(response.data, dict) else {"detail": "Server error."}
        response.data = {**data, "request_id": current_request_id()}
    return response


@csrf_exempt  # it changes nothing; a refused CSRF check would answer an HTML 403
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """The last URL pattern under /api/v1/: a path that matches no endpoint, such as an
    id that is not a UUID, answers the API's own 404 rather than an HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)
