"""Referral packages: upload one (multipart, or the raw body with its content type;
answered 202 with the status URL while the import runs), list the force's packages,
follow one's progress, read its rejected lines; and the package format's JSON Schema."""

from typing import Any

from django.urls import URLPattern, path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FileUploadParser, FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.access import SIGNED_IN
from agencies.audit import access_read_record
from common.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IDEMPOTENCY_KEY, errors
from common.errors import FileTooLarge, ValidationError
from intake.models import IntakePackage, PackageFormat, PackageState
from intake.package_format import package_schema
from intake.selectors.packages import (
    PACKAGE_ORDER,
    REJECTION_ORDER,
    package_get_for_actor,
    package_list,
    package_rejection_list,
)
from intake.services.packages import (
    CSV_TYPES,
    JSON_LINES_TYPES,
    package_content_type_guess,
    package_import_resume,
    package_max_bytes,
    package_upload,
    size_text,
)

# A multipart body carries a little more than its file: its boundaries and headers.
_MULTIPART_OVERHEAD = 64 * 1024


class _PackageBodyParser(FileUploadParser):
    """A package sent as the raw body, with its content type: the file, streamed to a
    temporary file as any upload is, named as the Content-Disposition says (if it
    does)."""

    default_name = "package"

    def get_filename(self, stream, media_type, parser_context):
        return super().get_filename(stream, media_type, parser_context) or self.default_name


_RAW_PARSERS = [
    type(
        f"PackageBody{index}Parser",
        (_PackageBodyParser,),
        {
            "media_type": media_type,
            "default_name": f"package.{'csv' if 'csv' in media_type else 'jsonl'}",
        },
    )
    for index, media_type in enumerate(sorted(JSON_LINES_TYPES | CSV_TYPES))
]


class SchemaJsonRenderer(JSONRenderer):
    media_type = "application/schema+json"
    format = "schema+json"


class _OneRepresentation(BaseContentNegotiation):
    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema_serializer(component_name="IntakePackage")
class PackageOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    file_name = serializers.CharField()
    format = serializers.ChoiceField(choices=PackageFormat.choices)
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    state = serializers.ChoiceField(
        choices=PackageState.choices,
        help_text="queued, importing, imported; failed: stopped, and it resumes where it stopped.",
    )
    lines_done = serializers.IntegerField(help_text="Lines (CSV: rows) read and committed.")
    processed = serializers.IntegerField(help_text="Reports read (blank lines aside).")
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    duplicates = serializers.IntegerField(
        help_text="Reports already held (the same source and report id): nothing changed."
    )
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    failure = serializers.CharField()
    raw_kept = serializers.SerializerMethodField(
        help_text="Whether the raw file is still kept (until every report is decided)."
    )
    raw_disposed_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.SerializerMethodField()
    rejections_url = serializers.SerializerMethodField()

    def get_raw_kept(self, package: IntakePackage) -> bool:
        return bool(package.stored_name) and package.raw_disposed_at is None

    def get_status_url(self, package: IntakePackage) -> str:
        return reverse("api:intake-package", args=[package.pk])

    def get_rejections_url(self, package: IntakePackage) -> str:
        return reverse("api:intake-package-rejections", args=[package.pk])


@extend_schema_serializer(component_name="IntakeRejection")
class RejectionOutputSerializer(serializers.Serializer):
    line_number = serializers.IntegerField(
        help_text="The line (JSON Lines) or the line a row starts on (CSV, header line 1)."
    )
    field = serializers.CharField(help_text="The field, as a dotted path; empty: the whole line.")
    reason = serializers.CharField()


@extend_schema_serializer(component_name="IntakePackageUpload")
class PackageUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=(
            "JSON Lines (.jsonl, application/x-ndjson) or CSV (text/csv), UTF-8, in the "
            "published format (GET /api/v1/intake/schema/). Metadata only: images, "
            "video and archives are refused (415)."
        )
    )


UPLOAD_ERRORS = {
    413: OpenApiResponse(
        description="The package is over INTAKE_PACKAGE_MAX_BYTES (200 MB by default); "
        "nothing was stored."
    ),
    415: OpenApiResponse(
        description="Not JSON Lines or CSV, by its type or by its content (not UTF-8 "
        "text; an image, video or archive); nothing was stored."
    ),
}


