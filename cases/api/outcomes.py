"""Outcomes of a case, one per suspect: list, record, and whether a conditional
caution was complied with (`caution-compliance/`, with If-Match; `conditions/` is
its older form, without)."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import reports, selectors
from cases.api.common import CaseNestedMixin, PartyField, PartyRefSerializer, UserRefSerializer
from cases.models import Outcome, OutcomeCode
from cases.models.outcome import OUTCOME_21_CONDITIONS
from cases.outcome_groups import OUTCOME_GROUPS, outcome_group_of
from cases.services import outcome_cautions
from cases.services import outcomes as outcome_services
from common.api.concurrency import ETagMixin, expected_version
from common.api.fields import optional_date, optional_text
from common.api.idempotency import idempotent_create
from common.api.schema import IF_MATCH, errors, results_of

_CONDITION_KEYS = ", ".join(f"`{key}`" for key in OUTCOME_21_CONDITIONS)
_GROUP_KEYS = ", ".join(f"`{key}`" for key in OUTCOME_GROUPS)


@extend_schema_serializer(component_name="Outcome")
class OutcomeOutputSerializer(serializers.ModelSerializer):
    code = serializers.ChoiceField(choices=OutcomeCode.choices)
    code_label = serializers.CharField(source="get_code_display")
    group = serializers.SerializerMethodField(
        help_text=f"The outcome report's group of this code: one of {_GROUP_KEYS}."
    )
    suspect = PartyRefSerializer()
    recorded_by = UserRefSerializer()
    outcome_21_confirmations = serializers.DictField(
        child=serializers.BooleanField(),
        help_text=f"For Outcome 21, each condition confirmed: {_CONDITION_KEYS}.",
    )
    caution_state = serializers.SerializerMethodField(
        help_text=(
            "Where a caution's compliance stands: `not_conditional_caution`, "
            "`compliance_due` (not recorded yet), `complied` or `not_complied` (the "
            "prosecution decision is opened on the officer in charge)."
        )
    )
    prosecution_decision_due = serializers.SerializerMethodField(
        help_text=(
            "A conditional caution whose conditions were not met, or not recorded as met "
            "by the day after they were due: the case needs a prosecution decision."
        )
    )

    class Meta:
        model = Outcome
        fields = [
            "id",
            "code",
            "code_label",
            "group",
            "suspect",
            "outcome_on",
            "rationale",
            "outcome_21_confirmations",
            "is_conditional_caution",
            "caution_conditions",
            "conditions_due_on",
            "conditions_met",
            "conditions_checked_on",
            "caution_state",
            "prosecution_decision_due",
            "recorded_by",
            "version",
            "created_at",
        ]

    def get_group(self, outcome: Outcome) -> str:
        return outcome_group_of(outcome.code)

    def get_caution_state(self, outcome: Outcome) -> str:
        return outcome_cautions.caution_state(outcome)

    def get_prosecution_decision_due(self, outcome: Outcome) -> bool:
        return reports.prosecution_decision_due(outcome)


class SuspectField(PartyField):
    """A party of the case that the caller may see; the service checks it is a suspect."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError("Choose a suspect in this case.") from exc


