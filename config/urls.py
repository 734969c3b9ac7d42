from django.urls import include, path, re_path

from common.api.errors import api_not_found
from config.api_urls import PRODUCT_APPS
from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(("config.api_urls", "api"))),
    # Any other API path ending in a slash (such as an id that is not a UUID) answers
    # the API's JSON 404, not a page; without the slash, APPEND_SLASH still redirects.
    re_path(r"^api/v1/[\s\S]*/\Z", api_not_found),
    *(path("", include(f"{app}.urls")) for app in PRODUCT_APPS),
    path("", include("agencies.notification_views")),
]

handler404 = "common.views.not_found"
handler400 = "common.views.bad_request"
handler500 = "common.views.server_error"
