"""Strategy discussions about one or several children (section 47): planned, or
recorded as held at once about one child; and for each child whose enquiries
start, the two steps whose deadlines it sets: the initial child protection
conference and the child and family assessment. Holding a planned discussion and
recording a child's decision: `safeguarding.api.strategy_planning`."""

from collections.abc import Callable

from django.urls import path
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import CaseNestedMixin, PartyField, PartyRefSerializer, UserRefSerializer
from common.api.concurrency import etag_for
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IDEMPOTENCY_KEY, errors
from common.dates import DeadlineStatus
from safeguarding import selectors
from safeguarding.api.common import CaseRecordsMixin
from safeguarding.deadlines import strategy_discussions_with_deadlines
from safeguarding.models import StrategyDiscussion, StrategyDiscussionChild, StrategyStatus
from safeguarding.services import child_protection as child_protection_services
from safeguarding.services import strategy_planning
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


@extend_schema_serializer(component_name="StrategyDiscussionChild")
class StrategyChildOutputSerializer(serializers.Serializer):
    """One child of a discussion and the decision about them; expects rows from
    `strategy_children_with_deadlines`."""

    id = serializers.UUIDField()
    child = PartyRefSerializer()
    decided = serializers.BooleanField(help_text="False while the decision is pending.")
    section_47_started = serializers.BooleanField(
        allow_null=True, help_text="Null while the decision is pending."
    )
    rationale = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = UserRefSerializer(allow_null=True)
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

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_conference(self, row: StrategyDiscussionChild) -> dict | None:
        return _deadline(row.conference)  # type: ignore[attr-defined]  # set by the selector

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_assessment(self, row: StrategyDiscussionChild) -> dict | None:
        return _deadline(row.assessment)  # type: ignore[attr-defined]  # set by the selector


@extend_schema_serializer(component_name="StrategyInvitee")
class InviteeSerializer(serializers.Serializer):
    agency = serializers.CharField(max_length=200)
    name = serializers.CharField(max_length=200)


@extend_schema_serializer(component_name="StrategyDiscussion")
class StrategyDiscussionOutputSerializer(serializers.Serializer):
    """Expects discussions from `strategy_discussions_with_deadlines`."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=StrategyStatus.choices)
    planned_for = serializers.DateTimeField(allow_null=True)
    invitees = InviteeSerializer(many=True)
    held_at = serializers.DateTimeField(allow_null=True, help_text="Null while planned.")
    attendees = serializers.CharField(source="agencies_present", allow_blank=True)
    minutes = serializers.CharField(allow_blank=True)
    referral_received_on = serializers.DateField()
    complete = serializers.SerializerMethodField(
        help_text="Every child has a decision (always true once held)."
    )
    children = StrategyChildOutputSerializer(many=True)
    recorded_by = UserRefSerializer()
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField()

    def get_complete(self, discussion: StrategyDiscussion) -> bool:
        return all(row.decided for row in discussion.children)  # type: ignore[attr-defined]


def discussion_response(discussion: StrategyDiscussion, code: int = status.HTTP_200_OK) -> Response:
    (annotated,) = strategy_discussions_with_deadlines([discussion])
    response = Response(StrategyDiscussionOutputSerializer(annotated).data, status=code)
    response["ETag"] = etag_for(discussion.version)
    return response


@extend_schema_serializer(component_name="StrategyDiscussionPlan")
class PlanInputSerializer(serializers.Serializer):
    planned_for = serializers.DateTimeField(help_text="When it will be held: in the future.")
    invitees = InviteeSerializer(many=True, help_text="Who is invited, by agency and name.")
    children = serializers.ListField(
        child=PartyField(), help_text="The children it is about: one or several."
    )
    referral_received_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Defaults to the date the case was received.",
    )


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

    pagination_class = CursorPagination.ordered_by("-created_at", "-id")

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
        request=PolymorphicProxySerializer(
            component_name="StrategyDiscussionCreateOrPlan",
            serializers=[PlanInputSerializer, InputSerializer],
            resource_type_field_name=None,
        ),
        parameters=[IDEMPOTENCY_KEY],
        description=(
            "With `planned_for`: plan a discussion to come, about one or several children "
            "(`invitees`, `children`), each child's decision pending. Without it: record "
            "a discussion already held about one child, with its decision."
        ),
        responses={
            201: StrategyDiscussionOutputSerializer,
            **errors(400, 401, 403, 404, 409, 422),
        },
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        if isinstance(request.data, dict) and "planned_for" in request.data:
            payload = PlanInputSerializer(
                data=request.data, context={"case": case, "actor": request.user}
            )
            payload.is_valid(raise_exception=True)
            discussion = strategy_planning.strategy_discussion_plan(
                actor=request.user, case=case, **payload.validated_data
            )
        else:
            discussion = child_protection_services.strategy_discussion_record(
                actor=request.user, case=case, **self.payload_for(request, case)
            )
        return discussion_response(
            _discussion(request, case, discussion.pk), status.HTTP_201_CREATED
        )


def _discussion(request, case, discussion_id) -> StrategyDiscussion:
    return selectors.strategy_discussion_get_for_actor(
        actor=request.user, case=case, discussion_id=discussion_id
    )


def _date_input(component_name: str, field: str) -> type[serializers.Serializer]:
    """A step's body: the one date it was done on, under the step's own name."""
    serializer = type(
        "InputSerializer",
        (serializers.Serializer,),
        {
            field: serializers.DateField(),
            "child": serializers.UUIDField(
                required=False,
                help_text="Which child of the discussion: needed when it is about several.",
            ),
        },
    )
    return extend_schema_serializer(component_name=component_name)(serializer)


class _StepApi(CaseNestedMixin, APIView):
    """A step of a discussion, recorded once with the date it was done on: its body
    is the step's InputSerializer (which the schema reads through
    get_serializer_class), `record` its service."""

    policy = {"POST": "safeguarding.strategy.record"}
    InputSerializer: type[serializers.Serializer]
    record: Callable[..., StrategyDiscussionChild]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return self.InputSerializer

    @extend_schema(
        responses={200: StrategyDiscussionOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id, discussion_id):
        case = self.get_case(request, case_id)
        discussion = _discussion(request, case, discussion_id)
        payload = self.payload_for(request, case)
        row = child_protection_services.strategy_child_of(discussion, payload.pop("child", None))
        self.record(actor=request.user, row=row, **payload)
        return discussion_response(_discussion(request, case, discussion_id))


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
