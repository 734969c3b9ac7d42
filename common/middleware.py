from django.conf import settings

from common.request_context import (
    REQUEST_ID_HEADER,
    RequestOrigin,
    client_ip,
    request_id_for,
    reset_origin,
    set_origin,
)


class RequestOriginMiddleware:
    """Makes the request's endpoint, method and address available to the access log,
    and gives the request its id: in the logs and in the `X-Request-ID` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.request_id = request_id_for(request)
        token = set_origin(
            RequestOrigin(
                endpoint=request.path[:300],
                method=request.method,
                ip_address=client_ip(request),
                request_id=request_id,
            )
        )
        try:
            response = self.get_response(request)
        finally:
            reset_origin(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class NoStoreMiddleware:
    """Nothing Tideline answers may be kept by a browser or proxy cache: these are
    records about children and people at risk. Static assets are served before
    this middleware runs and keep their long cache lifetimes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response


class PermissionsPolicyMiddleware:
    """Tideline uses no camera, microphone, location or other device feature, so
    every answer (static files included: this runs outside WhiteNoise) denies them
    all, to the page and to anything it might embed. The list is in settings."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.policy)
        return response
