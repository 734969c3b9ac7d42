"""Transfers between police forces (cases.services.transfers): a case's transfers
and a request for one; the transfers of the caller's force, incoming and outgoing;
accepting, declining and withdrawing one."""

from django.contrib.auth.models import User
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.selectors import agency_get_by_slug
from cases.api.common import CaseRecordsApi, PagedMixin, UserRefSerializer
from cases.filters import TransferFilter, filter_parameters
from cases.models import CaseTransfer
from cases.selectors import transfers as selectors
from cases.services import transfers as transfer_services
from common.api.pagination import CursorPagination
from common.api.schema import errors
from common.errors import NotFound


@extend_schema_serializer(component_name="CaseTransferCase")
class TransferCaseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    title = serializers.CharField()


@extend_schema_serializer(component_name="CaseTransfer")
class TransferOutputSerializer(serializers.ModelSerializer):
    """What both forces see of a transfer. Before it is accepted the receiving force
    knows the case only by its reference and title, and the reason given."""

    case = serializers.SerializerMethodField()
    from_agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    to_agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    requested_by = UserRefSerializer()
    decided_by = UserRefSerializer(allow_null=True)
    lead_officer = UserRefSerializer(allow_null=True)

    class Meta:
        model = CaseTransfer
        fields = [
            "id",
            "case",
            "from_agency",
            "to_agency",
            "state",
            "reason",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "lead_officer",
        ]

    def get_case(self, transfer: CaseTransfer) -> TransferCaseSerializer:
        case = transfer.case
        return {"id": str(case.id), "reference": case.reference, "title": case.title}  # type: ignore[return-value]


_TransferPagination = CursorPagination.ordered_by("-requested_at", "-id")


class CaseTransferListCreateApi(CaseRecordsApi):
    """The case's transfers (its owner's, asked of another force), and a new request."""

    policy = {"GET": "cases.transfer.view", "POST": "cases.transfer.request"}
    pagination_class = _TransferPagination
    output_serializer = TransferOutputSerializer
    list_errors = (401, 403, 404)
    create_errors = (400, 401, 403, 404, 409, 422)
    create_description = (
        "Ask another police force to take the case over (409 `transfer_requested`\n"
        "while one is waiting; `closed` for a closed case)."
    )

    @extend_schema_serializer(component_name="CaseTransferRequest")
    class InputSerializer(serializers.Serializer):
        to_agency = serializers.SlugField(help_text="The slug of the police force to transfer to.")
        reason = serializers.CharField(max_length=2000, allow_blank=True)

    def records(self, request, case):
        return selectors.transfer_list(actor=request.user, case=case)

    def record(self, request, case, data):
        try:
            to_agency = agency_get_by_slug(slug=data["to_agency"])
        except NotFound as exc:
            raise serializers.ValidationError({"to_agency": ["No agency has this slug."]}) from exc
        return transfer_services.transfer_request(
            actor=request.user, case=case, to_agency=to_agency, reason=data["reason"]
        )


class TransferListApi(PagedMixin, APIView):
    """The transfers of the caller's force: those asked of it (`incoming`, what its
    supervisors decide on) and those it asked for (`outgoing`)."""

    policy = {"GET": "cases.transfer.view"}
    pagination_class = _TransferPagination

    @extend_schema(
        parameters=[filter_parameters(TransferFilter, "CaseTransferFilter")],
        responses={200: TransferOutputSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        transfers = selectors.transfer_list(actor=request.user, filters=request.query_params)
        return self.page_of(request, transfers, TransferOutputSerializer)


class TransferDetailApi(APIView):
    policy = {"GET": "cases.transfer.view"}

    @extend_schema(responses={200: TransferOutputSerializer, **errors(401, 404)})
    def get(self, request, transfer_id):
        transfer = selectors.transfer_get_for_actor(actor=request.user, transfer_id=transfer_id)
        return Response(TransferOutputSerializer(transfer).data)


class TransferAcceptApi(APIView):
    policy = {"POST": "cases.transfer.decide"}

    @extend_schema_serializer(component_name="CaseTransferAccept")
    class InputSerializer(serializers.Serializer):
        lead_officer = serializers.CharField(
            help_text="The username of an officer, investigator or supervisor of your force, "
            "who will lead the case."
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: TransferOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, transfer_id):
        """The receiving force's supervisor takes the case over (409 naming the state
        of a transfer already decided or withdrawn)."""
        transfer = selectors.transfer_get_for_actor(
            actor=request.user, transfer_id=transfer_id, log=False
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        lead = _lead_named(request.user, payload.validated_data["lead_officer"])
        accepted = transfer_services.transfer_accept(
            actor=request.user, transfer=transfer, lead_officer=lead
        )
        return Response(TransferOutputSerializer(accepted).data)


def _lead_named(actor: User, username: str) -> User | None:
    """The member of the caller's force with this username, or None (the service
    then names the field)."""
    membership = selectors.lead_officer_choices(actor=actor).filter(user__username=username).first()
    return membership.user if membership else None


class _TransferReasonApi(APIView):
    @extend_schema_serializer(component_name="CaseTransferReason")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000, allow_blank=True)

    def _act(self, request, transfer_id, service):
        transfer = selectors.transfer_get_for_actor(
            actor=request.user, transfer_id=transfer_id, log=False
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changed = service(
            actor=request.user, transfer=transfer, reason=payload.validated_data["reason"]
        )
        return Response(TransferOutputSerializer(changed).data)


class TransferDeclineApi(_TransferReasonApi):
    policy = {"POST": "cases.transfer.decide"}

    @extend_schema(
        request=_TransferReasonApi.InputSerializer,
        responses={200: TransferOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, transfer_id):
        """The receiving force's supervisor declines, for a reason."""
        return self._act(request, transfer_id, transfer_services.transfer_decline)


class TransferWithdrawApi(_TransferReasonApi):
    policy = {"POST": "cases.transfer.request"}

    @extend_schema(
        request=_TransferReasonApi.InputSerializer,
        responses={200: TransferOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, transfer_id):
        """The sending force takes back a request not yet decided, for a reason."""
        return self._act(request, transfer_id, transfer_services.transfer_withdraw)


urlpatterns = [
    path(
        "cases/<uuid:case_id>/transfers/",
        CaseTransferListCreateApi.as_view(),
        name="case-transfers",
    ),
    path("transfers/", TransferListApi.as_view(), name="transfer-list"),
    path("transfers/<uuid:transfer_id>/", TransferDetailApi.as_view(), name="transfer-detail"),
    path(
        "transfers/<uuid:transfer_id>/accept/",
        TransferAcceptApi.as_view(),
        name="transfer-accept",
    ),
    path(
        "transfers/<uuid:transfer_id>/decline/",
        TransferDeclineApi.as_view(),
        name="transfer-decline",
    ),
    path(
        "transfers/<uuid:transfer_id>/withdraw/",
        TransferWithdrawApi.as_view(),
        name="transfer-withdraw",
    ),
]
