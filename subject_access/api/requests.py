"""Subject access requests (subject_access.services.requests): the agency's requests
and a new one; one request and a correction of its details (If-Match); its gathered
items; its moves, each a POST to a named action (409 naming the state); and the
export as a ZIP."""

from typing import Any

from django.http import HttpResponse
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import PagedMixin, UserRefSerializer
from common.api.concurrency import (
    ETAG_PATTERN,
    etag_for,
    expected_version,
    expected_version_if_sent,
)
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IDEMPOTENCY_KEY, IF_MATCH, errors
from common.errors import NotFound
from subject_access.models import (
    Exemption,
    IdentityCheck,
    ItemDecision,
    LegalBasis,
    RequesterRelationship,
    SubjectAccessItem,
    SubjectAccessRequest,
)
from subject_access.selectors import requests as selectors
from subject_access.services import requests as services
from subject_access.services.export import sar_export_zip

VIEW = "subject_access.request.view"
MANAGE = "subject_access.request.manage"
RELEASE = "subject_access.request.release"

IF_MATCH_OPTIONAL = OpenApiParameter(
    name="If-Match",
    type={"type": "string", "pattern": ETAG_PATTERN},
    location=OpenApiParameter.HEADER,
    required=False,
    description='The ETag of the version you last read, such as "3". Optional: sent, a '
    "version no longer current answers 412; `*` answers 428.",
)


@extend_schema_serializer(component_name="SubjectAccessPerson")
class PersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    full_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)


@extend_schema_serializer(component_name="SubjectAccessRequest")
class RequestOutputSerializer(serializers.ModelSerializer):
    subjects = serializers.SerializerMethodField()
    handler = UserRefSerializer()

    class Meta:
        model = SubjectAccessRequest
        fields = [
            "id",
            "reference",
            "legal_basis",
            "received_on",
            "requester_name",
            "requester_relationship",
            "requester_address",
            "requester_email",
            "identity_check",
            "identity_note",
            "subjects",
            "due_on",
            "extended_due_on",
            "extension_reason",
            "response_due_on",
            "state",
            "state_reason",
            "handler",
            "export_built_at",
            "reviewed_at",
            "closed_at",
            "created_at",
            "version",
        ]

    @extend_schema_field(PersonSerializer(many=True))
    def get_subjects(self, request: SubjectAccessRequest) -> list[dict[str, Any]]:
        # The subjects prefetched in order by the list (sar_list), or read for one.
        return list(PersonSerializer(request.subjects.all(), many=True).data)


@extend_schema_serializer(component_name="SubjectAccessItem")
class ItemOutputSerializer(serializers.ModelSerializer):
    content = serializers.DictField(child=serializers.CharField())
    third_parties = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = SubjectAccessItem
        fields = [
            "id",
            "position",
            "section",
            "case_reference",
            "title",
            "content",
            "third_parties",
            "needs_review",
            "decision",
            "exemption",
            "withhold_reason",
            "decided_at",
        ]


def _with_etag(request: SubjectAccessRequest, code: int = status.HTTP_200_OK) -> Response:
    response = Response(RequestOutputSerializer(request).data, status=code)
    response["ETag"] = etag_for(request.version)
    return response


