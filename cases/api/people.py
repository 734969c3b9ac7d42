"""People (search before you create) and their parts in a case."""

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.audit import access_read_record
from cases import selectors
from cases.api.common import CaseNestedMixin
from cases.filters import PersonFilter, filter_parameters
from cases.models import CaseParty, ContactChannel, Gender, PartyRole, Person
from cases.models.person import PERSON_FIELDS
from cases.services import people as people_services
from common.api.concurrency import ETagMixin, etag_for, expected_version
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IF_MATCH, errors
from common.errors import NotFound, ValidationError

PERSON_READ_FIELDS = ["id", *PERSON_FIELDS[:2], "full_name", *PERSON_FIELDS[2:], "version"]


@extend_schema_serializer(component_name="Person")
class PersonOutputSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField()

    class Meta:
        model = Person
        fields = PERSON_READ_FIELDS


class PersonInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    aliases = serializers.CharField(max_length=300, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=120
    )
    estimated_age_on = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    address = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    safe_to_phone = serializers.BooleanField(required=False, allow_null=True)
    safe_to_write = serializers.BooleanField(required=False, allow_null=True)
    safe_to_visit = serializers.BooleanField(required=False, allow_null=True)
    preferred_channel = serializers.ChoiceField(
        choices=ContactChannel.choices, required=False, allow_blank=True
    )
    preferred_times = serializers.CharField(max_length=200, required=False, allow_blank=True)
    safe_contact_notes = serializers.CharField(required=False, allow_blank=True)
    language = serializers.CharField(max_length=60, required=False, allow_blank=True)
    interpreter_needed = serializers.BooleanField(required=False)
    adjustments = serializers.CharField(required=False, allow_blank=True)


@extend_schema_serializer(component_name="PersonCreate")
class PersonCreateSerializer(PersonInputSerializer):
    pass


@extend_schema_serializer(component_name="PersonChange")
class PersonChangeSerializer(PersonInputSerializer):
    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)
    # The history keeps 100 characters of a reason (see CaseChange).
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True)


def _search_terms(terms: Mapping[str, str]) -> str:
    """The search as the access log words it (the terms were validated by its filters)."""
    text, born = terms.get("q", "").strip(), terms.get("date_of_birth")
    said = [f"q={text!r}"] if text else []
    if born:
        said.append(f"date_of_birth={datetime.strptime(born, '%Y-%m-%d').date().isoformat()}")
    return "search: " + (", ".join(said) or "everyone")


