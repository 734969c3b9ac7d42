"""Subject access: the records manager's pages."""

from django.urls import path

from subject_access.views import pages

urlpatterns = [
    path("subject-access-requests/", pages.request_list, name="subject-access-request-list"),
    path(
        "subject-access-requests/new/",
        pages.request_create,
        name="subject-access-request-create",
    ),
    path(
        "subject-access-requests/<uuid:request_id>/",
        pages.request_detail,
        name="subject-access-request-detail",
    ),
    path(
        "subject-access-requests/<uuid:request_id>/review/",
        pages.request_review,
        name="subject-access-request-review",
    ),
    path(
        "subject-access-requests/<uuid:request_id>/export.zip",
        pages.request_download,
        name="subject-access-request-download",
    ),
    path(
        "subject-access-requests/<uuid:request_id>/<slug:move>/",
        pages.request_move,
        name="subject-access-request-move",
    ),
]
