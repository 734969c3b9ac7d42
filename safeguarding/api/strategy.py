"""Strategy discussions about a child (section 47), and the two steps whose
deadlines they set: the initial child protection conference and the child and
family assessment."""

from collections.abc import Callable

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


def _due_at(step: str, within: int, counted_from: str) -> serializers.DateTimeField:
    """When a step a discussion starts is due (a section 47 enquiry's deadline)."""
    return serializers.DateTimeField(
        allow_null=True,
        help_text=(
            f"{step}: within {within} working days of {counted_from}. "
            "Null when no section 47 enquiries started."
        ),
    )


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
    conference_due_at = _due_at(
        "The initial child protection conference", CONFERENCE_WITHIN_WORKING_DAYS, "the discussion"
    )
    conference_held_on = serializers.DateField(allow_null=True)
    conference = serializers.SerializerMethodField()
    assessment_due_at = _due_at(
        "The child and family assessment", ASSESSMENT_WITHIN_WORKING_DAYS, "the referral"
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

    pagination_class = CursorPagination.ordered_by("-held_at", "-id")

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


def _date_input(component_name: str, field: str) -> type[serializers.Serializer]:
    """A step's body: the one date it was done on, under the step's own name."""
    serializer = type(
        "InputSerializer", (serializers.Serializer,), {field: serializers.DateField()}
    )
    return extend_schema_serializer(component_name=component_name)(serializer)


class _StepApi(CaseNestedMixin, APIView):
    """A step of a discussion, recorded once with the date it was done on: its body
    is the step's InputSerializer (which the schema reads through
    get_serializer_class), `record` its service."""

    policy = {"POST": "safeguarding.strategy.record"}
    InputSerializer: type[serializers.Serializer]
    record: Callable[..., StrategyDiscussion]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return self.InputSerializer

    @extend_schema(
        responses={200: StrategyDiscussionOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id, discussion_id):
        case = self.get_case(request, case_id)
        discussion = _discussion(request, case, discussion_id)
        payload = self.payload_for(request, case)
        self.record(actor=request.user, discussion=discussion, **payload)
        return Response(_output(_discussion(request, case, discussion_id)))


class ConferenceHeldApi(_StepApi):
    """Record that the initial child protection conference was held. Once: a second
    time answers 409."""

    InputSerializer = _date_input("StrategyConferenceHeld", "held_on")
    record = staticmethod(child_protection_services.strategy_conference_held)


class AssessmentCompletedApi(_StepApi):
    """Record that the child and family assessment was completed. Once: a second
    time answers 409."""

    InputSerializer = _date_input("StrategyAssessmentCompleted", "completed_on")
    record = staticmethod(child_protection_services.strategy_assessment_completed)


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
