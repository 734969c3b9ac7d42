from django.conf import settings

from common.request_context import RequestOrigin, client_ip, reset_origin, set_origin


class RequestOriginMiddleware:
    """Makes the request's endpoint, method and address available to the access log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_origin(
            RequestOrigin(
                endpoint=request.path[:300], method=request.method, ip_address=client_ip(request)
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)


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
