"""The moves of a referral, each a POST to a named action under it. Each is made
only by the side that owns it; any other move answers 409 naming the current
state. Each answers with the referral as the caller's side now sees it."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from common.api.schema import errors
from referrals import services as referral_services
from referrals.api.output import REFERRAL_VIEW, referral_in_scope, referral_response
from referrals.models import CompletionOutcome, ThresholdDecisionKind

_SENDER_MOVE = "referrals.referral.create"
_RECEIVER_MOVE = "referrals.referral.receive"


class _MoveApi(APIView):
    """One move: find the referral in the caller's scope (404 otherwise), read the
    body, let the service decide whether the move is the caller's to make now."""

    InputSerializer: type[serializers.Serializer] | None = None

    def move(self, *, actor, referral, **fields) -> None:
        raise NotImplementedError

    def post(self, request, referral_id):
        referral = referral_in_scope(request.user, referral_id)
        fields = {}
        if self.InputSerializer is not None:
            payload = self.InputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            fields = payload.validated_data
        self.move(actor=request.user, referral=referral, **fields)
        return referral_response(request.user, referral.pk)


def _documented(description: str):
    """Each move documents its own body and answers (a function of its own, since
    the schema annotation is kept on the function)."""

    def decorate(view: type[_MoveApi]) -> type[_MoveApi]:
        codes = (400, 401, 403, 404, 409) if view.InputSerializer else (401, 403, 404, 409)

        def post(self, request, referral_id):
            return _MoveApi.post(self, request, referral_id)

        view.post = extend_schema(
            request=view.InputSerializer,
            responses={200: REFERRAL_VIEW, **errors(*codes)},
            description=description,
        )(post)
        return view

    return decorate


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
    decision = serializers.ChoiceField(choices=ThresholdDecisionKind.choices)
    rationale = serializers.CharField(max_length=5000)


# --- The sender's moves


@_documented("Send a draft: fixes the disclosure, sets the deadlines, tells the receiver.")
class ReferralSendApi(_MoveApi):
    policy = {"POST": _SENDER_MOVE}
    move = staticmethod(referral_services.referral_send)


@_documented("Answer the receiver's question: the referral is sent again, with a new deadline.")
class ReferralAnswerApi(_MoveApi):
    policy = {"POST": _SENDER_MOVE}
    InputSerializer = AnswerSerializer
    move = staticmethod(referral_services.referral_answer)


@_documented("Withdraw a sent, returned, accepted or in-progress referral, with a reason.")
class ReferralWithdrawApi(_MoveApi):
    policy = {"POST": _SENDER_MOVE}
    InputSerializer = ReasonSerializer
    move = staticmethod(referral_services.referral_withdraw)


# --- The receiver's moves


@_documented("Accept a sent referral: the caller becomes its owner.")
class ReferralAcceptApi(_MoveApi):
    policy = {"POST": _RECEIVER_MOVE}
    move = staticmethod(referral_services.referral_accept)


@_documented("Decline a sent referral, with a reason for the referrer.")
class ReferralDeclineApi(_MoveApi):
    policy = {"POST": _RECEIVER_MOVE}
    InputSerializer = ReasonSerializer
    move = staticmethod(referral_services.referral_decline)


@_documented("Return a sent referral to the referrer with a question.")
class ReferralReturnApi(_MoveApi):
    policy = {"POST": _RECEIVER_MOVE}
    InputSerializer = QuestionSerializer
    move = staticmethod(referral_services.referral_return)


@_documented("Start work on an accepted referral.")
class ReferralStartApi(_MoveApi):
    policy = {"POST": _RECEIVER_MOVE}
    move = staticmethod(referral_services.referral_start)


@_documented("Record progress on an accepted or in-progress referral; the referrer is told.")
class ReferralUpdateApi(_MoveApi):
    policy = {"POST": _RECEIVER_MOVE}
    InputSerializer = NoteSerializer
    move = staticmethod(referral_services.referral_update_note)


@_documented("Complete an in-progress referral with its outcome; the referrer is told.")
class ReferralCompleteApi(_MoveApi):
    policy = {"POST": _RECEIVER_MOVE}
    InputSerializer = CompleteSerializer
    move = staticmethod(referral_services.referral_complete)


@_documented(
    "The hub's or children's services' threshold decision on a safeguarding or strategy "
    "referral, once, within 1 working day of it being sent; the referrer is told at once."
)
class ReferralThresholdDecisionApi(_MoveApi):
    policy = {"POST": "referrals.threshold.record"}
    InputSerializer = ThresholdDecisionInputSerializer
    move = staticmethod(referral_services.threshold_decision_record)


_MOVES = {
    "send": ReferralSendApi,
    "accept": ReferralAcceptApi,
    "decline": ReferralDeclineApi,
    "return": ReferralReturnApi,
    "answer": ReferralAnswerApi,
    "start": ReferralStartApi,
    "update": ReferralUpdateApi,
    "complete": ReferralCompleteApi,
    "withdraw": ReferralWithdrawApi,
    "threshold-decision": ReferralThresholdDecisionApi,
}

urlpatterns = [
    path(f"referrals/<uuid:referral_id>/{name}/", view.as_view(), name=f"referral-{name}")
    for name, view in _MOVES.items()
]
