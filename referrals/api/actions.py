"""The moves of a referral, each a POST to a named action under it. Each is made
only by the side that owns it; any other move answers 409 naming the current
state. Each answers with the referral as the caller's side now sees it."""

from dataclasses import dataclass
from typing import cast
from uuid import UUID

from django.contrib.auth.models import User
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.idempotency import idempotent_create
from common.api.schema import IDEMPOTENCY_KEY, errors
from referrals.api.output import REFERRAL_VIEW, referral_response
from referrals.models import CompletionOutcome, ThresholdDecisionKind
from referrals.moves import MOVES
from referrals.selectors import referral_get_for_actor
from referrals.services.threshold import threshold_decision_record
from referrals.services.transitions import MOVE_SERVICES


class MoveApi(APIView):
    """One move of `referrals.moves.MOVES`: find the referral in the caller's scope
    (404 otherwise), read the body, let the move's service decide whether the move
    is the caller's to make now."""

    move_name: str = ""
    input_serializer: type[serializers.Serializer] | None = None

    def post(self, request: Request, referral_id: UUID) -> Response:
        actor = cast(User, request.user)  # the policy admits only signed-in members
        referral = referral_get_for_actor(actor=actor, referral_id=referral_id, logged=False)
        fields = {}
        if self.input_serializer is not None:
            payload = self.input_serializer(data=request.data)
            payload.is_valid(raise_exception=True)
            fields = payload.validated_data
        MOVE_SERVICES[self.move_name](actor=request.user, referral=referral, **fields)
        return referral_response(request.user, referral.pk)


# The bodies. Each names its component once.


@extend_schema_serializer(component_name="ReferralReason")
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


@extend_schema_serializer(component_name="ReferralQuestion")
class QuestionSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=5000, help_text="What the receiver needs to know.")


@extend_schema_serializer(component_name="ReferralAnswer")
class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)


@extend_schema_serializer(component_name="ReferralProgressNote")
class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


@extend_schema_serializer(component_name="ReferralComplete")
class CompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CompletionOutcome.choices)
    summary = serializers.CharField(max_length=5000, help_text="The feedback to the referrer.")


@extend_schema_serializer(component_name="ReferralThresholdDecisionInput")
class ThresholdDecisionInputSerializer(serializers.Serializer):
    child = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text=(
            "The child's party id (`threshold_decisions[].child`). May be left out only "
            "when the referral is about one child; otherwise 400 naming `child`."
        ),
    )
    decision = serializers.ChoiceField(choices=ThresholdDecisionKind.choices)
    rationale = serializers.CharField(max_length=5000)


@extend_schema_serializer(component_name="ReferralChildThresholdDecisionInput")
class ChildThresholdDecisionInputSerializer(ThresholdDecisionInputSerializer):
    child = serializers.UUIDField(
        help_text="The child's party id, as `threshold_decisions[].child` lists it."
    )


@dataclass(frozen=True)
class MoveEndpoint:
    """How the API offers a move: its path under the referral, the body it takes
    (with the fields the move names) and what the schema says of it."""

    path: str
    description: str
    body: type[serializers.Serializer] | None = None


# By the move's name in `referrals.moves.MOVES`, in the order the schema lists them.
ENDPOINTS: dict[str, MoveEndpoint] = {
    "send": MoveEndpoint(
        "send", "Send a draft: fixes the disclosure, sets the deadlines, tells the receiver."
    ),
    "accept": MoveEndpoint("accept", "Accept a sent referral: the caller becomes its owner."),
    "decline": MoveEndpoint(
        "decline", "Decline a sent referral, with a reason for the referrer.", ReasonSerializer
    ),
    "return": MoveEndpoint(
        "return", "Return a sent referral to the referrer with a question.", QuestionSerializer
    ),
    "answer": MoveEndpoint(
        "answer",
        "Answer the receiver's question: the referral is sent again, with a new deadline.",
        AnswerSerializer,
    ),
    "start": MoveEndpoint("start", "Start work on an accepted referral."),
    "note": MoveEndpoint(
        "update",
        "Record progress on an accepted or in-progress referral; the referrer is told.",
        NoteSerializer,
    ),
    "complete": MoveEndpoint(
        "complete",
        "Complete an in-progress referral with its outcome; the referrer is told.",
        CompleteSerializer,
    ),
    "withdraw": MoveEndpoint(
        "withdraw",
        "Withdraw a sent, returned, accepted or in-progress referral, with a reason.",
        ReasonSerializer,
    ),
    "threshold": MoveEndpoint(
        "threshold-decision",
        "The hub's or children's services' threshold decision for one child of a "
        "safeguarding or strategy referral, once, within 1 working day of it being sent; "
        "the referrer is told at once. `child` may be left out of a referral about one "
        "child; a second decision for a child answers 409 naming the referral's state.",
        ThresholdDecisionInputSerializer,
    ),
}


def move_api(name: str) -> type[MoveApi]:
    """The view of one move: its policy is the move's capability, and it documents
    its own body and answers (a `post` of its own, since the schema annotation is
    kept on the function)."""
    endpoint = ENDPOINTS[name]
    codes = (400, 401, 403, 404, 409) if endpoint.body else (401, 403, 404, 409)

    @extend_schema(
        request=endpoint.body,
        responses={200: REFERRAL_VIEW, **errors(*codes)},
        description=endpoint.description,
    )
    def post(self: MoveApi, request: Request, referral_id: UUID) -> Response:
        return MoveApi.post(self, request, referral_id)

    title = "".join(word.capitalize() for word in endpoint.path.split("-"))
    return type(
        f"Referral{title}Api",
        (MoveApi,),
        {
            "__module__": __name__,
            "policy": {"POST": MOVES[name].capability},
            "move_name": name,
            "input_serializer": endpoint.body,
            "post": post,
        },
    )


class ReferralThresholdDecisionsApi(APIView):
    """Each child's threshold decision, one POST each (`threshold_decision_record`)."""

    policy = {"POST": MOVES["threshold"].capability}

    @extend_schema(
        request=ChildThresholdDecisionInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: REFERRAL_VIEW, **errors(400, 401, 403, 404, 409, 422)},
        description=(
            "Record the threshold decision for one child of a safeguarding or strategy "
            "referral to the hub or children's services: `child` (its party id), the "
            "decision and its rationale. Answers the referral as the caller sees it, with "
            "every child's decision. Refused, changing nothing: a child the referral is not "
            "about, or a missing rationale (400 naming the field); a child already decided "
            "or a referral in a state that takes none (409 naming its state)."
        ),
    )
    @idempotent_create
    def post(self, request: Request, referral_id: UUID) -> Response:
        actor = cast(User, request.user)
        referral = referral_get_for_actor(actor=actor, referral_id=referral_id, logged=False)
        payload = ChildThresholdDecisionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        threshold_decision_record(actor=actor, referral=referral, **payload.validated_data)
        return referral_response(actor, referral.pk, status=201)


urlpatterns = [
    path(
        "referrals/<uuid:referral_id>/threshold-decisions/",
        ReferralThresholdDecisionsApi.as_view(),
        name="referral-threshold-decisions",
    ),
    *(
        path(
            f"referrals/<uuid:referral_id>/{endpoint.path}/",
            move_api(name).as_view(),
            name=f"referral-{endpoint.path}",
        )
        for name, endpoint in ENDPOINTS.items()
    ),
]
