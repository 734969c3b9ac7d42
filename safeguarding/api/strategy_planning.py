"""A planned strategy discussion: the decision about one child as it goes, and the
record of it as held (attendees, minutes, a decision for each child not yet
decided). Addressed by the discussion's id alone; its case is read through the
case's scope first, so a discussion out of scope is 404."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from common.api.concurrency import ETAG_PATTERN, expected_version_if_sent
from common.api.schema import errors
from safeguarding import selectors
from safeguarding.api.strategy import StrategyDiscussionOutputSerializer, discussion_response
from safeguarding.services import strategy_planning

IF_MATCH_OPTIONAL = OpenApiParameter(
    name="If-Match",
    type={"type": "string", "pattern": ETAG_PATTERN},
    location=OpenApiParameter.HEADER,
    required=False,
    description='The ETag of the version you last read, such as "3". Optional: sent, a '
    "version no longer current answers 412; `*` answers 428.",
)


@extend_schema_serializer(component_name="StrategyChildDecision")
class DecisionSerializer(serializers.Serializer):
    child = serializers.UUIDField(help_text="The child's part in the case (a party id).")
    section_47_started = serializers.BooleanField(
        help_text="Whether section 47 enquiries start for this child."
    )
    rationale = serializers.CharField(max_length=5000, allow_blank=True)


class StrategyDecisionApi(APIView):
    policy = {"POST": "safeguarding.strategy.record"}

    @extend_schema(
        request=DecisionSerializer,
        parameters=[IF_MATCH_OPTIONAL],
        responses={200: StrategyDiscussionOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, discussion_id):
        """Record the decision about one child of a discussion under way (its planned
        time has come), while the others stay pending. Once per child (409)."""
        version = expected_version_if_sent(request)
        discussion = selectors.strategy_discussion_get(
            actor=request.user, discussion_id=discussion_id, action=self.policy["POST"]
        )
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        strategy_planning.strategy_decision_record(
            actor=request.user,
            discussion=discussion,
            expected_version=version,
            **payload.validated_data,
        )
        return discussion_response(
            selectors.strategy_discussion_get(
                actor=request.user, discussion_id=discussion_id, action=self.policy["POST"]
            )
        )


class StrategyHoldApi(APIView):
    policy = {"POST": "safeguarding.strategy.record"}

    @extend_schema_serializer(component_name="StrategyDiscussionHold")
    class InputSerializer(serializers.Serializer):
        held_at = serializers.DateTimeField()
        attendees = serializers.CharField(
            max_length=2000, allow_blank=True, help_text="The agencies and people present."
        )
        minutes = serializers.CharField(max_length=20000, allow_blank=True)
        decisions = DecisionSerializer(
            many=True,
            required=False,
            help_text="A decision for each child not yet decided: held is refused, naming "
            "`decisions`, while any child has none.",
        )

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH_OPTIONAL],
        responses={200: StrategyDiscussionOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, discussion_id):
        """Record a planned discussion as held, with a decision for every child (409
        when it is already held)."""
        version = expected_version_if_sent(request)
        discussion = selectors.strategy_discussion_get(
            actor=request.user, discussion_id=discussion_id, action=self.policy["POST"]
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        held = strategy_planning.strategy_discussion_hold(
            actor=request.user,
            discussion=discussion,
            expected_version=version,
            **payload.validated_data,
        )
        return discussion_response(
            selectors.strategy_discussion_get(
                actor=request.user, discussion_id=held.pk, action=self.policy["POST"]
            )
        )


urlpatterns = [
    path(
        "strategy-discussions/<uuid:discussion_id>/decisions/",
        StrategyDecisionApi.as_view(),
        name="strategy-discussion-decide",
    ),
    path(
        "strategy-discussions/<uuid:discussion_id>/hold/",
        StrategyHoldApi.as_view(),
        name="strategy-discussion-hold",
    ),
]
