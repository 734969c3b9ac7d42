"""Urgent concerns on a referral: raise one (the receiving side), list and read
them (both sides), acknowledge one (the sending side), and turn an acknowledged
concern into a flag or a contact on the case. A concern on a referral outside the
caller's two sides is 404; a move that is not the caller's side's, or not allowed
in the concern's state, is 409 naming the state."""

from typing import Any

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import PagedMixin, UserRefSerializer
from cases.api.documents import DOWNLOAD_RESPONSES, UPLOAD_ERRORS, AnyAccept
from cases.models import ContactChannel, ContactDirection
from cases.selectors import party_get_for_actor
from common.api.concurrency import etag_for
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IDEMPOTENCY_KEY, errors
from common.errors import NotFound, ValidationError
from referrals import selectors
from referrals.api.output import AgencySerializer
from referrals.downloads import referral_document_download
from referrals.models import Concern, ConcernKind, ConcernState, ReferralDocument
from referrals.selectors import concerns as selectors_concerns
from referrals.services import concern_answers
from referrals.services import concerns as concern_services
from safeguarding.models import FlagKind

_VIEW = "referrals.referral.view"


def _referral(request, referral_id):
    """The referral, read (and logged) through the one accessor: 404 off both sides."""
    return selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)


@extend_schema_serializer(component_name="ConcernDocument")
class ConcernDocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    content_type = serializers.CharField(help_text="Detected from the file's content.")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, document: ReferralDocument) -> str:
        return reverse("api:referral-document-download", args=[document.referral_id, document.pk])


@extend_schema_serializer(component_name="ConcernSubject")
class ConcernSubjectSerializer(serializers.Serializer):
    party_id = serializers.UUIDField(source="id")
    role = serializers.CharField()