class PackageListCreateApi(APIView):
    policy = {"GET": "intake.package.view", "POST": "intake.package.import"}
    parser_classes = [MultiPartParser, FormParser, *_RAW_PARSERS]
    pagination_class = CursorPagination.ordered_by(*PACKAGE_ORDER)

    def initial(self, request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method == "POST":
            # Refused before a byte of it is read: its declared length says enough.
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            limit = package_max_bytes()
            if declared > limit + _MULTIPART_OVERHEAD:
                raise FileTooLarge(f"The package must be {size_text(limit)} or smaller.")

    @extend_schema(responses={200: PackageOutputSerializer(many=True), **errors(400, 401, 403)})
    def get(self, request):
        """The caller's force's packages, newest first."""
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(package_list(actor=request.user), request, self)
        return paginator.get_paginated_response(PackageOutputSerializer(page, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": PackageUploadSerializer,
            "application/x-ndjson": OpenApiTypes.BINARY,
            "application/jsonl": OpenApiTypes.BINARY,
            "application/json-lines": OpenApiTypes.BINARY,
            "text/csv": OpenApiTypes.BINARY,
        },
        parameters=[IDEMPOTENCY_KEY],
        responses={
            202: OpenApiResponse(
                PackageOutputSerializer,
                description="Received and queued: `Location` and `status_url` name where "
                "its progress is read.",
            ),
            **errors(400, 401, 403, 422),
            **UPLOAD_ERRORS,
        },
    )
    @idempotent_create
    def post(self, request):
        """Upload a package for import. The import runs in the background: follow
        `status_url`. A bad report never refuses the package: it is rejected with its
        line and reason, and the rest imported."""
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Select a package to upload."]})
        declared = upload.content_type or ""
        content_type = package_content_type_guess(declared=declared, file_name=upload.name or "")
        package = package_upload(
            actor=request.user,
            file_name=upload.name or "package",
            stream=upload,
            content_type=content_type,
            size=upload.size or 0,
            idempotency_key=request.headers.get(IDEMPOTENCY_HEADER, ""),
        )
        package.refresh_from_db()
        data = PackageOutputSerializer(package).data
        return Response(
            data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]}
        )


class PackageDetailApi(APIView):
    policy = {"GET": "intake.package.view"}

    @extend_schema(responses={200: PackageOutputSerializer, **errors(401, 404)})
    def get(self, request, package_id):
        """One package's state and progress: processed, accepted, rejected,
        duplicates, lines done, and whether its raw file is still kept."""
        package = package_get_for_actor(actor=request.user, package_id=package_id)
        return Response(PackageOutputSerializer(package).data)


class PackageResumeApi(APIView):
    policy = {"POST": "intake.package.import"}

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(
                PackageOutputSerializer,
                description="Queued again: it resumes after its last committed batch.",
            ),
            **errors(401, 403, 404, 409),
        },
    )
    def post(self, request, package_id):
        """Resume a stopped import (state failed): nothing is imported twice. 409 in
        any other state."""
        package = package_get_for_actor(actor=request.user, package_id=package_id, log=False)
        package = package_import_resume(actor=request.user, package=package)
        data = PackageOutputSerializer(package).data
        return Response(
            data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]}
        )


class PackageRejectionsApi(APIView):
    policy = {"GET": "intake.package.view"}
    pagination_class = CursorPagination.ordered_by(*REJECTION_ORDER)

    @extend_schema(responses={200: RejectionOutputSerializer(many=True), **errors(400, 401, 404)})
    def get(self, request, package_id):
        """The package's rejected lines, each with its field and reason, by line."""
        package = package_get_for_actor(actor=request.user, package_id=package_id, log=False)
        paginator = self.pagination_class()
        rejections = package_rejection_list(actor=request.user, package=package)
        page = paginator.paginate_queryset(rejections, request, self)
        access_read_record(
            actor=request.user,
            action="intake.package.rejections_listed",
            object_type="intake_package",
            object_id=package.pk,
            object_agency_slug=package.agency.slug,
            records=list(page) if page else [],
        )
        return paginator.get_paginated_response(RejectionOutputSerializer(page, many=True).data)


class PackageSchemaApi(APIView):
    """The package format as a JSON Schema (draft 2020-12)."""

    policy = {"GET": SIGNED_IN}
    # One representation, whatever the client asks (`format`, Accept): the schema is
    # JSON, typed as a JSON Schema, and an unknown format must not answer 404.
    renderer_classes = [SchemaJsonRenderer]
    content_negotiation_class = _OneRepresentation

    @extend_schema(responses={200: OpenApiTypes.OBJECT, **errors(401)})
    def get(self, request):
        """The JSON Schema each line of a JSON Lines package is checked against (CSV:
        the same fields as flat columns; docs/intake-package-format.md)."""
        return Response(package_schema())


urlpatterns: list[URLPattern] = [
    path("intake/packages/", PackageListCreateApi.as_view(), name="intake-packages"),
    path("intake/packages/<uuid:package_id>/", PackageDetailApi.as_view(), name="intake-package"),
    path(
        "intake/packages/<uuid:package_id>/resume/",
        PackageResumeApi.as_view(),
        name="intake-package-resume",
    ),
    path(
        "intake/packages/<uuid:package_id>/rejections/",
        PackageRejectionsApi.as_view(),
        name="intake-package-rejections",
    ),
    path("intake/schema/", PackageSchemaApi.as_view(), name="intake-schema"),
]
