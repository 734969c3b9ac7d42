"""The shared language of risk: the shared levels, the assessment templates, every
agency's own scale mapped to the shared levels (versioned), and each agency's
targets for first action. The vocabulary is not secret; the targets are the
agency's own business."""

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.access import SIGNED_IN
from agencies.selectors import agency_get_by_slug
from common.api.concurrency import ETagMixin, etag_for, expected_version_if_sent
from common.api.fields import optional_text
from common.api.pagination import CursorPagination
from common.api.schema import IF_MATCH_ONCE_IT_EXISTS, errors
from safeguarding import selectors
from safeguarding.models import ActionTarget, RiskScale, SharedLevel
from safeguarding.models.queue import target_levels
from safeguarding.risk_templates import Template, templates_current
from safeguarding.selectors.vocabulary import (
    action_targets_for,
    own_agency_get,
    scale_get,
    scale_version_asked,
    shared_levels,
)
from safeguarding.services import scales as scale_services

MAX_LABEL_LENGTH = 60

AGENCY_SLUG = OpenApiParameter(
    name="agency_slug",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.PATH,
    description="The agency's slug, such as northshire-police.",
)


# --- Shared levels


@extend_schema_serializer(component_name="RiskLevel")
class RiskLevelSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=SharedLevel.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    definition = serializers.CharField()
    rank = serializers.IntegerField(
        help_text="Its place in the work queue's ordering after the due date: 0 first. "
        "Unknown ranks just below high, never with low."
    )


@extend_schema_serializer(component_name="RiskLevelList")
class RiskLevelListSerializer(serializers.Serializer):
    results = RiskLevelSerializer(many=True)


class RiskLevelListApi(APIView):
    policy = {"GET": SIGNED_IN}

    @extend_schema(
        summary="The shared risk levels and their definitions",
        responses={200: RiskLevelListSerializer, **errors(401)},
    )
    def get(self, request):
        return Response(RiskLevelListSerializer({"results": shared_levels()}).data)


# --- Assessment templates


@extend_schema_serializer(component_name="RiskFactor")
class RiskFactorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    group = serializers.CharField()
    weight = serializers.IntegerField(help_text="What a yes adds to the score.")
    triggers_high = serializers.BooleanField(help_text="A yes makes the level at least high.")


@extend_schema_serializer(component_name="RiskThresholds")
class RiskThresholdsSerializer(serializers.Serializer):
    critical = serializers.IntegerField(help_text="The score at which the level is critical.")
    high = serializers.IntegerField(help_text="The score at which the level is high.")
    medium = serializers.IntegerField(help_text="The score at which the level is medium.")


@extend_schema_serializer(component_name="RiskTemplate")
class RiskTemplateSerializer(serializers.Serializer):
    key = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    purpose = serializers.CharField()
    subject_roles = serializers.ListField(
        child=serializers.CharField(), help_text="The parts in a case it assesses."
    )
    agency_kinds = serializers.ListField(
        child=serializers.CharField(), help_text="The kinds of agency that use it."
    )
    factors = RiskFactorSerializer(many=True)
    critical_combinations = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Sets of factor keys: all yes makes the level critical.",
    )
    thresholds = RiskThresholdsSerializer()
    computation_rule = serializers.CharField(help_text="How the level is computed, in words.")


@extend_schema_serializer(component_name="RiskTemplateList")
class RiskTemplateListSerializer(serializers.Serializer):
    results = RiskTemplateSerializer(many=True)


def template_as_data(template: Template) -> dict:
    return {
        "key": template.key,
        "version": template.version,
        "name": template.name,
        "purpose": template.purpose,
        "subject_roles": sorted(template.subject_roles),
        "agency_kinds": sorted(template.agency_kinds),
        "factors": [
            {
                "key": factor.key,
                "label": factor.label,
                "group": factor.group,
                "weight": factor.weight,
                "triggers_high": factor.triggers_high,
            }
            for factor in template.factors
        ],
        "critical_combinations": [sorted(combo) for combo in template.critical_combinations],
        "thresholds": {
            "critical": template.critical_score,
            "high": template.high_score,
            "medium": template.medium_score,
        },
        "computation_rule": template.explanation,
    }


class RiskTemplateListApi(APIView):
    policy = {"GET": SIGNED_IN}

    @extend_schema(
        summary="The current assessment templates, with their factors and computation",
        responses={200: RiskTemplateListSerializer, **errors(401)},
    )
    def get(self, request):
        templates = [template_as_data(template) for template in templates_current()]
        return Response(RiskTemplateListSerializer({"results": templates}).data)


