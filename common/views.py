"""The error pages: Django's 400, 404 and 500 handlers, in the API's error shape
under /api/ and as ordinary pages elsewhere."""

from django.http import JsonResponse
from django.views import defaults
from django.views.defaults import page_not_found

from common.api.limits import limit_error
from common.request_context import current_request_id


def bad_request(request, exception):
    """Django's 400 (a request it refused before any view ran, such as a body past
    its limits): the API's error shape under /api/, the ordinary page elsewhere."""
    if request.path.startswith("/api/"):
        limited = limit_error(exception)
        if limited is not None:
            return JsonResponse(limited, status=413)
        return JsonResponse(
            {"detail": "Bad request.", "errors": {"non_field_errors": ["Bad request."]}},
            status=400,
        )
    return defaults.bad_request(request, exception)


def server_error(request):
    """An error nobody foresaw. Under /api/ it answers in the API's shape with the
    request's id, which finds it in the logs; nothing was changed (every API write
    rolls back on a 5xx)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": (
                    "Sorry, there is a problem with the service. Nothing was changed. "
                    "Try again later."
                ),
                "request_id": current_request_id(),
            },
            status=500,
        )
    return defaults.server_error(request)


def not_found(request, exception):
    """The API answers every 404 in its one error shape, even for a URL it has no
    view for; pages get the ordinary not-found page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