class RequestListCreateApi(PagedMixin, APIView):
    policy = {"GET": VIEW, "POST": MANAGE}
    pagination_class = CursorPagination.ordered_by("response_due_on", "id")

    class QuerySerializer(serializers.Serializer):
        show = serializers.ChoiceField(choices=["open", "all"], required=False, default="open")

    @extend_schema_serializer(component_name="SubjectAccessRequestCreate")
    class InputSerializer(serializers.Serializer):
        legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
        received_on = serializers.DateField(help_text="Today or earlier.")
        requester_name = serializers.CharField(max_length=200)
        requester_relationship = serializers.ChoiceField(
            choices=RequesterRelationship.choices, required=False, default="self"
        )
        requester_address = serializers.CharField(required=False, allow_blank=True, default="")
        requester_email = serializers.EmailField(required=False, allow_blank=True, default="")
        identity_check = serializers.ChoiceField(choices=IdentityCheck.choices)
        identity_note = serializers.CharField(required=False, allow_blank=True, default="")
        subjects = serializers.ListField(
            child=serializers.UUIDField(),
            help_text="The ids of your agency's person records the request is about "
            "(GET /subject-access-requests/people/ finds them).",
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "show",
                {"type": "string", "enum": ["open", "all"]},
                required=False,
                description="`open` (by default): the requests still owed; `all`: every one.",
            )
        ],
        responses={200: RequestOutputSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        """The agency's requests, soonest due first."""
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        requests = selectors.sar_list(actor=request.user, show=query.validated_data["show"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(requests, request, self)
        # The list names whom each request is about: those people's reads are logged.
        selectors.sar_subjects_listed(actor=request.user, requests=page)
        return paginator.get_paginated_response(RequestOutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: RequestOutputSerializer, **errors(400, 401, 403, 422)},
    )
    @idempotent_create
    def post(self, request):
        """Record a request about your agency's person records; its deadline (a
        calendar month from receipt) is computed and stored."""
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        created = services.sar_create(actor=request.user, subject_ids=data.pop("subjects"), **data)
        found = selectors.sar_get_for_actor(actor=request.user, request_id=created.pk, log=False)
        response = _with_etag(found, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:subject-access-request-detail", args=[found.pk])
        return response


class PeopleApi(APIView):
    policy = {"GET": MANAGE}

    class QuerySerializer(serializers.Serializer):
        q = serializers.CharField(max_length=200)
        date_of_birth = serializers.DateField(required=False)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="Every word of a name."),
            OpenApiParameter("date_of_birth", OpenApiTypes.DATE, required=False),
        ],
        responses={
            200: inline_serializer(
                "SubjectAccessPeople", fields={"results": PersonSerializer(many=True)}
            ),
            **errors(400, 401, 403),
        },
    )
    def get(self, request):
        """Your agency's person records matching a name (at most 20): whom a request
        may be about. Never a bare array: `{"results": [...]}`, as every list."""
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = selectors.sar_person_search(
            actor=request.user,
            text=query.validated_data["q"],
            date_of_birth=query.validated_data.get("date_of_birth"),
        )
        return Response({"results": PersonSerializer(found, many=True).data})


class RequestDetailApi(APIView):
    policy = {"GET": VIEW, "PATCH": MANAGE}

    @extend_schema_serializer(component_name="SubjectAccessRequestChange")
    class InputSerializer(serializers.Serializer):
        requester_name = serializers.CharField(max_length=200, required=False)
        requester_relationship = serializers.ChoiceField(
            choices=RequesterRelationship.choices, required=False
        )
        requester_address = serializers.CharField(required=False, allow_blank=True)
        requester_email = serializers.EmailField(required=False, allow_blank=True)
        identity_check = serializers.ChoiceField(choices=IdentityCheck.choices, required=False)
        identity_note = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(responses={200: RequestOutputSerializer, **errors(401, 404)})
    def get(self, request, request_id):
        found = selectors.sar_get_for_actor(actor=request.user, request_id=request_id)
        return _with_etag(found)

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH],
        responses={200: RequestOutputSerializer, **errors(400, 401, 404, 409, 412, 428)},
    )
    def patch(self, request, request_id):
        """Correct the requester's details or how their identity was verified (409 once
        the request is closed)."""
        found = selectors.sar_get_for_actor(actor=request.user, request_id=request_id, log=False)
        version = expected_version(request)
        payload = self.InputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        changed = services.sar_update(
            actor=request.user,
            request=found,
            expected_version=version,
            **payload.validated_data,
        )
        return _with_etag(changed)


class ItemListApi(PagedMixin, APIView):
    policy = {"GET": VIEW}
    pagination_class = CursorPagination.ordered_by("position")

    @extend_schema(responses={200: ItemOutputSerializer(many=True), **errors(400, 401, 404)})
    def get(self, request, request_id):
        """The records gathered for the export, in its order, each with the other
        people it names and the reviewer's decision."""
        found = selectors.sar_get_for_actor(actor=request.user, request_id=request_id)
        return self.page_of(request, selectors.sar_items(request=found), ItemOutputSerializer)


class MoveApi(APIView):
    """A move of a request: a POST to its named action."""

    move = ""
    body: type[serializers.Serializer] | None = None

    def post(self, request, request_id):
        found = selectors.sar_get_for_actor(actor=request.user, request_id=request_id, log=False)
        version = expected_version_if_sent(request)
        values: dict[str, Any] = {}
        if self.body is not None:
            payload = self.body(data=request.data)
            payload.is_valid(raise_exception=True)
            values = self.values(payload.validated_data)
        moved = _SERVICES[self.move](
            actor=request.user, request=found, expected_version=version, **values
        )
        return _with_etag(moved)

    def values(self, data: dict[str, Any]) -> dict[str, Any]:
        return dict(data)


@extend_schema_serializer(component_name="SubjectAccessReason")
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


