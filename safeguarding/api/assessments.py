"""Risk assessments of the parties in a case: list, and record a new one (never
edit: a new assessment supersedes the last of the same party and template)."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import PartyField, PartyRefSerializer, UserRefSerializer
from common.api.fields import optional_text
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import errors
from safeguarding import selectors
from safeguarding.api.common import CaseRecordsMixin
from safeguarding.models import Assessment, FactorAnswer, SharedLevel
from safeguarding.risk_templates import COMPUTATION_RULE, template_get, templates_current
from safeguarding.services import assessments as assessment_services

_TEMPLATE_KEYS = ", ".join(f"`{t.key}` ({t.name})" for t in templates_current())


@extend_schema_serializer(component_name="FactorAnswerInput")
class FactorAnswerInputSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=FactorAnswer.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class AnswersField(serializers.DictField):
    """Every factor of the template, by key. Checked by the service, which names
    each problem `answers.<factor key>`; here only its shape is documented."""

    child = FactorAnswerInputSerializer()

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        return dict(data)


@extend_schema_serializer(component_name="FactorAnswer")
class FactorAnswerOutputSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=FactorAnswer.choices)
    note = serializers.CharField()


@extend_schema_serializer(component_name="AssessmentTemplateRef")
class TemplateRefSerializer(serializers.Serializer):
    key = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="AssessmentScaleRef")
class ScaleRefSerializer(serializers.Serializer):
    agency = serializers.CharField(help_text="The slug of the assessor's agency.")
    version = serializers.IntegerField()


@extend_schema_serializer(component_name="Completeness")
class CompletenessSerializer(serializers.Serializer):
    known = serializers.IntegerField()
    total = serializers.IntegerField()
    text = serializers.CharField(help_text='For example, "9 of 12 factors known".')


def completeness_text(assessment: Assessment) -> str:
    return f"{assessment.known_factors} of {assessment.total_factors} factors known"


@extend_schema_serializer(component_name="Assessment")
class AssessmentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    subject = PartyRefSerializer()
    template = serializers.SerializerMethodField()
    answers = serializers.DictField(child=FactorAnswerOutputSerializer())
    computed_level = serializers.ChoiceField(
        choices=SharedLevel.choices,
        help_text="What the template's rule computed. Shown even when overridden.",
    )
    override_level = serializers.ChoiceField(
        choices=SharedLevel.choices,
        allow_blank=True,
        help_text="A professional judgement's level, or an empty string.",
    )
    override_rationale = serializers.CharField()
    level = serializers.ChoiceField(
        choices=SharedLevel.choices, help_text="The level that counts: the override, if any."
    )
    agency_grade = serializers.CharField(
        help_text="The assessor's agency's own grade for `level`, from `scale`."
    )
    scale = serializers.SerializerMethodField()
    completeness = serializers.SerializerMethodField()
    assessor = UserRefSerializer()
    assessed_at = serializers.DateTimeField()
    review_on = serializers.DateField()
    supersedes = serializers.UUIDField(source="supersedes_id", allow_null=True)
    superseded_by = serializers.SerializerMethodField()

    @extend_schema_field(TemplateRefSerializer)
    def get_template(self, assessment: Assessment) -> dict:
        template = template_get(assessment.template_key, assessment.template_version)
        return {
            "key": assessment.template_key,
            "version": assessment.template_version,
            "name": template.name if template else assessment.template_key,
        }

    @extend_schema_field(ScaleRefSerializer(allow_null=True))
    def get_scale(self, assessment: Assessment) -> dict | None:
        if assessment.scale is None:
            return None
        return {"agency": assessment.scale.agency.slug, "version": assessment.scale.version}

    @extend_schema_field(CompletenessSerializer)
    def get_completeness(self, assessment: Assessment) -> dict:
        return {
            "known": assessment.known_factors,
            "total": assessment.total_factors,
            "text": completeness_text(assessment),
        }

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_superseded_by(self, assessment: Assessment) -> str | None:
        newer = getattr(assessment, "superseded_by", None)
        return str(newer.pk) if newer else None


class AssessmentListCreateApi(CaseRecordsMixin, APIView):
    policy = {"GET": "safeguarding.assessment.view", "POST": "safeguarding.assessment.add"}

    @extend_schema_serializer(component_name="AssessmentCreate")
    class InputSerializer(serializers.Serializer):
        subject = PartyField(help_text="The id of the party assessed.")
        template = serializers.CharField(
            help_text=f"The template's key: {_TEMPLATE_KEYS}. Its current version is used."
        )
        answers = AnswersField(
            help_text="Every factor of the template, by its key: yes, no or unknown."
        )
        review_on = serializers.DateField()
        override_level = serializers.ChoiceField(
            choices=SharedLevel.choices, required=False, allow_blank=True, default=""
        )
        override_rationale = optional_text(help_text="Needed with an override.")

    pagination_class = CursorPagination.ordered_by("-assessed_at", "-id")

    @extend_schema(
        description=f"How a level is computed:\n\n{COMPUTATION_RULE}",
        responses={200: AssessmentOutputSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        paginator, page = self.case_page(
            request,
            case,
            selectors.assessment_list(actor=request.user, case=case),
            action="safeguarding.assessment.listed",
            object_type="assessment",
        )
        return paginator.get_paginated_response(AssessmentOutputSerializer(page, many=True).data)

    @extend_schema(
        description=f"How a level is computed:\n\n{COMPUTATION_RULE}",
        request=InputSerializer,
        responses={201: AssessmentOutputSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        data = self.payload_for(request, case)
        # The body names the template by its key; so does the service, as template_key.
        data["template_key"] = data.pop("template")
        assessment = assessment_services.assessment_record(actor=request.user, case=case, **data)
        assessment = selectors.assessment_get_for_actor(
            actor=request.user, case=case, assessment_id=assessment.pk
        )
        return Response(AssessmentOutputSerializer(assessment).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path(
        "cases/<uuid:case_id>/assessments/",
        AssessmentListCreateApi.as_view(),
        name="case-assessments",
    ),
]
