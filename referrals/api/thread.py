"""A referral's message thread between its two sides, and the documents the sender
shares with its disclosure (attached while drafting, fixed when sent)."""

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import PagedMixin, UserRefSerializer
from cases.selectors import document_list
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IDEMPOTENCY_KEY, errors
from referrals import selectors
from referrals.api.output import AgencySerializer, DisclosedDocumentSerializer
from referrals.models import ReferralDocument, ReferralMessage, ThreadSide
from referrals.selectors import concerns as selectors_concerns
from referrals.selectors.sides import SENDER, referral_side_require
from referrals.services import disclosure_documents
from referrals.services.messages import message_post

_VIEW = "referrals.referral.view"


def _referral(request, referral_id):
    return selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)


@extend_schema_serializer(component_name="ReferralMessage")
class MessageOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    side = serializers.ChoiceField(
        choices=ThreadSide.choices, help_text="Which side of the referral wrote it."
    )
    author = UserRefSerializer()
    author_agency = AgencySerializer()
    body = serializers.CharField()
    posted_at = serializers.DateTimeField()


class MessageListCreateApi(PagedMixin, APIView):
    """The thread, oldest first; post to it. Only the referral's two sides."""

    policy = {"GET": _VIEW, "POST": "referrals.message.post"}

    @extend_schema_serializer(component_name="ReferralMessagePost")
    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=5000)

    pagination_class = CursorPagination.ordered_by("posted_at", "id")

    @extend_schema(responses={200: MessageOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, referral_id):
        referral = _referral(request, referral_id)
        return self.page_of(
            request,
            selectors_concerns.message_list(actor=request.user, referral=referral),
            MessageOutputSerializer,
        )

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: MessageOutputSerializer, **errors(400, 401, 403, 404, 409, 422)},
        description=(
            "The other side is told there is a message (the notification and its email "
            "carry none of its words). 409 on a draft, which the receiver cannot see."
        ),
    )
    @idempotent_create
    def post(self, request, referral_id):
        referral = _referral(request, referral_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        message = message_post(
            actor=request.user, referral=referral, body=payload.validated_data["body"]
        )
        message = ReferralMessage.objects.select_related("author", "author_agency").get(
            pk=message.pk
        )
        return Response(MessageOutputSerializer(message).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="ReferralDocument")
class ReferralDocumentOutputSerializer(DisclosedDocumentSerializer):
    # A disclosed document as its referral's two sides see it: who shared it, when,
    # and where to download it. (A comment, not a docstring: the schema is unchanged.)
    uploaded_by = UserRefSerializer()
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, document: ReferralDocument) -> str:
        return reverse("api:referral-document-download", args=[document.referral_id, document.pk])


class DisclosureDocumentListCreateApi(PagedMixin, APIView):
    """The documents shared with the disclosure; share one of the case's documents
    with a draft (the sending side). Each is a copy, fixed when the referral is sent."""

    policy = {"GET": _VIEW, "POST": "referrals.referral.create"}

    @extend_schema_serializer(component_name="DisclosureDocumentAttach")
    class InputSerializer(serializers.Serializer):
        case_document = serializers.UUIDField(help_text="A document of the referral's case.")

    pagination_class = CursorPagination.ordered_by("uploaded_at", "id")

    @extend_schema(responses={200: ReferralDocumentOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, referral_id):
        referral = _referral(request, referral_id)
        return self.page_of(
            request,
            selectors_concerns.disclosure_document_list(actor=request.user, referral=referral),
            ReferralDocumentOutputSerializer,
        )

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: ReferralDocumentOutputSerializer,
            **errors(400, 401, 403, 404, 409, 422),
        },
        description="Only while the referral is a draft (409 once it is sent).",
    )
    @idempotent_create
    def post(self, request, referral_id):
        referral = _referral(request, referral_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case_document = None
        if referral_side_require(request.user, referral) == SENDER:
            case_document = (
                document_list(actor=request.user, case=referral.case)
                .filter(pk=payload.validated_data["case_document"])
                .first()
            )
        shared = disclosure_documents.disclosure_document_attach(
            actor=request.user, referral=referral, case_document=case_document
        )
        response = Response(
            ReferralDocumentOutputSerializer(shared).data, status=status.HTTP_201_CREATED
        )
        response["Location"] = ReferralDocumentOutputSerializer().get_download_url(shared)
        return response


class DisclosureDocumentDetailApi(APIView):
    policy = {"DELETE": "referrals.referral.create"}

    @extend_schema(
        responses={204: None, **errors(401, 403, 404, 409)},
        description="Take a document out of a draft's disclosure (409 once sent).",
    )
    def delete(self, request, referral_id, document_id):
        referral = _referral(request, referral_id)
        document = selectors_concerns.disclosure_document_get_for_actor(
            actor=request.user, referral=referral, document_id=document_id
        )
        disclosure_documents.disclosure_document_remove(
            actor=request.user, referral=referral, referral_document=document
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path(
        "referrals/<uuid:referral_id>/messages/",
        MessageListCreateApi.as_view(),
        name="referral-messages",
    ),
    path(
        "referrals/<uuid:referral_id>/documents/",
        DisclosureDocumentListCreateApi.as_view(),
        name="referral-documents",
    ),
    path(
        "referrals/<uuid:referral_id>/documents/<uuid:document_id>/",
        DisclosureDocumentDetailApi.as_view(),
        name="referral-document-detail",
    ),
]
