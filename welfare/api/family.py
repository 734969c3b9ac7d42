"""Support for suspects' families: what a case owes each suspect's family (family
members, children in the household, packs, duties, referrals), recording a family
pack, and closing a referral duty by a referral, a refusal or a reason."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import CaseNestedMixin, PartyRefSerializer, UserRefSerializer
from common.api.fields import optional_date, optional_text
from common.api.idempotency import idempotent_create
from common.api.schema import errors
from common.errors import ValidationError
from referrals.api.output import AgencySerializer
from referrals.models import ReferralPurpose, ReferralState
from welfare.models import DutyKind, DutyStatus, FamilyPack
from welfare.selectors import family as family_selectors
from welfare.services.duty_referral import duty_meet_by_referral
from welfare.services.family import family_pack_record


@extend_schema_serializer(component_name="FamilyPack")
class FamilyPackSerializer(serializers.ModelSerializer):
    suspect = serializers.UUIDField(source="suspect_id")
    event = serializers.UUIDField(source="event_id", allow_null=True)
    given_by = UserRefSerializer(allow_null=True)
    recorded_by = UserRefSerializer()

    class Meta:
        model = FamilyPack
        fields = [
            "id",
            "suspect",
            "event",
            "given",
            "given_on",
            "given_by",
            "given_to",
            "pack_version",
            "accepted",
            "not_given_reason",
            "recorded_by",
            "created_at",
        ]


@extend_schema_serializer(component_name="ReferralDuty")
class ReferralDutySerializer(serializers.Serializer):
    """A duty of care about a suspect's family, or one that a referral meets."""

    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=DutyKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    party = serializers.UUIDField(source="party_id", help_text="The victim, or the suspect.")
    status = serializers.ChoiceField(choices=DutyStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    reason = serializers.CharField(help_text="What created the duty.")
    due_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution_note = serializers.CharField()
    referral = serializers.UUIDField(source="referral_id", allow_null=True)
    external_reference = serializers.CharField(
        help_text="For a duty closed as not needed: another agency's reference."
    )
    version = serializers.IntegerField()


@extend_schema_serializer(component_name="FamilyMember")
class FamilyMemberSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    role = serializers.CharField()
    full_name = serializers.CharField(source="person.full_name")
    relationship = serializers.CharField()


@extend_schema_serializer(component_name="FamilyReferral")
class FamilyReferralSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.ChoiceField(choices=ReferralPurpose.choices)
    state = serializers.ChoiceField(choices=ReferralState.choices)
    to_agency = AgencySerializer()
    sent_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="SuspectFamily")
class SuspectFamilySerializer(serializers.Serializer):
    suspect = PartyRefSerializer()
    family_members = FamilyMemberSerializer(many=True)
    children = FamilyMemberSerializer(many=True, help_text="Children in the suspect's household.")
    packs = FamilyPackSerializer(many=True)
    duties = ReferralDutySerializer(many=True)


@extend_schema_serializer(component_name="FamilySupport")
class FamilySupportSerializer(serializers.Serializer):
    suspects = SuspectFamilySerializer(many=True)
    referrals = FamilyReferralSerializer(
        many=True, help_text="The case's family-support and safeguarding referrals."
    )


class FamilySupportApi(CaseNestedMixin, APIView):
    policy = {"GET": "welfare.family.view", "POST": "welfare.family.record"}

    @extend_schema_serializer(component_name="FamilyPackCreate")
    class InputSerializer(serializers.Serializer):
        suspect = serializers.UUIDField(
            required=False, allow_null=True, help_text="The id of a suspect party of this case."
        )
        given = serializers.BooleanField(
            required=False, allow_null=True, default=None, help_text="Was the pack given?"
        )
        given_on = optional_date(help_text="Required if given.")
        given_to = optional_text(help_text="Who in the family.")
        pack_version = optional_text()
        accepted = serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Did the family take it up? Null when not known yet.",
        )
        not_given_reason = optional_text(help_text="Required if not given.")
        event = serializers.UUIDField(
            required=False,
            allow_null=True,
            default=None,
            help_text="The arrest or search of this suspect that the pack follows.",
        )

    @extend_schema(responses={200: FamilySupportSerializer, **errors(401, 404)})
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        support = family_selectors.family_support_get(actor=request.user, case=case)
        return Response(FamilySupportSerializer(support).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: FamilyPackSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        data = self.payload_for(request, case)
        suspect = family_selectors.family_suspect_get_for_actor(
            actor=request.user, case=case, suspect_id=data.pop("suspect", None)
        )
        event_id = data.pop("event")
        event = family_selectors.family_event_get_for_actor(
            actor=request.user, case=case, event_id=event_id
        )
        if event_id and event is None:
            raise ValidationError({"event": ["Choose the arrest or search of this suspect."]})
        pack = family_pack_record(
            actor=request.user, case=case, suspect=suspect, event=event, **data
        )
        return Response(FamilyPackSerializer(pack).data, status=status.HTTP_201_CREATED)


class DutyReferralApi(APIView):
    policy = {"POST": "welfare.duty.meet"}

    @extend_schema_serializer(component_name="DutyReferralResolve")
    class InputSerializer(serializers.Serializer):
        referral = serializers.UUIDField(
            required=False,
            allow_null=True,
            default=None,
            help_text="A sent referral of this case, of the duty's purpose.",
        )
        declined_reason = optional_text(
            help_text="The person refused support (not for children's safeguarding)."
        )
        not_needed_reason = optional_text(help_text="Why no referral is needed.")
        external_reference = optional_text(
            help_text="With a reason not needed: for example, children's services' reference."
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: ReferralDutySerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request, duty_id):
        duty = family_selectors.referral_duty_get_for_actor(actor=request.user, duty_id=duty_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        referral_id = data.pop("referral")
        referral = family_selectors.family_referral_get_for_actor(
            actor=request.user, referral_id=referral_id
        )
        if referral_id and referral is None:
            raise ValidationError({"referral": ["Choose a referral of this case."]})
        met = duty_meet_by_referral(actor=request.user, duty=duty, referral=referral, **data)
        return Response(ReferralDutySerializer(met).data)


urlpatterns = [
    path(
        "cases/<uuid:case_id>/family-support/",
        FamilySupportApi.as_view(),
        name="case-family-support",
    ),
    path("duties/<uuid:duty_id>/referral/", DutyReferralApi.as_view(), name="duty-referral"),
]