# --- Agencies' scales


@extend_schema_serializer(component_name="AgencyRef")
class AgencyRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="RiskScaleLevel")
class RiskScaleLevelSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="1 is the most severe.")
    label = serializers.CharField(help_text="The agency's own word for the grade.")  # type: ignore[assignment]
    definition = serializers.CharField()
    shared_level = serializers.ChoiceField(choices=SharedLevel.choices)


@extend_schema_serializer(component_name="RiskScale")
class RiskScaleSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer()
    levels = RiskScaleLevelSerializer(many=True)
    reason = serializers.CharField(source="change_reason")

    class Meta:
        model = RiskScale
        fields = ["agency", "name", "version", "is_current", "created_at", "reason", "levels"]


class RiskScaleListApi(APIView):
    policy = {"GET": SIGNED_IN}

    # Agency names are unique, so the cursor never skips or repeats.
    pagination_class = CursorPagination.ordered_by("agency__name")

    @extend_schema(
        summary="Every agency's current scale, mapped to the shared levels",
        responses={200: RiskScaleSerializer(many=True), **errors(401)},
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.scale_list(), request, self)
        return paginator.get_paginated_response(RiskScaleSerializer(page, many=True).data)


@extend_schema_serializer(component_name="RiskScaleLevelPut")
class RiskScaleLevelInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=MAX_LABEL_LENGTH)  # type: ignore[assignment]
    definition = serializers.CharField()
    shared_level = serializers.ChoiceField(choices=SharedLevel.choices)


def _as_text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


@extend_schema_field(RiskScaleLevelInputSerializer(many=True))
class ScaleLevelsField(serializers.Field):
    """Hands the grades to the service as given, so that each problem is named by the
    grade's place in the list, from 1: `levels[2].shared_level`."""

    default_error_messages = {
        "not_a_list": "Give the grades as a list, the most severe first.",
        "not_an_object": "Give each grade as an object with label, definition and shared_level.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list")
        grades = []
        for grade in data:
            if not isinstance(grade, dict):
                self.fail("not_an_object")
            grades.append(
                {key: _as_text(grade.get(key)) for key in ("label", "definition", "shared_level")}
            )
        return grades


VERSION_PARAMETER = OpenApiParameter(
    name="version",
    type={"type": "integer", "minimum": 1},
    required=False,
    description="An earlier version; the current one if absent.",
)


