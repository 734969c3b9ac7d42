"""Referrals: list (both sides), draft, read, change a draft; the receiver's inbox
and the sender's list. The body of a draft is read in `referrals.api.drafting`;
the moves live in `referrals.api.actions`."""

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.views import APIView

from agencies import access
from common.api.concurrency import expected_version
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IDEMPOTENCY_KEY, IF_MATCH, errors, filter_parameters
from referrals import selectors
from referrals.api.drafting import (
    ReferralChangeSerializer,
    ReferralCreateSerializer,
    case_to_refer,
    errors_named_as_sent,
    resolved_for_service,
)
from referrals.api.output import (
    REFERRAL_VIEW,
    REFERRAL_VIEWS,
    ReceivedReferralSerializer,
    SentReferralSerializer,
    referral_response,
    referrals_data,
    threshold_decisions_prefetch,
    with_related,
)
from referrals.filters import ReferralFilter, ReferralStateFilter
from referrals.services import referral_create, referral_update

# The inbox's order, the selector's (stored columns its index holds): by the first
# deadline the receiver still owes, so the overdue first; then the most urgent. The
# cursor keeps it across pages.
INBOX_ORDERING = selectors.INBOX_ORDER

# --- Lists


def _page(view, request, referrals, serialize, related=selectors.REFERRAL_RELATED):
    paginator = view.pagination_class()
    referrals = with_related(request.user, referrals, related)
    page = paginator.paginate_queryset(referrals, request, view)
    threshold_decisions_prefetch(page)
    return paginator.get_paginated_response(serialize(page))


class ReferralListCreateApi(APIView):
    """Both sides' referrals: each item is shown as the caller's side sees it."""

    policy = {"GET": "referrals.referral.view", "POST": "referrals.referral.create"}

    pagination_class = CursorPagination.ordered_by("-created_at", "-id")

    @extend_schema(
        parameters=filter_parameters(ReferralFilter),
        responses={200: REFERRAL_VIEWS, **errors(400, 401, 403)},
    )
    def get(self, request):
        referrals = selectors.referral_list(actor=request.user, filters=request.query_params)
        return _page(self, request, referrals, lambda page: referrals_data(request.user, page))

    @extend_schema(
        request=ReferralCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: SentReferralSerializer, **errors(400, 401, 403, 422)},
    )
    @idempotent_create
    def post(self, request):
        payload = ReferralCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        case = case_to_refer(request, data.pop("case"))
        with errors_named_as_sent():
            referral = referral_create(
                actor=request.user, case=case, **resolved_for_service(request, data, case=case)
            )
        response = referral_response(request.user, referral.pk, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:referral-detail", args=[referral.pk])
        return response


class ReferralDetailApi(APIView):
    policy = {"GET": "referrals.referral.view", "PATCH": "referrals.referral.create"}

    @extend_schema(responses={200: REFERRAL_VIEW, **errors(401, 404)})
    def get(self, request, referral_id):
        # Read (and logged) through the one accessor; then shown with what it needs.
        referral = selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)
        return referral_response(request.user, referral.pk)

    @extend_schema(
        request=ReferralChangeSerializer,
        parameters=[IF_MATCH],
        responses={200: SentReferralSerializer, **errors(400, 401, 403, 404, 409, 412, 428)},
    )
    def patch(self, request, referral_id):
        # The change's service logs the access: this read is not logged as a view.
        referral = selectors.referral_get_for_actor(
            actor=request.user, referral_id=referral_id, logged=False
        )
        version = expected_version(request)
        payload = ReferralChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with errors_named_as_sent():
            referral_update(
                actor=request.user,
                referral=referral,
                expected_version=version,
                **resolved_for_service(
                    request,
                    dict(payload.validated_data),
                    case=referral.case,
                    shared_before=referral.shared_fields or {},
                    current_agency=referral.to_agency,
                ),
            )
        return referral_response(request.user, referral.pk)


class ReferralInboxApi(APIView):
    """Referrals sent to the caller's agency: by the first deadline the agency still
    owes on each (so the overdue first), the most urgent first on the same deadline;
    then those it owes nothing on."""

    policy = {"GET": "referrals.referral.view"}

    pagination_class = CursorPagination.ordered_by(*INBOX_ORDERING)

    @extend_schema(
        parameters=filter_parameters(ReferralStateFilter),
        responses={200: ReceivedReferralSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        referrals = selectors.inbox_list(actor=request.user, filters=request.query_params)
        return _page(
            self,
            request,
            referrals,
            lambda page: ReceivedReferralSerializer(_sent_to_caller(request, page), many=True).data,
            related=selectors.INBOX_RELATED,
        )


def _sent_to_caller(request, page: list) -> list:
    # Every referral of the inbox was sent to the caller's agency (`inbox_list` reads
    # only those): each one's `to_agency` is that agency, read with the caller's
    # membership, rather than one more join for PostgreSQL to plan (INBOX_RELATED).
    agency = access.require(request.user, "referrals.referral.view").agency
    for referral in page:
        if referral.to_agency_id != agency.pk:  # never: the selector's own filter
            raise AssertionError("The inbox holds a referral sent to another agency.")
        referral.to_agency = agency
    return page


class ReferralSentApi(APIView):
    """Referrals the caller's agency sent or is drafting, newest first."""

    policy = {"GET": "referrals.referral.view"}

    pagination_class = CursorPagination.ordered_by("-created_at", "-id")

    @extend_schema(
        parameters=filter_parameters(ReferralStateFilter),
        responses={200: SentReferralSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        referrals = selectors.sent_list(actor=request.user, filters=request.query_params)
        return _page(
            self, request, referrals, lambda page: SentReferralSerializer(page, many=True).data
        )


urlpatterns = [
    path("referrals/", ReferralListCreateApi.as_view(), name="referral-list"),
    path("referrals/inbox/", ReferralInboxApi.as_view(), name="referral-inbox"),
    path("referrals/sent/", ReferralSentApi.as_view(), name="referral-sent"),
    path("referrals/<uuid:referral_id>/", ReferralDetailApi.as_view(), name="referral-detail"),
]
