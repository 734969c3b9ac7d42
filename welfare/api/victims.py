"""Victims' care: a victim's care record (service level, named point of contact,
preferences for updates), read and changed one thing at a time."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import UserRefSerializer
from common.api.concurrency import ETagMixin, expected_version
from common.api.schema import IF_MATCH, errors
from welfare.models import EnhancedReason, ServiceLevel, VictimCare
from welfare.selectors import victims as victim_selectors
from welfare.services import victim_care as care_services


@extend_schema_serializer(component_name="VictimCare")
class VictimCareOutputSerializer(serializers.ModelSerializer):
    party = serializers.SerializerMethodField()
    service_level = serializers.ChoiceField(choices=ServiceLevel.choices)
    service_level_label = serializers.CharField(source="get_service_level_display")
    enhanced_reason_label = serializers.CharField(source="get_enhanced_reason_display")
    point_of_contact = UserRefSerializer(allow_null=True)

    class Meta:
        model = VictimCare
        fields = [
            "id",
            "party",
            "service_level",
            "service_level_label",
            "enhanced_reason",
            "enhanced_reason_label",
            "point_of_contact",
            "wants_updates",
            "opt_out_note",
            "spoken_for_by",
            "regular_update_working_days",
            "version",
            "updated_at",
        ]

    def get_party(self, care: VictimCare) -> dict:
        return {"id": str(care.party_id), "full_name": care.party.person.full_name}


_LEVEL_FIELDS = {"service_level", "enhanced_reason"}
_CONTACT_FIELDS = {"point_of_contact"}
_PREFERENCE_FIELDS = {
    "wants_updates",
    "opt_out_note",
    "spoken_for_by",
    "regular_update_working_days",
}


class VictimCareApi(ETagMixin, APIView):
    policy = {"GET": "welfare.victim_care.view", "PATCH": "welfare.victim_care.change"}

    @extend_schema_serializer(component_name="VictimCareChange")
    class InputSerializer(serializers.Serializer):
        service_level = serializers.ChoiceField(choices=ServiceLevel.choices, required=False)
        enhanced_reason = serializers.ChoiceField(
            choices=EnhancedReason.choices, required=False, allow_blank=True
        )
        point_of_contact = serializers.CharField(
            required=False, help_text="The username of the new named point of contact."
        )
        wants_updates = serializers.BooleanField(required=False)
        opt_out_note = serializers.CharField(required=False, allow_blank=True)
        spoken_for_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
        regular_update_working_days = serializers.IntegerField(
            required=False,
            allow_null=True,
            help_text="Working days between regular updates (1 to 60); null to stop them.",
        )
        reason = serializers.CharField(max_length=100, required=False, allow_blank=True)

        def validate(self, attrs):
            groups = [
                group
                for group in (_LEVEL_FIELDS, _CONTACT_FIELDS, _PREFERENCE_FIELDS)
                if group & set(attrs)
            ]
            if len(groups) != 1:
                raise serializers.ValidationError(
                    {
                        "non_field_errors": [
                            "Change one thing at a time: the service level, the named "
                            "contact, or the victim's preferences."
                        ]
                    }
                )
            return attrs

    def _care(self, request, case_id, party_id, action):
        case = victim_selectors.victim_care_case_get(
            actor=request.user, case_id=case_id, action=action
        )
        party = victim_selectors.victim_party_get(actor=request.user, case=case, party_id=party_id)
        return care_services.victim_care_ensure(actor=request.user, party=party)

    @extend_schema(responses={200: VictimCareOutputSerializer, **errors(401, 404)})
    def get(self, request, case_id, party_id):
        care = self._care(request, case_id, party_id, "welfare.victim_care.view")
        return self.with_etag(Response(VictimCareOutputSerializer(care).data), care.version)

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH],
        responses={200: VictimCareOutputSerializer, **errors(400, 401, 403, 404, 412, 428)},
    )
    def patch(self, request, case_id, party_id):
        care = self._care(request, case_id, party_id, "welfare.victim_care.change")
        version = expected_version(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        reason = data.pop("reason", "")
        common = {"actor": request.user, "care": care, "expected_version": version}
        if _LEVEL_FIELDS & set(data):
            updated = care_services.victim_service_level_change(
                **common,
                service_level=data.get("service_level", care.service_level),
                enhanced_reason=data.get("enhanced_reason", ""),
                reason=reason,
            )
        elif "point_of_contact" in data:
            contact = victim_selectors.point_of_contact_get_for_actor(
                actor=request.user, username=data["point_of_contact"]
            )
            updated = care_services.victim_point_of_contact_change(
                **common, point_of_contact=contact, reason=reason
            )
        else:
            updated = care_services.victim_preferences_set(
                **common,
                wants_updates=data.get("wants_updates"),
                opt_out_note=data.get("opt_out_note"),
                spoken_for_by=data.get("spoken_for_by"),
                regular_update_working_days=data.get(
                    "regular_update_working_days", care_services.KEEP
                ),
                reason=reason,
            )
        updated = victim_selectors.victim_care_find(actor=request.user, party=care.party)
        return self.with_etag(Response(VictimCareOutputSerializer(updated).data), updated.version)


urlpatterns = [
    path(
        "cases/<uuid:case_id>/victims/<uuid:party_id>/care/",
        VictimCareApi.as_view(),
        name="victim-care",
    ),
]
