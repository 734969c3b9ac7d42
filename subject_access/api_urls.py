"""Subject access: the API under /api/v1/subject-access-requests/."""

from subject_access.api.requests import urlpatterns as request_urls

urlpatterns = [*request_urls]
