"""Everything under /api/v1/. Each app contributes its own api_urls."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# The apps with pages and an API, each with its urls and api_urls modules (config/urls.py
# includes their pages in the same order).
PRODUCT_APPS = (
    "agencies",
    "cases",
    "safeguarding",
    "referrals",
    "welfare",
    "intake",
    "calendars",
    "records",
    "subject_access",
)

urlpatterns = [
    *(path("", include(f"{app}.api_urls")) for app in PRODUCT_APPS),
    path("", include("agencies.api_notifications")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