class PersonListCreateApi(APIView):
    policy = {"GET": "cases.person.view", "POST": "cases.person.create"}

    pagination_class = CursorPagination.ordered_by("last_name", "first_name", "id")

    @extend_schema(
        parameters=[filter_parameters(PersonFilter, "PersonSearch")],
        responses={200: PersonOutputSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        people = selectors.person_list(actor=request.user, filters=request.query_params)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(people, request, self)
        # A search shows people's details: the log says who looked for whom.
        access_read_record(
            actor=request.user,
            action="cases.person.searched",
            object_type="person",
            justification=_search_terms(request.query_params),
            records=page,
        )
        return paginator.get_paginated_response(PersonOutputSerializer(page, many=True).data)

    @extend_schema(
        request=PersonCreateSerializer,
        responses={201: PersonOutputSerializer, **errors(400, 401, 403, 422)},
    )
    @idempotent_create
    def post(self, request):
        payload = PersonCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        person = people_services.person_create(actor=request.user, **payload.validated_data)
        response = Response(PersonOutputSerializer(person).data, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:person-detail", args=[person.id])
        response["ETag"] = etag_for(person.version)
        return response


class PersonDetailApi(ETagMixin, APIView):
    policy = {"GET": "cases.person.view", "PATCH": "cases.person.change"}

    @extend_schema(responses={200: PersonOutputSerializer, **errors(401, 404)})
    def get(self, request, person_id):
        person = selectors.person_get_for_actor(actor=request.user, person_id=person_id)
        return self.with_etag(Response(PersonOutputSerializer(person).data), person.version)

    @extend_schema(
        request=PersonChangeSerializer,
        parameters=[IF_MATCH],
        responses={200: PersonOutputSerializer, **errors(400, 401, 403, 404, 412, 428)},
    )
    def patch(self, request, person_id):
        person = selectors.person_get_for_actor(
            actor=request.user, person_id=person_id, action="cases.person.change", log=False
        )
        version = expected_version(request)
        payload = PersonChangeSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        reason = data.pop("reason", "")
        updated = people_services.person_update(
            actor=request.user, person=person, expected_version=version, reason=reason, **data
        )
        return self.with_etag(Response(PersonOutputSerializer(updated).data), updated.version)


@extend_schema_serializer(component_name="Party")
class PartyOutputSerializer(serializers.ModelSerializer):
    person = PersonOutputSerializer()
    related_to = serializers.SerializerMethodField()
    age_at_offence = serializers.SerializerMethodField()
    is_child = serializers.SerializerMethodField()

    class Meta:
        model = CaseParty
        fields = [
            "id",
            "role",
            "compartment",
            "person",
            "related_to",
            "relationship",
            "notes",
            "age_at_offence",
            "is_child",
            "version",
            "created_at",
        ]

    def get_related_to(self, party: CaseParty) -> UUID | None:
        # A relative's suspect is named only to a reader who may see the suspect
        # (cleared for suspects, and within a grant's parties): the id alone would
        # tell the others that such a record exists. One query per answer.
        related = party.related_to
        if related is None:
            return None
        visible = self.context.get("_visible_party_ids")
        if visible is None:
            visible = set(
                selectors.visible_parties(self.context["actor"])
                .filter(case_id=party.case_id)
                .values_list("pk", flat=True)
            )
            self.context["_visible_party_ids"] = visible
        return related.pk if related.pk in visible else None

    def get_age_at_offence(self, party: CaseParty) -> int | None:
        return self.context["ages"].get(party.pk)

    def get_is_child(self, party: CaseParty) -> bool | None:
        age = self.context["ages"].get(party.pk)
        return None if age is None else age < 18


class PartyListCreateApi(CaseNestedMixin, APIView):
    policy = {"GET": "cases.case.view", "POST": "cases.party.add"}

    @extend_schema_serializer(component_name="PartyCreate")
    class InputSerializer(serializers.Serializer):
        person = serializers.UUIDField(
            required=False, help_text="An existing person (search /persons/ first)."
        )
        new_person = PersonCreateSerializer(
            required=False, help_text="Or record a new person with the party."
        )
        role = serializers.ChoiceField(choices=PartyRole.choices)
        related_to = serializers.UUIDField(required=False, allow_null=True)
        relationship = serializers.CharField(max_length=100, required=False, allow_blank=True)
        notes = serializers.CharField(required=False, allow_blank=True)

        def validate(self, attrs):
            if bool(attrs.get("person")) == bool(attrs.get("new_person")):
                raise serializers.ValidationError(
                    {"person": ["Give either an existing person or a new_person."]}
                )
            return attrs

    pagination_class = CursorPagination.ordered_by("created_at", "id")

    @extend_schema(responses={200: PartyOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        paginator = self.pagination_class()
        parties = paginator.paginate_queryset(
            selectors.party_list(actor=request.user, case=case), request, self
        )
        selectors.party_list_logged(actor=request.user, case=case)
        context = {
            "ages": selectors.party_ages(case=case, parties=parties),
            "actor": request.user,
        }
        return paginator.get_paginated_response(
            PartyOutputSerializer(parties, many=True, context=context).data
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: PartyOutputSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        data = self.payload_for(request, case)
        related_to = None
        if data.get("related_to"):
            try:
                related_to = selectors.party_get_for_actor(
                    actor=request.user, case=case, party_id=data["related_to"], log=False
                )
            except NotFound as exc:
                raise serializers.ValidationError(
                    {"related_to": ["Choose a suspect in this case."]}
                ) from exc
        person = None
        if data.get("person"):
            try:
                person = selectors.person_get_for_actor(
                    actor=request.user, person_id=data["person"], log=False
                )
            except NotFound as exc:
                raise serializers.ValidationError({"person": ["No such person."]}) from exc
        try:
            party = people_services.party_add_for_person(
                actor=request.user,
                case=case,
                person=person,
                new_person=data.get("new_person"),
                role=data["role"],
                related_to=related_to,
                relationship=data.get("relationship", ""),
                notes=data.get("notes", ""),
            )
        except ValidationError as exc:
            nested = _under_new_person(exc) if data.get("new_person") else None
            if nested is None:
                raise
            raise nested from exc
        context = {
            "ages": selectors.party_ages(case=case, parties=[party]),
            "actor": request.user,
        }
        return Response(
            PartyOutputSerializer(party, context=context).data, status=status.HTTP_201_CREATED
        )


def _under_new_person(exc: ValidationError) -> serializers.ValidationError | None:
    """The new person's own errors are reported where the caller sent them, under
    `new_person`, as the serializer reports its own. None when there are none."""
    if not hasattr(exc, "error_dict"):
        return None
    person_errors = {k: v for k, v in exc.message_dict.items() if k in PERSON_FIELDS}
    if not person_errors:
        return None
    others = {k: v for k, v in exc.message_dict.items() if k not in PERSON_FIELDS}
    return serializers.ValidationError({"new_person": person_errors, **others})


urlpatterns = [
    path("persons/", PersonListCreateApi.as_view(), name="person-list"),
    path("persons/<uuid:person_id>/", PersonDetailApi.as_view(), name="person-detail"),
    path("cases/<uuid:case_id>/parties/", PartyListCreateApi.as_view(), name="case-parties"),
]
