"""Everything under /api/v1/. Each app contributes its own api_urls."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("agencies.api_urls")),
    path("", include("cases.api_urls")),
    path("", include("agencies.api_notifications")),
    path("", include("safeguarding.api_urls")),
    path("", include("referrals.api_urls")),
    path("", include("welfare.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
