"""Strategy discussions about a child (section 47), and the two steps whose
deadlines they set: the initial child protection conference and the child and
family assessment."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import CaseNestedMixin, PartyField, PartyRefSerializer, UserRefSerializer
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import errors
from common.dates import DeadlineStatus
from safeguarding import selectors
from safeguarding.api.common import CaseRecordsMixin
from safeguarding.deadlines import strategy_discussions_with_deadlines
from safeguarding.models import StrategyDiscussion
from safeguarding.services import child_protection as child_protection_services
from safeguarding.services.child_protection import (
    ASSESSMENT_WITHIN_WORKING_DAYS,
    CONFERENCE_WITHIN_WORKING_DAYS,
)


@extend_schema_serializer(component_name="StrategyDeadline")
class DeadlineSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField(help_text="17:00 Europe/London on the due day.")
    done_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField(
        help_text="Past due and not done, or done after its due day."
    )
    working_days_left = serializers.IntegerField(
        allow_null=True, help_text="While not done and not past due: 0 means due today."
    )
    working_days_late = serializers.IntegerField(
        allow_null=True,
        help_text="When past due, or done: working days after the due day (0: on time or today).",
    )
    summary = serializers.CharField(help_text='For example "Due in 3 working days".')


def _deadline(status: DeadlineStatus | None) -> dict | None:
    return DeadlineSerializer(status).data if status is not None else None


@extend_schema_serializer(component_name="StrategyDiscussion")
class StrategyDiscussionOutputSerializer(serializers.Serializer):
    """Expects discussions from `strategy_discussions_with_deadlines`."""

    id = serializers.UUIDField()
    child = PartyRefSerializer()
    held_at = serializers.DateTimeField()
    agencies_present = serializers.CharField()
    section_47_started = serializers.BooleanField()
    rationale = serializers.CharField()
    referral_received_on = serializers.DateField()
    conference_due_at = serializers.DateTimeField(
        allow_null=True,
        help_text=(
            f"The initial child protection conference: within {CONFERENCE_WITHIN_WORKING_DAYS} "
            "working days of the discussion. Null when no section 47 enquiries started."
        ),
    )
    conference_held_on = serializers.DateField(allow_null=True)
    conference = serializers.SerializerMethodField()
    assessment_due_at = serializers.DateTimeField(
        allow_null=True,
        help_text=(
            f"The child and family assessment: within {ASSESSMENT_WITHIN_WORKING_DAYS} "
            "working days of the referral. Null when no section 47 enquiries started."
        ),
    )
    assessment_completed_on = serializers.DateField(allow_null=True)
    assessment = serializers.SerializerMethodField()
    recorded_by = UserRefSerializer()
    created_at = serializers.DateTimeField()

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_conference(self, discussion: StrategyDiscussion) -> dict | None:
        return _deadline(discussion.conference)  # type: ignore[attr-defined]  # set by the selector

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_assessment(self, discussion: StrategyDiscussion) -> dict | None:
        return _deadline(discussion.assessment)  # type: ignore[attr-defined]  # set by the selector


def _output(discussion: StrategyDiscussion) -> dict:
    (annotated,) = strategy_discussions_with_deadlines([discussion])
    return StrategyDiscussionOutputSerializer(annotated).data


class StrategyDiscussionListCreateApi(CaseRecordsMixin, APIView):
    policy = {"GET": "safeguarding.strategy.view", "POST": "safeguarding.strategy.record"}

    @extend_schema_serializer(component_name="StrategyDiscussionCreate")
    class InputSerializer(serializers.Serializer):
        child = PartyField(help_text="The child's part in this case: a victim or a child.")
        held_at = serializers.DateTimeField()
        agencies_present = serializers.CharField(max_length=2000)
        section_47_started = serializers.BooleanField(
            help_text="Whether section 47 enquiries start. When they do, both deadlines are set."
        )
        rationale = serializers.CharField(max_length=5000)
        referral_received_on = serializers.DateField(
            required=False,
            allow_null=True,
            help_text="Defaults to the date the case was received.",
        )

    class Pagination(CursorPagination):
        ordering = ("-held_at", "-id")

    pagination_class = Pagination

    @extend_schema(
        responses={200: StrategyDiscussionOutputSerializer(many=True), **errors(401, 404)}
    )
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        paginator, page = self.case_page(
            request,
            case,
            selectors.strategy_discussion_list(actor=request.user, case=case),
            action="safeguarding.strategy.listed",
            object_type="strategy_discussion",
        )
        return paginator.get_paginated_response(
            StrategyDiscussionOutputSerializer(
                strategy_discussions_with_deadlines(page), many=True
            ).data
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            201: StrategyDiscussionOutputSerializer,
            **errors(400, 401, 403, 404, 409, 422),
        },
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        payload = self.payload_for(request, case)
        discussion = child_protection_services.strategy_discussion_record(
            actor=request.user, case=case, **payload
        )
        discussion = _discussion(request, case, discussion.pk)
        return Response(_output(discussion), status=status.HTTP_201_CREATED)


def _discussion(request, case, discussion_id) -> StrategyDiscussion:
    return selectors.strategy_discussion_get_for_actor(
        actor=request.user, case=case, discussion_id=discussion_id
    )


class _StepApi(CaseNestedMixin, APIView):
    policy = {"POST": "safeguarding.strategy.record"}

    def post(self, request, case_id, discussion_id):
        case = self.get_case(request, case_id)
        discussion = _discussion(request, case, discussion_id)
        payload = self.payload_for(request, case)
        self.record(actor=request.user, discussion=discussion, **payload)
        return Response(_output(_discussion(request, case, discussion_id)))


class ConferenceHeldApi(_StepApi):
    """Record that the initial child protection conference was held. Once: a second
    time answers 409."""

    @extend_schema_serializer(component_name="StrategyConferenceHeld")
    class InputSerializer(serializers.Serializer):
        held_on = serializers.DateField()

    record = staticmethod(child_protection_services.strategy_conference_held)

    @extend_schema(
        request=InputSerializer,
        responses={200: StrategyDiscussionOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id, discussion_id):
        return super().post(request, case_id, discussion_id)


class AssessmentCompletedApi(_StepApi):
    """Record that the child and family assessment was completed. Once: a second
    time answers 409."""

    @extend_schema_serializer(component_name="StrategyAssessmentCompleted")
    class InputSerializer(serializers.Serializer):
        completed_on = serializers.DateField()

    record = staticmethod(child_protection_services.strategy_assessment_completed)

    @extend_schema(
        request=InputSerializer,
        responses={200: StrategyDiscussionOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id, discussion_id):
        return super().post(request, case_id, discussion_id)


urlpatterns = [
    path(
        "cases/<uuid:case_id>/strategy-discussions/",
        StrategyDiscussionListCreateApi.as_view(),
        name="case-strategy-discussions",
    ),
    path(
        "cases/<uuid:case_id>/strategy-discussions/<uuid:discussion_id>/conference-held/",
        ConferenceHeldApi.as_view(),
        name="case-strategy-conference-held",
    ),
    path(
        "cases/<uuid:case_id>/strategy-discussions/<uuid:discussion_id>/assessment-completed/",
        AssessmentCompletedApi.as_view(),
        name="case-strategy-assessment-completed",
    ),
]
