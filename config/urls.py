from django.urls import include, path

from common.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(("config.api_urls", "api"))),
    path("", include("agencies.urls")),
    path("", include("cases.urls")),
    path("", include("safeguarding.urls")),
    path("", include("referrals.urls")),
    path("", include("welfare.urls")),
    path("", include("common.notification_views")),
]

handler404 = "common.views.not_found"
handler400 = "common.views.bad_request"
handler500 = "common.views.server_error"
