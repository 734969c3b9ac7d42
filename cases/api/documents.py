"""Documents of a case: list, upload (multipart), and download as an attachment."""

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.views import APIView

from cases import selectors
from cases.api.common import CaseNestedMixin, CaseRecordsApi, UserRefSerializer
from cases.downloads import attachment_response
from cases.filetypes import DOCX, ODT, PDF, TEXT
from cases.models import Document
from cases.services import documents as document_services
from common.api.pagination import CursorPagination
from common.api.schema import errors

UPLOAD_ERRORS = {
    413: OpenApiResponse(description="The file is over 10 MB; nothing was stored."),
    415: OpenApiResponse(
        description=(
            "The file's content is not a PDF, plain text, Word (.docx) or OpenDocument "
            "text (.odt) document, or the document carries pictures; `detail` says what "
            "it looks like. Nothing was stored."
        )
    ),
}


@extend_schema_serializer(component_name="Document")
class DocumentOutputSerializer(serializers.ModelSerializer):
    uploaded_by = UserRefSerializer()
    content_type = serializers.CharField(
        help_text="Detected from the file's content, never from its name."
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, document: Document) -> str:
        return reverse("api:case-document-download", args=[document.case_id, document.id])


class DocumentListCreateApi(CaseRecordsApi):
    """The documents attached to a case, newest first; attach one (multipart)."""

    policy = {"GET": "cases.document.view", "POST": "cases.document.add"}
    parser_classes = [MultiPartParser, FormParser]
    output_serializer = DocumentOutputSerializer
    create_errors = (400, 401, 404, 422)
    create_responses = UPLOAD_ERRORS

    @extend_schema_serializer(component_name="DocumentUpload")
    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(
            help_text=(
                "PDF, plain text (UTF-8), Word (.docx) or OpenDocument text (.odt), at "
                "most 10 MB, judged by its content. Images, video, archives and documents "
                "with pictures in them are refused (415)."
            )
        )
        title = serializers.CharField(
            max_length=200,
            required=False,
            allow_blank=True,
            help_text="Defaults to the file's name.",
        )

    pagination_class = CursorPagination.ordered_by("-uploaded_at", "-id")
    create_request = {"multipart/form-data": InputSerializer}

    def records(self, request, case):
        return selectors.document_list(actor=request.user, case=case)

    def record(self, request, case, data):
        return document_services.document_upload(
            actor=request.user,
            case=case,
            uploaded_file=data["file"],
            title=data.get("title", ""),
        )

    def created(self, record):
        response = super().created(record)
        response["Location"] = DocumentOutputSerializer().get_download_url(record)
        return response


class AnyAccept(BaseContentNegotiation):
    """A download answers with the document's own type whatever the client accepts;
    errors still come back as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


# A download's answers in the schema: the bytes, in any type a document may have.
DOWNLOAD_RESPONSES = {
    (200, PDF): OpenApiTypes.BINARY,
    (200, DOCX): OpenApiTypes.BINARY,
    (200, ODT): OpenApiTypes.BINARY,
    (200, TEXT.split(";")[0]): OpenApiTypes.BINARY,
    **errors(401, 404),
}


class DocumentDownloadApi(CaseNestedMixin, APIView):
    """One document's bytes, for those who may read the case."""

    policy = {"GET": "cases.document.view"}
    content_negotiation_class = AnyAccept

    @extend_schema(
        responses=DOWNLOAD_RESPONSES,
        description=(
            "The document's bytes, always as an attachment (never shown inline), with "
            "the type detected at upload. Each download is written to the access log."
        ),
    )
    def get(self, request, case_id, document_id):
        case = self.get_case(request, case_id)
        document = selectors.document_get_for_actor(
            actor=request.user, case=case, document_id=document_id
        )
        stored = document_services.document_open(actor=request.user, case=case, document=document)
        return attachment_response(
            stored,
            filename=document_services.document_download_name(document),
            content_type=document.content_type,
        )


urlpatterns = [
    path(
        "cases/<uuid:case_id>/documents/",
        DocumentListCreateApi.as_view(),
        name="case-documents",
    ),
    path(
        "cases/<uuid:case_id>/documents/<uuid:document_id>/download/",
        DocumentDownloadApi.as_view(),
        name="case-document-download",
    ),
]