class RiskScaleDetailApi(ETagMixin, APIView):
    policy = {"GET": SIGNED_IN, "PUT": "safeguarding.scale.manage"}

    @extend_schema_serializer(component_name="RiskScalePut")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100, allow_blank=True)
        levels = ScaleLevelsField(
            help_text="Every grade, the most severe first, each mapped to one shared level."
        )
        reason = optional_text(
            max_length=300, help_text="Why the scale changed, kept with the version."
        )

        def validate(self, attrs):
            too_long = {
                f"levels[{place}].label": [
                    f"Keep the grade's name to {MAX_LABEL_LENGTH} characters or fewer."
                ]
                for place, grade in enumerate(attrs["levels"], start=1)
                if len(grade["label"].strip()) > MAX_LABEL_LENGTH
            }
            if too_long:
                raise serializers.ValidationError(too_long)
            return attrs

    @extend_schema(
        summary="One agency's scale: the current version, or an earlier one",
        description="Any signed-in member may read any agency's scale. The ETag is the "
        "version returned; 404 when the agency has no scale, or no such version.",
        parameters=[AGENCY_SLUG, VERSION_PARAMETER],
        responses={200: RiskScaleSerializer, **errors(400, 401, 404)},
    )
    def get(self, request, agency_slug):
        version = scale_version_asked(filters=request.query_params)
        agency = agency_get_by_slug(slug=agency_slug)
        scale = scale_get(agency=agency, version=version)
        return self.with_etag(Response(RiskScaleSerializer(scale).data), scale.version)

    @extend_schema(
        summary="Replace the agency's scale with a new version (the agency's admin only)",
        description="Every version is kept, and each assessment keeps the version it used. "
        "The first PUT needs no If-Match (201); once a scale exists, a PUT must send "
        "If-Match with the version last read (200): without it 428, stale 412. "
        "Each bad grade is named by its place in the list from 1, such as "
        "`levels[2].shared_level`.",
        request=InputSerializer,
        parameters=[AGENCY_SLUG, IF_MATCH_ONCE_IT_EXISTS],
        responses={
            200: RiskScaleSerializer,
            201: RiskScaleSerializer,
            **errors(400, 401, 404, 412, 428),
        },
    )
    def put(self, request, agency_slug):
        agency = own_agency_get(
            actor=request.user, slug=agency_slug, action="safeguarding.scale.manage"
        )
        version = expected_version_if_sent(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        scale = scale_services.scale_put(
            actor=request.user,
            agency=agency,
            name=data["name"],
            levels=data["levels"],
            expected_version=version,
            reason=data["reason"],
        )
        scale = scale_get(agency=agency, version=scale.version)
        created = scale.version == 1
        response = Response(
            RiskScaleSerializer(scale).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
        if created:
            response["Location"] = reverse("api:risk-scale-detail", args=[agency.slug])
        response["ETag"] = etag_for(scale.version)
        return response


# --- Targets for first action


def _target_field(level: SharedLevel) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0,
        max_value=260,
        help_text=f"Working days from receipt to first action on a case at {level.value}.",
    )


@extend_schema_serializer(component_name="ActionTargets")
class ActionTargetsSerializer(serializers.Serializer):
    # A field per shared level, named by it, in the order of the defaults.
    def get_fields(self) -> dict[str, serializers.Field]:
        return {level.value: _target_field(level) for level in target_levels()}


@extend_schema_field(ActionTargetsSerializer)
class TargetsField(serializers.Field):
    """Hands the targets to the service as given, so that each problem is named
    `targets.<level>`."""

    default_error_messages = {
        "not_an_object": "Give the targets as an object: each shared level with its working days."
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_an_object")
        return data

    def to_representation(self, value):
        return value


@extend_schema_serializer(component_name="AgencyActionTargets")
class AgencyTargetsSerializer(serializers.Serializer):
    agency = serializers.SlugField()
    targets = ActionTargetsSerializer()
    defaults = ActionTargetsSerializer()


class ActionTargetsApi(APIView):
    policy = {"GET": SIGNED_IN, "PUT": "safeguarding.scale.manage"}

    @extend_schema_serializer(component_name="ActionTargetsPut")
    class InputSerializer(serializers.Serializer):
        targets = TargetsField(help_text="Every shared level with its working days, 0 to 260.")

        def validate(self, attrs):
            missing = {
                f"targets.{level}": [f"Give the target for {level}, in working days."]
                for level in SharedLevel.values
                if level not in attrs["targets"]
            }
            if missing:
                raise serializers.ValidationError(missing)
            return attrs

    def _response(self, agency, targets) -> Response:
        return Response(
            AgencyTargetsSerializer(
                {
                    "agency": agency.slug,
                    "targets": targets,
                    "defaults": dict(ActionTarget.DEFAULTS),
                }
            ).data
        )

    @extend_schema(
        summary="The agency's targets for first action (its own members only)",
        parameters=[AGENCY_SLUG],
        responses={200: AgencyTargetsSerializer, **errors(401, 404)},
    )
    def get(self, request, agency_slug):
        agency = own_agency_get(actor=request.user, slug=agency_slug)
        return self._response(agency, action_targets_for(actor=request.user, agency=agency))

    @extend_schema(
        summary="Set the agency's targets (its admin only); waiting cases' due dates follow",
        parameters=[AGENCY_SLUG],
        request=InputSerializer,
        responses={200: AgencyTargetsSerializer, **errors(400, 401, 404)},
    )
    def put(self, request, agency_slug):
        agency = own_agency_get(
            actor=request.user, slug=agency_slug, action="safeguarding.scale.manage"
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        targets = scale_services.action_targets_put(
            actor=request.user, agency=agency, targets=payload.validated_data["targets"]
        )
        return self._response(agency, targets)


urlpatterns = [
    path("risk/levels/", RiskLevelListApi.as_view(), name="risk-levels"),
    path("risk/templates/", RiskTemplateListApi.as_view(), name="risk-templates"),
    path("risk/scales/", RiskScaleListApi.as_view(), name="risk-scales"),
    path(
        "risk/scales/<slug:agency_slug>/",
        RiskScaleDetailApi.as_view(),
        name="risk-scale-detail",
    ),
    path("risk/targets/<slug:agency_slug>/", ActionTargetsApi.as_view(), name="risk-targets"),
]
