"""The Victims' Right to Review (docs/adr/0017): a case's review requests and a new
one; one request; its moves (assign, decide, withdraw), each a POST to a named action
(`welfare.review_moves.REVIEW_MOVES`)."""

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies import access
from cases import selectors as case_selectors
from cases.api.common import CaseRecordsApi, PartyField, UserRefSerializer
from cases.api.tasks import IF_MATCH_OPTIONAL
from common.api.concurrency import etag_for, expected_version_if_sent
from common.api.pagination import CursorPagination
from common.api.schema import errors
from common.errors import NotFound, ValidationError
from welfare.models import ReviewRequest, ReviewRequester, ReviewStatus
from welfare.selectors import right_to_review as review_selectors
from welfare.services import right_to_review as review_services


@extend_schema_serializer(component_name="ReviewRequestDecision")
class DecisionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    code_label = serializers.CharField(source="get_code_display")
    outcome_on = serializers.DateField()


@extend_schema_serializer(component_name="ReviewRequest")
class ReviewRequestOutputSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id")
    victim = serializers.SerializerMethodField()
    decision = DecisionSerializer(source="outcome")
    status_label = serializers.CharField(source="get_status_display")
    reviewer = UserRefSerializer(allow_null=True)
    assigned_by = UserRefSerializer(allow_null=True)
    closed_by = UserRefSerializer(allow_null=True)
    recorded_by = UserRefSerializer()

    class Meta:
        model = ReviewRequest
        fields = [
            "id",
            "case",
            "victim",
            "decision",
            "scheme",
            "received_on",
            "requested_by",
            "representative",
            "grounds",
            "window_ends_on",
            "review_due_at",
            "status",
            "status_label",
            "reviewer",
            "assigned_by",
            "assigned_at",
            "result_reason",
            "closed_at",
            "closed_by",
            "recorded_by",
            "created_at",
            "version",
        ]

    def get_victim(self, review: ReviewRequest) -> dict[str, str]:
        return {"id": str(review.victim_id), "full_name": review.victim.person.full_name}


def _answer(review: ReviewRequest, code: int = 200) -> Response:
    response = Response(ReviewRequestOutputSerializer(review).data, status=code)
    response["ETag"] = etag_for(review.version)
    return response


def _reread(request, review: ReviewRequest) -> ReviewRequest:
    return review_selectors.review_request_scope(request.user).get(pk=review.pk)


class ReviewRequestListCreateApi(CaseRecordsApi):
    policy = {"GET": "welfare.right_to_review.view", "POST": "welfare.right_to_review.request"}
    pagination_class = CursorPagination.ordered_by("-received_on", "-id")
    output_serializer = ReviewRequestOutputSerializer
    create_errors = (400, 401, 403, 404, 409, 422)
    create_description = (
        "Record a victim's request to review a decision not to charge (outcome 9, 10, 12, "
        "13 or 15; the CPS's are refused on `decision`). 400 names each field: out of "
        "time on `received_on`; 409 names the state of an open request already made."
    )

    @extend_schema_serializer(component_name="ReviewRequestCreate")
    class InputSerializer(serializers.Serializer):
        victim = PartyField(help_text="The victim (a party of this case) the request is from.")
        decision = serializers.UUIDField(help_text="The outcome (decision not to charge).")
        received_on = serializers.DateField()
        requested_by = serializers.ChoiceField(choices=ReviewRequester.choices)
        representative = serializers.CharField(
            max_length=200, required=False, allow_blank=True, default=""
        )
        grounds = serializers.CharField(required=False, allow_blank=True, default="")

    def records(self, request, case):
        if not access.can(request.user, self.policy["GET"], case):
            return ReviewRequest.objects.none()
        return review_selectors.review_request_scope(request.user).filter(case=case)

    def record(self, request, case, data: dict[str, Any]) -> ReviewRequest:
        try:
            outcome = case_selectors.outcome_get_for_actor(
                actor=request.user, case=case, outcome_id=data["decision"]
            )
        except NotFound:
            outcome = None
        try:
            created = review_services.review_request_record(
                actor=request.user,
                case=case,
                victim=data["victim"],
                outcome=outcome,
                received_on=data["received_on"],
                requested_by=data["requested_by"],
                representative=data["representative"],
                grounds=data["grounds"],
            )
        except ValidationError as error:
            # The API names the decision `decision`; the service, the outcome.
            if "outcome" in error.message_dict:
                raise serializers.ValidationError(
                    {
                        ("decision" if key == "outcome" else key): value
                        for key, value in error.message_dict.items()
                    }
                ) from error
            raise
        return _reread(request, created)

    def created(self, record) -> Response:
        return _answer(record, 201)


