"""A case's material summary (metadata only, police specialists and supervisors)
and how activist-group evidence was obtained: one record each, read and replaced."""

from typing import Any, cast
from uuid import UUID

from django.contrib.auth.models import User
from django.urls import path, reverse
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.api.common import CaseNestedMixin, UserRefSerializer
from cases.models import ActivistEvidence, Case, MaterialSummary
from cases.selectors.material import activist_evidence_get_for_actor
from cases.services import material as material_services
from common.api.concurrency import ETagMixin, etag_for, expected_version_if_sent
from common.api.fields import optional_text
from common.api.schema import ERROR_RESPONSES, IF_MATCH_ONCE_IT_EXISTS, errors
from common.errors import NotFound


def _optional_expected_version(request) -> int | None:
    """The first PUT creates the record and may come without If-Match; the service
    refuses a missing one (428) once the record exists."""
    return expected_version_if_sent(request)


def _put_responses(output: type[serializers.Serializer]) -> dict:
    """A PUT that records (201) or replaces (200) a case's one record of a kind."""
    return {200: output, 201: output, **errors(400, 401, 403, 404, 412, 428)}


def _get_responses(output: type[serializers.Serializer], not_found: str) -> dict:
    return {200: output, 401: ERROR_RESPONSES[401], 404: OpenApiResponse(description=not_found)}


def _reason_field() -> serializers.CharField:
    return optional_text(max_length=500, help_text="Why it changed, for the history.")


@extend_schema_serializer(component_name="MaterialHash")
class HashSerializer(serializers.Serializer):
    algorithm = serializers.ChoiceField(choices=sorted(material_services.HASH_LENGTHS))
    value = serializers.CharField(
        help_text="Hexadecimal: 32 characters for md5, 40 for sha1, 64 for sha256. "
        "Stored in lowercase."
    )


@extend_schema_field(HashSerializer(many=True))
class HashListField(serializers.Field):
    """Hands the list to the service as given, so that each bad hash is named by its
    position in one message ("Hash 2: ..."), as on the page."""

    default_error_messages = {"not_a_list": "Give a list of hashes."}

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list")
        return data

    def to_representation(self, value):
        return value


@extend_schema_serializer(component_name="MaterialSummary")
class MaterialSummaryOutputSerializer(serializers.ModelSerializer):
    total_count = serializers.IntegerField()
    hashes = HashListField()
    updated_by = UserRefSerializer()

    class Meta:
        model = MaterialSummary
        fields = [
            "id",
            "category_a_count",
            "category_b_count",
            "category_c_count",
            "total_count",
            "first_generation",
            "caid_reference",
            "ncmec_report_id",
            "nca_package_reference",
            "hashes",
            "version",
            "updated_by",
            "updated_at",
        ]


def _count_field(category: str) -> serializers.IntegerField:
    message = "Enter a whole number, 0 or more."
    return serializers.IntegerField(
        min_value=0,
        max_value=material_services.MAX_COUNT,
        help_text=f"The number of category {category} images and videos.",
        error_messages={
            "min_value": message,
            "invalid": message,
            "max_value": f"Must be at most {material_services.MAX_COUNT:,}: check the number.",
        },
    )


def _reference_field(label: str) -> serializers.CharField:
    return optional_text(
        max_length=material_services.MAX_REFERENCE_LENGTH,
        help_text=f"{label}: letters, digits, spaces and - _ / . only.",
    )


