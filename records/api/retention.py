"""Retention, review and disposal (records.services.retention, .disposal): the review
queue, one case's retention record (its tombstone once disposed of), a review's
decision, and legal holds placed and lifted."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import PagedMixin, UserRefSerializer
from common.api.concurrency import ETAG_PATTERN, etag_for, expected_version_if_sent
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IDEMPOTENCY_KEY, errors
from records.models import (
    CaseRetention,
    LegalHold,
    LegalHoldKind,
    RetentionReview,
    RetentionRule,
    ReviewDecision,
)
from records.selectors import retention as selectors
from records.services import retention as services

IF_MATCH_OPTIONAL = OpenApiParameter(
    name="If-Match",
    type={"type": "string", "pattern": ETAG_PATTERN},
    location=OpenApiParameter.HEADER,
    required=False,
    description='The ETag of the retention record you last read, such as "3". Optional: '
    "sent, a version no longer current answers 412.",
)


@extend_schema_serializer(component_name="RetentionRule")
class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = RetentionRule
        fields = [
            "code",
            "label",
            "first_review_years",
            "review_every_years",
            "keep_until_age",
            "source",
            "source_url",
        ]


@extend_schema_serializer(component_name="RetentionQueueItem")
class QueueItemSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code")
    group = serializers.CharField(source="rule.label")

    class Meta:
        model = CaseRetention
        fields = [
            "case_id",
            "reference",
            "closed_on",
            "rule",
            "group",
            "next_review_on",
            "on_hold",
            "version",
        ]


@extend_schema_serializer(component_name="RetentionReview")
class ReviewSerializer(serializers.ModelSerializer):
    decided_by = UserRefSerializer()
    rule_before = serializers.CharField(source="rule_before.code")
    rule_after = serializers.CharField(source="rule_after.code")

    class Meta:
        model = RetentionReview
        fields = [
            "id",
            "decision",
            "reason",
            "next_review_on",
            "was_due_on",
            "rule_before",
            "rule_after",
            "decided_by",
            "decided_at",
        ]


@extend_schema_serializer(component_name="LegalHold")
class HoldSerializer(serializers.ModelSerializer):
    placed_by = UserRefSerializer()
    lifted_by = UserRefSerializer(allow_null=True)
    in_force = serializers.BooleanField()

    class Meta:
        model = LegalHold
        fields = [
            "id",
            "kind",
            "reason",
            "placed_by",
            "placed_at",
            "in_force",
            "lifted_by",
            "lifted_at",
            "lift_reason",
        ]


@extend_schema_serializer(component_name="CaseRetention")
class RetentionSerializer(serializers.Serializer):
    case_id = serializers.UUIDField()
    reference = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["open", "scheduled", "reopened", "disposed"],
        help_text="`open`: never closed, no schedule yet; `disposed`: this is the tombstone.",
    )
    received_on = serializers.DateField(allow_null=True)
    opened_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    rule = RuleSerializer(allow_null=True)
    next_review_on = serializers.DateField(allow_null=True)
    due = serializers.BooleanField()
    keep_until = serializers.DateField(
        allow_null=True, help_text="Not disposed of before this day, under its rule."
    )
    on_hold = serializers.BooleanField()
    disposed_at = serializers.DateTimeField(allow_null=True)
    disposed_by = UserRefSerializer(allow_null=True)
    disposal_reason = serializers.CharField()
    reviews = ReviewSerializer(many=True)
    holds = HoldSerializer(many=True)
    version = serializers.IntegerField(allow_null=True)


def _described(record: selectors.RetentionRecord) -> dict:
    retention = record.retention
    case = record.case
    if retention is None:
        assert case is not None
        return {
            "case_id": case.pk,
            "reference": case.reference,
            "state": "open",
            "received_on": case.received_on,
            "opened_on": case.opened_on,
            "closed_on": None,
            "rule": None,
            "next_review_on": None,
            "due": False,
            "keep_until": None,
            "on_hold": False,
            "disposed_at": None,
            "disposed_by": None,
            "disposal_reason": "",
            "reviews": [],
            "holds": [],
            "version": None,
        }
    return {
        "case_id": retention.case_id,
        "reference": retention.reference,
        "state": retention.state,
        "received_on": retention.received_on,
        "opened_on": retention.opened_on,
        "closed_on": retention.closed_on,
        "rule": retention.rule,
        "next_review_on": None if retention.is_disposed else retention.next_review_on,
        "due": record.is_due,
        "keep_until": record.keep_until,
        "on_hold": retention.on_hold,
        "disposed_at": retention.disposed_at,
        "disposed_by": retention.disposed_by,
        "disposal_reason": retention.disposal_reason,
        "reviews": record.reviews,
        "holds": record.holds,
        "version": retention.version,
    }


def _record_response(actor, case_id, code: int = status.HTTP_200_OK, log: bool = True) -> Response:
    record = selectors.retention_get_for_actor(actor=actor, case_id=case_id, log=log)
    response = Response(RetentionSerializer(_described(record)).data, status=code)
    if record.retention is not None:
        response["ETag"] = etag_for(record.retention.version)
    return response


class RetentionQueueApi(PagedMixin, APIView):
    policy = {"GET": "records.retention.queue"}
    pagination_class = CursorPagination.ordered_by(*selectors.QUEUE_ORDER)

    @extend_schema(responses={200: QueueItemSerializer(many=True), **errors(400, 401, 403)})
    def get(self, request):
        """The caller's agency's closed cases due for review, the longest overdue
        first (those under a legal hold marked `on_hold`)."""
        return self.page_of(
            request, selectors.retention_queue(actor=request.user), QueueItemSerializer
        )


class RetentionDetailApi(APIView):
    policy = {"GET": "records.retention.view"}

    @extend_schema(responses={200: RetentionSerializer, **errors(401, 404)})
    def get(self, request, case_id):
        """A case's retention record: its group and rule (with its source), next
        review, holds and reviews; once disposed of, its tombstone."""
        return _record_response(request.user, case_id)


class RetentionReviewApi(APIView):
    policy = {"POST": "records.retention.review"}

    @extend_schema_serializer(component_name="RetentionReviewCreate")
    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=ReviewDecision.choices)
        reason = serializers.CharField(max_length=2000, allow_blank=True)
        next_review_on = serializers.DateField(
            required=False, allow_null=True, default=None, help_text="Keep: after today."
        )
        rule = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Keep: move the case to another rule of the agency's kind (its code).",
        )

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY, IF_MATCH_OPTIONAL],
        responses={201: RetentionSerializer, **errors(400, 401, 404, 409, 412, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        """Record a review: keep, with the next review date; or dispose of the case
        (400 naming `decision` under a legal hold, before it is due, or before the
        age its rule keeps it to; 409 naming the state of a case reopened or disposed
        of). Answers the retention record, the tombstone after a disposal."""
        version = expected_version_if_sent(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.retention_review_record(
            actor=request.user,
            case_id=case_id,
            decision=data["decision"],
            reason=data["reason"],
            next_review_on=data["next_review_on"],
            rule_code=data["rule"],
            expected_version=version,
        )
        return _record_response(request.user, case_id, status.HTTP_201_CREATED, log=False)


class LegalHoldApi(APIView):
    policy = {"POST": "records.retention.hold"}

    @extend_schema_serializer(component_name="LegalHoldCreate")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=LegalHoldKind.choices)
        reason = serializers.CharField(max_length=2000, allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: RetentionSerializer, **errors(400, 401, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        """Place a legal hold on a closed case: no review or disposal until it is
        lifted (409 `on_hold` when one is in force already)."""
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.legal_hold_place(
            actor=request.user,
            case_id=case_id,
            kind=payload.validated_data["kind"],
            reason=payload.validated_data["reason"],
        )
        return _record_response(request.user, case_id, status.HTTP_201_CREATED, log=False)


class LegalHoldLiftApi(APIView):
    policy = {"POST": "records.retention.hold"}

    @extend_schema_serializer(component_name="LegalHoldLift")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000, allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH_OPTIONAL],
        responses={200: RetentionSerializer, **errors(400, 401, 404, 409, 412)},
    )
    def post(self, request, case_id):
        """Lift the legal hold in force, with a reason (400 naming `reason` without
        one; 409 `not_on_hold` when none is in force)."""
        version = expected_version_if_sent(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.legal_hold_lift(
            actor=request.user,
            case_id=case_id,
            reason=payload.validated_data["reason"],
            expected_version=version,
        )
        return _record_response(request.user, case_id, log=False)


urlpatterns = [
    path("retention/queue/", RetentionQueueApi.as_view(), name="retention-queue"),
    path("retention/cases/<uuid:case_id>/", RetentionDetailApi.as_view(), name="retention-case"),
    path(
        "retention/cases/<uuid:case_id>/reviews/",
        RetentionReviewApi.as_view(),
        name="retention-review",
    ),
    path(
        "retention/cases/<uuid:case_id>/holds/",
        LegalHoldApi.as_view(),
        name="retention-hold",
    ),
    path(
        "retention/cases/<uuid:case_id>/holds/lift/",
        LegalHoldLiftApi.as_view(),
        name="retention-hold-lift",
    ),
]