class ReviewRequestDetailApi(APIView):
    policy = {"GET": "welfare.right_to_review.view"}

    @extend_schema(responses={200: ReviewRequestOutputSerializer, **errors(401, 404)})
    def get(self, request, request_id):
        review = review_selectors.review_request_get_for_actor(
            actor=request.user, request_id=request_id
        )
        return _answer(review)


class ReviewAssignApi(APIView):
    policy = {"POST": "welfare.right_to_review.assign"}

    @extend_schema_serializer(component_name="ReviewAssign")
    class InputSerializer(serializers.Serializer):
        reviewer = serializers.CharField(
            help_text="The username of an investigator or supervisor of the case's force "
            "who had no part in the case."
        )
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH_OPTIONAL],
        responses={200: ReviewRequestOutputSerializer, **errors(400, 401, 403, 404, 409, 412)},
    )
    def post(self, request, request_id):
        """A supervisor assigns the review (or names another reviewer, with a reason);
        400 on `reviewer` names why an officer may not review it."""
        version = expected_version_if_sent(request)
        review = review_selectors.review_request_get_for_actor(
            actor=request.user, request_id=request_id
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        member = review_selectors.reviewer_member(
            case=review.case, username=payload.validated_data["reviewer"]
        )
        moved = review_services.review_assign(
            actor=request.user,
            request=review,
            reviewer=member.user if member else None,
            reason=payload.validated_data["reason"],
            expected_version=version,
        )
        return _answer(_reread(request, moved))


class ReviewDecideApi(APIView):
    policy = {"POST": "welfare.right_to_review.decide"}

    @extend_schema_serializer(component_name="ReviewDecide")
    class InputSerializer(serializers.Serializer):
        result = serializers.ChoiceField(
            choices=[
                (ReviewStatus.UPHELD, "Upheld: the decision not to charge stands"),
                (ReviewStatus.OVERTURNED, "Overturned: the investigation goes on"),
            ]
        )
        reason = serializers.CharField(allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH_OPTIONAL],
        responses={200: ReviewRequestOutputSerializer, **errors(400, 401, 403, 404, 409, 412)},
    )
    def post(self, request, request_id):
        """The assigned reviewer decides, with reasons; the duty to tell the victim the
        result opens."""
        version = expected_version_if_sent(request)
        review = review_selectors.review_request_get_for_actor(
            actor=request.user, request_id=request_id
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        moved = review_services.review_decide(
            actor=request.user,
            request=review,
            result=payload.validated_data["result"],
            reason=payload.validated_data["reason"],
            expected_version=version,
        )
        return _answer(_reread(request, moved))


class ReviewWithdrawApi(APIView):
    policy = {"POST": "welfare.right_to_review.request"}

    @extend_schema_serializer(component_name="ReviewWithdraw")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH_OPTIONAL],
        responses={200: ReviewRequestOutputSerializer, **errors(400, 401, 403, 404, 409, 412)},
    )
    def post(self, request, request_id):
        """The victim withdrew their request: what they said is recorded."""
        version = expected_version_if_sent(request)
        review = review_selectors.review_request_get_for_actor(
            actor=request.user, request_id=request_id
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        moved = review_services.review_withdraw(
            actor=request.user,
            request=review,
            reason=payload.validated_data["reason"],
            expected_version=version,
        )
        return _answer(_reread(request, moved))


urlpatterns = [
    path(
        "cases/<uuid:case_id>/review-requests/",
        ReviewRequestListCreateApi.as_view(),
        name="review-request-list",
    ),
    path(
        "review-requests/<uuid:request_id>/",
        ReviewRequestDetailApi.as_view(),
        name="review-request-detail",
    ),
    path(
        "review-requests/<uuid:request_id>/assign/",
        ReviewAssignApi.as_view(),
        name="review-request-assign",
    ),
    path(
        "review-requests/<uuid:request_id>/decide/",
        ReviewDecideApi.as_view(),
        name="review-request-decide",
    ),
    path(
        "review-requests/<uuid:request_id>/withdraw/",
        ReviewWithdrawApi.as_view(),
        name="review-request-withdraw",
    ),
]