class OutcomeListCreateApi(CaseNestedMixin, APIView):
    policy = {"GET": "cases.outcome.view", "POST": "cases.outcome.add"}

    @extend_schema_serializer(component_name="OutcomeCreate")
    class InputSerializer(serializers.Serializer):
        suspect = SuspectField(help_text="The id of a suspect party of this case.")
        code = serializers.ChoiceField(
            choices=OutcomeCode.choices,
            error_messages={
                "invalid_choice": (
                    '"{input}" is not an outcome code offered here (19 applies to fraud only).'
                )
            },
        )
        outcome_on = serializers.DateField()
        rationale = serializers.CharField(allow_blank=True)
        outcome_21_confirmations = serializers.DictField(
            child=serializers.BooleanField(),
            required=False,
            default=dict,
            help_text=(
                "Outcome 21 only: every condition of the College of Policing guidance, "
                f"confirmed true: {_CONDITION_KEYS}."
            ),
        )
        caution_conditions = optional_text(
            help_text="A conditional caution's conditions, such as attending a course."
        )
        conditions_due_on = optional_date(
            help_text="The date by which the conditions must be met; after the outcome date."
        )

    @extend_schema(
        responses={200: results_of("OutcomeList", OutcomeOutputSerializer), **errors(401, 404)}
    )
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        outcomes = selectors.outcome_list(actor=request.user, case=case)
        return Response({"results": OutcomeOutputSerializer(outcomes, many=True).data})

    @extend_schema(
        request=InputSerializer,
        responses={201: OutcomeOutputSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        data = self.payload_for(request, case)
        outcome = outcome_services.outcome_record(actor=request.user, case=case, **data)
        return Response(OutcomeOutputSerializer(outcome).data, status=status.HTTP_201_CREATED)


class OutcomeConditionsApi(CaseNestedMixin, APIView):
    policy = {"POST": "cases.outcome.add"}

    @extend_schema_serializer(component_name="OutcomeConditionsCheck")
    class InputSerializer(serializers.Serializer):
        met = serializers.BooleanField(help_text="Were the caution's conditions met?")
        checked_on = serializers.DateField(required=False, help_text="Defaults to today.")

    @extend_schema(
        request=InputSerializer,
        responses={200: OutcomeOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id, outcome_id):
        case = self.get_case(request, case_id)
        outcome = selectors.outcome_get_for_actor(
            actor=request.user, case=case, outcome_id=outcome_id
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        checked = outcome_services.outcome_conditions_record(
            actor=request.user, outcome=outcome, **payload.validated_data
        )
        return Response(OutcomeOutputSerializer(checked).data)


class _CautionChangeApi(CaseNestedMixin, ETagMixin, APIView):
    """A change of a conditional caution (its compliance, its terms): the outcome read
    in the case, If-Match required, the body through the view's InputSerializer, and
    the outcome as it now is, with its ETag."""

    InputSerializer: type[serializers.Serializer]

    def caution_change(self, request, case_id, outcome_id, change):
        case = self.get_case(request, case_id)
        outcome = selectors.outcome_get_for_actor(
            actor=request.user, case=case, outcome_id=outcome_id
        )
        version = expected_version(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changed = change(
            actor=request.user, outcome=outcome, expected_version=version, **payload.validated_data
        )
        return self.with_etag(Response(OutcomeOutputSerializer(changed).data), changed.version)


class OutcomeCautionComplianceApi(_CautionChangeApi):
    """Record whether a conditional caution was complied with: once. It meets the
    officer in charge's compliance duty; not complied, it opens the prosecution
    decision (a task on the officer in charge) and the outcome says so."""

    policy = {"POST": "cases.outcome.add"}

    @extend_schema_serializer(component_name="OutcomeCautionCompliance")
    class InputSerializer(serializers.Serializer):
        complied = serializers.BooleanField(
            help_text="True: the conditions were complied with; false: they were not."
        )
        checked_on = serializers.DateField(
            help_text="The date the compliance was checked: not in the future, nor "
            "before the caution."
        )
        note = optional_text(
            help_text="What was found, such as the course provider's confirmation."
        )

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH],
        responses={200: OutcomeOutputSerializer, **errors(400, 401, 403, 404, 409, 412, 428)},
    )
    def post(self, request, case_id, outcome_id):
        return self.caution_change(
            request, case_id, outcome_id, outcome_cautions.caution_compliance_record
        )


class OutcomeCautionTermsApi(_CautionChangeApi):
    """Change a conditional caution's conditions or due date, or withdraw its
    conditions (a simple caution now), with a reason: its compliance duty moves with
    the date, or closes as no longer applying. Refused once compliance is recorded."""

    policy = {"POST": "cases.outcome.add"}

    @extend_schema_serializer(component_name="OutcomeCautionTerms")
    class InputSerializer(serializers.Serializer):
        caution_conditions = optional_text(
            help_text="The conditions; empty withdraws them (a simple caution)."
        )
        conditions_due_on = optional_date(
            help_text="The date by which the conditions must be met; after the outcome date. "
            "Null when the conditions are withdrawn."
        )
        reason = serializers.CharField(
            allow_blank=True, help_text="Why the terms changed; kept in the history."
        )

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH],
        responses={200: OutcomeOutputSerializer, **errors(400, 401, 403, 404, 409, 412, 428)},
    )
    def post(self, request, case_id, outcome_id):
        return self.caution_change(
            request, case_id, outcome_id, outcome_cautions.outcome_caution_change
        )


urlpatterns = [
    path("cases/<uuid:case_id>/outcomes/", OutcomeListCreateApi.as_view(), name="case-outcomes"),
    path(
        "cases/<uuid:case_id>/outcomes/<uuid:outcome_id>/conditions/",
        OutcomeConditionsApi.as_view(),
        name="case-outcome-conditions",
    ),
    path(
        "cases/<uuid:case_id>/outcomes/<uuid:outcome_id>/caution-compliance/",
        OutcomeCautionComplianceApi.as_view(),
        name="case-outcome-caution-compliance",
    ),
    path(
        "cases/<uuid:case_id>/outcomes/<uuid:outcome_id>/caution-terms/",
        OutcomeCautionTermsApi.as_view(),
        name="case-outcome-caution-terms",
    ),
]