@extend_schema_serializer(component_name="Concern")
class ConcernOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    referral = serializers.UUIDField(source="referral_id")
    kind = serializers.ChoiceField(choices=ConcernKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    compartment = serializers.CharField(
        help_text="Where the concern stands on the case (victim, suspect, family, ...)."
    )
    subject = ConcernSubjectSerializer(
        allow_null=True, help_text="The person named in the referral it is about, if one."
    )
    heard = serializers.CharField(help_text="What was heard.")
    heard_at = serializers.DateTimeField()
    heard_from = serializers.CharField()
    document = ConcernDocumentSerializer(allow_null=True)
    raised_by = UserRefSerializer()
    raised_by_agency = AgencySerializer()
    raised_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=ConcernState.choices)
    urgent = serializers.SerializerMethodField(
        help_text="True until the referring agency acknowledges it."
    )
    acknowledge_due_at = serializers.DateTimeField(
        help_text="Two clock hours after it was raised (not working days)."
    )
    escalated_at = serializers.DateTimeField(
        allow_null=True, help_text="When the supervisors were told it was not acknowledged."
    )
    escalated_to_all_at = serializers.DateTimeField(
        allow_null=True, help_text="When every supervisor of the referring agency was told."
    )
    acknowledged_by = UserRefSerializer(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    action_taken = serializers.CharField()
    # Whether the acknowledged concern became a flag or a contact on the case: said,
    # not linked, since those are records of the live case the receiver never sees.
    flag_raised = serializers.SerializerMethodField()
    contact_logged = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_urgent(self, concern: Concern) -> bool:
        return concern.state == ConcernState.RAISED

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_flag_raised(self, concern: Concern) -> bool:
        return concern.flag_id is not None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_contact_logged(self, concern: Concern) -> bool:
        return concern.contact_id is not None


def _concern_response(concern: Concern, *, status_code: int = 200) -> Response:
    response = Response(ConcernOutputSerializer(concern).data, status=status_code)
    response["ETag"] = etag_for(concern.version)
    return response


class ConcernListCreateApi(PagedMixin, APIView):
    """The urgent concerns on a referral, newest first; raise one (the receiving
    side): JSON, or multipart to attach a document."""

    policy = {"GET": _VIEW, "POST": "referrals.concern.raise"}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="ConcernRaise")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ConcernKind.choices)
        heard = serializers.CharField(max_length=5000, help_text="What was heard.")
        heard_at = serializers.DateTimeField(help_text="When it was heard; not in the future.")
        heard_from = serializers.CharField(max_length=200, help_text="Who it was heard from.")
        subject = serializers.UUIDField(
            required=False,
            allow_null=True,
            help_text=(
                "The party_id of a person named in the referral's disclosure whom it is "
                "about. Required for a risk of suicide or self-harm."
            ),
        )
        document = serializers.FileField(
            required=False,
            help_text=(
                "Optional, multipart only: a PDF, plain text, Word (.docx) or OpenDocument "
                "text (.odt) document of at most 10 MB, judged by its content, as for case "
                "documents (413, 415)."
            ),
        )

    pagination_class = CursorPagination.ordered_by("-raised_at", "-id")

    @extend_schema(responses={200: ConcernOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, referral_id):
        referral = _referral(request, referral_id)
        return self.page_of(
            request,
            selectors_concerns.concern_list_for_referral(actor=request.user, referral=referral),
            ConcernOutputSerializer,
        )

    @extend_schema(
        request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: ConcernOutputSerializer,
            **errors(400, 401, 403, 404, 409, 422),
            **UPLOAD_ERRORS,
        },
        description=(
            "The referring agency's lead officer, owning team and supervisors are told "
            "at once, marked urgent. Acknowledgement is due within two clock hours; "
            "then the supervisors are told, and two hours later every supervisor."
        ),
    )
    @idempotent_create
    def post(self, request, referral_id):
        referral = _referral(request, referral_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        concern = concern_services.concern_raise(
            actor=request.user,
            referral=referral,
            kind=data["kind"],
            heard=data["heard"],
            heard_at=data["heard_at"],
            heard_from=data["heard_from"],
            subject_id=data.get("subject"),
            uploaded_file=data.get("document"),
        )
        concern = selectors_concerns.concern_scope_for_referral(
            actor=request.user, referral=referral
        ).get(pk=concern.pk)
        response = _concern_response(concern, status_code=status.HTTP_201_CREATED)
        response["Location"] = reverse(
            "api:referral-concern-detail", args=[referral.pk, concern.pk]
        )
        return response


class ConcernDetailApi(APIView):
    policy = {"GET": _VIEW}

    @extend_schema(responses={200: ConcernOutputSerializer, **errors(401, 404)})
    def get(self, request, referral_id, concern_id):
        referral = _referral(request, referral_id)
        concern = selectors_concerns.concern_get_for_actor(
            actor=request.user, referral=referral, concern_id=concern_id
        )
        return _concern_response(concern)


class _ConcernActionApi(APIView):
    """An action on one concern: found among those the caller may see (404
    otherwise); the service decides whether it is the caller's side's to take."""

    def concern_of(self, request, referral_id, concern_id) -> Concern:
        referral = _referral(request, referral_id)
        return selectors_concerns.concern_get_for_actor(
            actor=request.user, referral=referral, concern_id=concern_id
        )

    def reread(self, request, concern: Concern) -> Concern:
        return selectors_concerns.concern_scope_for_referral(
            actor=request.user, referral=concern.referral
        ).get(pk=concern.pk)


class ConcernAcknowledgeApi(_ConcernActionApi):
    policy = {"POST": "referrals.concern.acknowledge"}

    @extend_schema_serializer(component_name="ConcernAcknowledge")
    class InputSerializer(serializers.Serializer):
        action_taken = serializers.CharField(
            max_length=5000, help_text="What has been done about the concern."
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: ConcernOutputSerializer, **errors(400, 401, 403, 404, 409)},
        description="Once, by the referring agency; a second acknowledgement is 409.",
    )
    def post(self, request, referral_id, concern_id):
        concern = self.concern_of(request, referral_id, concern_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        concern_answers.concern_acknowledge(
            actor=request.user,
            concern=concern,
            action_taken=payload.validated_data["action_taken"],
        )
        return _concern_response(self.reread(request, concern))


def _party(request, concern: Concern, party_id):
    """A party of the concern's case the caller may see, else the field is wrong."""
    if party_id is None:
        return None
    try:
        return party_get_for_actor(
            actor=request.user, case=concern.referral.case, party_id=party_id
        )
    except NotFound as exc:
        raise ValidationError({"party": ["Choose a person in this case."]}) from exc


class _ConcernAnswerApi(_ConcernActionApi):
    """What an acknowledged concern became on the case (a flag, a contact), once:
    the body read, the person resolved among those the caller may see (the concern's
    subject when none is given), then the answer's service."""

    policy = {"POST": "referrals.concern.acknowledge"}
    InputSerializer: type[serializers.Serializer]

    def answer(self, **fields: Any) -> object:
        raise NotImplementedError

    def answer_post(self, request, referral_id, concern_id):
        concern = self.concern_of(request, referral_id, concern_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        party = _party(request, concern, fields.pop("party", None))
        self.answer(actor=request.user, concern=concern, party=party, **fields)
        return _concern_response(self.reread(request, concern))


class ConcernFlagApi(_ConcernAnswerApi):
    answer = staticmethod(concern_answers.concern_flag_raise)  # type: ignore[assignment]

    @extend_schema_serializer(component_name="ConcernFlag")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=FlagKind.choices)
        reason = serializers.CharField(max_length=2000)
        review_on = serializers.DateField()
        party = serializers.UUIDField(
            required=False, allow_null=True, help_text="Defaults to the concern's subject."
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: ConcernOutputSerializer, **errors(400, 401, 403, 404, 409)},
        description="Raise a flag on the case from an acknowledged concern (once).",
    )
    def post(self, request, referral_id, concern_id):
        return self.answer_post(request, referral_id, concern_id)