class _OneRecordApi(CaseNestedMixin, ETagMixin, APIView):
    # A case's one record of a kind, read with GET and recorded or replaced with PUT:
    # the first PUT creates it (201, with Location), later ones need If-Match (200).
    # (A comment, not a docstring: the schema would describe every endpoint with it.)

    InputSerializer: type[serializers.Serializer]
    output_serializer: type[serializers.Serializer]
    url_name: str

    def record_read(self, actor: User, case: Case) -> Any:
        raise NotImplementedError

    def record_write(
        self, actor: User, case: Case, expected_version: int | None, **data: Any
    ) -> Any:
        raise NotImplementedError

    def record_get(self, request: Request, case_id: UUID) -> Response:
        case = self.get_case(request, case_id)
        record = self.record_read(cast(User, request.user), case)
        if record is None:
            raise NotFound()
        return self.with_etag(Response(self.output_serializer(record).data), record.version)

    def record_put(self, request: Request, case_id: UUID) -> Response:
        case = self.get_case(request, case_id)
        version = _optional_expected_version(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        record = self.record_write(
            cast(User, request.user), case, version, **payload.validated_data
        )
        created = record.version == 1
        response = Response(
            self.output_serializer(record).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
        if created:
            response["Location"] = reverse(f"api:{self.url_name}", args=[case.id])
        response["ETag"] = etag_for(record.version)
        return response


class MaterialSummaryApi(_OneRecordApi):
    """Tideline never holds the material itself: counts, references and hashes only."""

    output_serializer = MaterialSummaryOutputSerializer
    url_name = "case-material"

    def record_read(self, actor: User, case: Case) -> Any:
        return selectors.material_get_for_actor(actor=actor, case=case)

    def record_write(
        self, actor: User, case: Case, expected_version: int | None, **data: Any
    ) -> Any:
        return material_services.material_summary_put(
            actor=actor, case=case, expected_version=expected_version, **data
        )

    policy = {"GET": "cases.material.view", "PUT": "cases.material.change"}

    @extend_schema_serializer(component_name="MaterialSummaryPut")
    class InputSerializer(serializers.Serializer):
        category_a_count = _count_field("A")
        category_b_count = _count_field("B")
        category_c_count = _count_field("C")
        first_generation = serializers.BooleanField(
            allow_null=True,
            required=False,
            default=None,
            help_text="Whether any of it was not previously known; null when not known.",
        )
        caid_reference = _reference_field("The Child Abuse Image Database reference")
        ncmec_report_id = _reference_field("The NCMEC CyberTipline report id")
        nca_package_reference = _reference_field("The NCA package reference")
        hashes = HashListField(required=False, default=list)
        reason = _reason_field()

    @extend_schema(
        summary="Read the material summary",
        responses=_get_responses(
            MaterialSummaryOutputSerializer,
            "No material summary is recorded yet, or the case or its "
            "material is outside the caller's scope.",
        ),
    )
    def get(self, request, case_id):
        return self.record_get(request, case_id)

    @extend_schema(
        summary="Record or replace the material summary",
        description="The first PUT creates the summary and needs no If-Match (201). "
        "Once it exists, a PUT must send If-Match with the version last read (200); "
        "without it 428, stale 412.",
        request=InputSerializer,
        parameters=[IF_MATCH_ONCE_IT_EXISTS],
        responses=_put_responses(MaterialSummaryOutputSerializer),
    )
    def put(self, request, case_id):
        return self.record_put(request, case_id)


@extend_schema_serializer(component_name="ActivistEvidence")
class ActivistEvidenceOutputSerializer(serializers.ModelSerializer):
    updated_by = UserRefSerializer()

    class Meta:
        model = ActivistEvidence
        fields = [
            "id",
            "group_name",
            "decoy_posed_as_child",
            "suspect_confronted",
            "confrontation_streamed_live",
            "handed_over",
            "handed_over_at",
            "chain_of_custody",
            "suspect_alerted_risk",
            "version",
            "updated_by",
            "updated_at",
        ]


class ActivistEvidenceApi(_OneRecordApi):
    output_serializer = ActivistEvidenceOutputSerializer
    url_name = "case-activist-evidence"

    def record_read(self, actor: User, case: Case) -> Any:
        return activist_evidence_get_for_actor(actor=actor, case=case)

    def record_write(
        self, actor: User, case: Case, expected_version: int | None, **data: Any
    ) -> Any:
        return material_services.activist_evidence_put(
            actor=actor, case=case, expected_version=expected_version, **data
        )

    policy = {"GET": "cases.case.view", "PUT": "cases.case.change"}

    @extend_schema_serializer(component_name="ActivistEvidencePut")
    class InputSerializer(serializers.Serializer):
        group_name = serializers.CharField(max_length=200)
        decoy_posed_as_child = serializers.BooleanField(
            help_text="Whether a member of the group posed as a child."
        )
        suspect_confronted = serializers.BooleanField()
        confrontation_streamed_live = serializers.BooleanField(
            help_text="Whether the confrontation was streamed live (only if there was one)."
        )
        handed_over = serializers.CharField(help_text="What the group handed over.")
        handed_over_at = serializers.DateTimeField(help_text="When; not in the future.")
        chain_of_custody = serializers.CharField()
        suspect_alerted_risk = serializers.CharField(
            help_text="The risk that the suspect was alerted, and what follows from it."
        )
        reason = _reason_field()

    @extend_schema(
        summary="Read how activist-group evidence was obtained",
        responses=_get_responses(
            ActivistEvidenceOutputSerializer,
            "Nothing is recorded yet, or the case is outside the caller's scope.",
        ),
    )
    def get(self, request, case_id):
        return self.record_get(request, case_id)

    @extend_schema(
        summary="Record or replace how activist-group evidence was obtained",
        description="Only for a case whose source is an online activist group (else 409, "
        "naming the case's source as `state`). The first PUT creates the record and needs "
        "no If-Match (201); later ones need it (200); without it 428, stale 412.",
        request=InputSerializer,
        parameters=[IF_MATCH_ONCE_IT_EXISTS],
        responses={
            **_put_responses(ActivistEvidenceOutputSerializer),
            **errors(409),
        },
    )
    def put(self, request, case_id):
        return self.record_put(request, case_id)


urlpatterns = [
    path("cases/<uuid:case_id>/material/", MaterialSummaryApi.as_view(), name="case-material"),
    path(
        "cases/<uuid:case_id>/activist-evidence/",
        ActivistEvidenceApi.as_view(),
        name="case-activist-evidence",
    ),
]