@extend_schema_serializer(component_name="SubjectAccessItemReview")
class ItemReviewSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    # The item's decision's own choices (one enum in the schema); `pending` is refused
    # by the service, naming the item's field.
    decision = serializers.ChoiceField(choices=ItemDecision.choices)
    exemption = serializers.ChoiceField(
        choices=Exemption.choices, required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="SubjectAccessReview")
class ReviewSerializer(serializers.Serializer):
    items = ItemReviewSerializer(many=True)


_SERVICES = {
    "start": services.sar_start,
    "build": services.sar_export_build,
    "review": services.sar_review_record,
    "release": services.sar_release,
    "extend": services.sar_extend,
    "refuse": services.sar_refuse,
    "withdraw": services.sar_withdraw,
}

_DESCRIPTIONS = {
    "start": "Start gathering records (from `received`).",
    "build": "Gather everything the agency holds about the request's people into the "
    "export; items that name other people are marked for review (from any open state; "
    "a rebuild starts the review again). Logged.",
    "review": "Record the review: each item marked for review released or withheld, "
    "with an exemption and a reason (400 naming `item_<n>_<field>`).",
    "release": "Release the reviewed export (400 naming `review` until every item that "
    "names other people is reviewed). Logged.",
    "extend": "Extend the deadline by two further months for a complex request, with a "
    "reason (UK GDPR only: 400 naming `legal_basis` for section 45).",
    "refuse": "Refuse the request, with the ground relied on.",
    "withdraw": "Record that the requester withdrew it, with how.",
}


def _move_api(
    name: str, capability: str, body: type[serializers.Serializer] | None
) -> type[MoveApi]:
    class Move(MoveApi):
        policy = {"POST": capability}
        move = name

    Move.body = body
    if name == "review":
        Move.values = lambda self, data: {  # type: ignore[method-assign]
            "reviews": {
                str(item["id"]): services.ItemReview(
                    decision=item["decision"],
                    exemption=item.get("exemption", ""),
                    reason=item.get("reason", ""),
                )
                for item in data["items"]
            }
        }
    Move.__name__ = Move.__qualname__ = f"SubjectAccess{name.title()}Api"

    def post(self, request, request_id):
        return MoveApi.post(self, request, request_id)

    Move.post = extend_schema(  # type: ignore[method-assign]
        request=body,
        parameters=[IF_MATCH_OPTIONAL],
        responses={200: RequestOutputSerializer, **errors(400, 401, 403, 404, 409, 412)},
        description=_DESCRIPTIONS[name],
        operation_id=f"subject_access_requests_{name}",
    )(post)
    return Move


class AnyAccept(BaseContentNegotiation):
    """The export answers as a ZIP whatever the client accepts; errors come back as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportApi(APIView):
    policy = {"GET": VIEW}
    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={(200, "application/zip"): OpenApiTypes.BINARY, **errors(401, 404)},
        description="The export as a ZIP of a PDF and a JSON file: the reviewer's working "
        "copy until released, then what the requester receives. 404 until the records "
        "are gathered. Each download is logged.",
    )
    def get(self, request, request_id):
        found = selectors.sar_get_for_actor(actor=request.user, request_id=request_id, log=False)
        if found.export_built_at is None:
            raise NotFound()
        name, content = sar_export_zip(actor=request.user, request=found)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


_BASE = "subject-access-requests/"
_MOVES = [
    ("start", MANAGE, None),
    ("build", MANAGE, None),
    ("review", MANAGE, ReviewSerializer),
    ("release", RELEASE, None),
    ("extend", MANAGE, ReasonSerializer),
    ("refuse", MANAGE, ReasonSerializer),
    ("withdraw", MANAGE, ReasonSerializer),
]

urlpatterns = [
    path(_BASE, RequestListCreateApi.as_view(), name="subject-access-request-list"),
    path(f"{_BASE}people/", PeopleApi.as_view(), name="subject-access-people"),
    path(
        f"{_BASE}<uuid:request_id>/",
        RequestDetailApi.as_view(),
        name="subject-access-request-detail",
    ),
    path(
        f"{_BASE}<uuid:request_id>/items/",
        ItemListApi.as_view(),
        name="subject-access-request-items",
    ),
    path(
        f"{_BASE}<uuid:request_id>/export/",
        ExportApi.as_view(),
        name="subject-access-request-export",
    ),
    *(
        path(
            f"{_BASE}<uuid:request_id>/{name}/",
            _move_api(name, capability, body).as_view(),
            name=f"subject-access-request-{name}",
        )
        for name, capability, body in _MOVES
    ),
]