class ConcernContactApi(_ConcernAnswerApi):
    answer = staticmethod(concern_answers.concern_contact_record)  # type: ignore[assignment]

    @extend_schema_serializer(component_name="ConcernContact")
    class InputSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(choices=ContactChannel.choices)
        summary = serializers.CharField(max_length=5000)
        direction = serializers.ChoiceField(
            choices=ContactDirection.choices, required=False, default=ContactDirection.OUTBOUND
        )
        contacted_at = serializers.DateTimeField(required=False, allow_null=True)
        party = serializers.UUIDField(
            required=False, allow_null=True, help_text="Defaults to the concern's subject."
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: ConcernOutputSerializer, **errors(400, 401, 403, 404, 409)},
        description="Log the contact made because of an acknowledged concern (once).",
    )
    def post(self, request, referral_id, concern_id):
        return self.answer_post(request, referral_id, concern_id)


class ReferralDocumentDownloadApi(APIView):
    """A document of the referral: shared with its disclosure, or attached to a
    concern the caller may see. Each download is written to the access log."""

    policy = {"GET": _VIEW}
    content_negotiation_class = AnyAccept

    @extend_schema(responses=DOWNLOAD_RESPONSES)
    def get(self, request, referral_id, document_id):
        return referral_document_download(request, referral_id, document_id)


urlpatterns = [
    path(
        "referrals/<uuid:referral_id>/concerns/",
        ConcernListCreateApi.as_view(),
        name="referral-concerns",
    ),
    path(
        "referrals/<uuid:referral_id>/concerns/<uuid:concern_id>/",
        ConcernDetailApi.as_view(),
        name="referral-concern-detail",
    ),
    path(
        "referrals/<uuid:referral_id>/concerns/<uuid:concern_id>/acknowledge/",
        ConcernAcknowledgeApi.as_view(),
        name="referral-concern-acknowledge",
    ),
    path(
        "referrals/<uuid:referral_id>/concerns/<uuid:concern_id>/flag/",
        ConcernFlagApi.as_view(),
        name="referral-concern-flag",
    ),
    path(
        "referrals/<uuid:referral_id>/concerns/<uuid:concern_id>/contact/",
        ConcernContactApi.as_view(),
        name="referral-concern-contact",
    ),
    path(
        "referrals/<uuid:referral_id>/documents/<uuid:document_id>/download/",
        ReferralDocumentDownloadApi.as_view(),
        name="referral-document-download",
    ),
]
