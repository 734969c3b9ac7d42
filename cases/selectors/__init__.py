"""Every read of cases a user can trigger, scoped by the access policy in the
database, with reads of sensitive records written to the access log."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet

from agencies import access
from agencies.audit import access_denial_record, access_read_context, access_read_record
from cases.filters import (
    CASE_LIST_DEFAULT_ORDERING,
    CASE_LIST_ORDERINGS,
    CaseFilter,
    PersonFilter,
    filterset_apply,
    name_words_match,
)
from cases.models import (
    Case,
    CaseGrant,
    CaseParty,
    ContactLog,
    Document,
    KeyDecision,
    MaterialSummary,
    Offence,
    Outcome,
    Person,
)
from common.errors import NotFound

_M = TypeVar("_M", bound=Model)


def _get(queryset: QuerySet[_M], pk: Any) -> _M:
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise NotFound() from exc


def log_case_read(
    *,
    actor: User,
    action: str,
    case: Case,
    object_type: str = "case",
    object_id: Any = None,
    records: Iterable[Model] | None = None,
    note: str = "",
) -> None:
    """A read of a case, of one record in it, or of a list of its records of one
    kind (`object_type` without `object_id`; `records`, the ones shown). Unlike a
    change, which `log_case_access` records with the change itself, a read joins
    the request's other reads in its one access-log entry."""
    if records is None and object_id is None and object_type != "case":
        records = ()
    access_read_record(
        actor=actor,
        action=action,
        object_type=object_type,
        **case_log_terms(actor=actor, case=case, object_id=object_id, note=note),
        records=records,
    )


def case_log_terms(*, actor: User, case: Case, object_id: Any, note: str) -> dict[str, Any]:
    """What an access-log entry about a case (or a record in it) says of it: its id,
    its owner, and why the actor may see it (with the note, if any)."""
    justification = access.justification_for(actor, case)
    return {
        "object_id": object_id if object_id is not None else case.pk,
        "object_agency_slug": case.owning_agency.slug,
        "justification": f"{justification}; {note}" if note else justification,
    }


def refused_owner_slug(model: Any, pk: Any, owner_path: str) -> str:
    """The agency that owns a record someone was refused, for the access log only: so
    that the owner's auditor sees who tried. The caller gets the same 404 whether
    the record exists or not, and never this name. Unscoped on purpose, and never
    shown to the caller."""
    try:
        return model.objects.filter(pk=pk).values_list(owner_path, flat=True).first() or ""
    except (ValueError, TypeError, ValidationError):
        return ""


def refusal_log(
    *,
    actor: User,
    action: str,
    model: Any,
    object_type: str,
    object_id: Any,
    owner_path: str = "case__owning_agency__slug",
) -> None:
    """Log a refused read of one record (a 404), for the owner's auditor to see."""
    access_denial_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_agency_slug=refused_owner_slug(model, object_id, owner_path),
        justification="not found or out of scope",
    )


def visible_parties(actor: User) -> QuerySet[CaseParty]:
    """The parties the actor may see: their compartments, of their own agency's cases
    or within what a grant allows (the whole case, or the parties it names)."""
    return access.party_scope(actor, CaseParty.objects.all())


def case_scope(
    actor: User, *, action: str = "cases.case.view", listed: bool = False
) -> QuerySet[Case]:
    """`listed`: for the case list, read newest first (see owned_or_granted_scope)."""
    return access.owned_or_granted_scope(actor, Case.objects.all(), action=action, listed=listed)


def case_list(
    *,
    actor: User,
    filters: Mapping[str, Any] | None = None,
    filterset_class: type[CaseFilter] = CaseFilter,
    **options: Any,
) -> QuerySet[Case]:
    """The cases the actor may see, filtered by the list's FilterSet (`filterset_class`,
    the API's by default; the page passes its own, with its choices in `options`),
    in the order its `ordering` names (CASE_LIST_ORDERINGS; the most recently
    received first by default). Raises ValidationError naming each refused filter."""
    cases = (
        case_scope(actor, listed=True)
        .select_related("owning_agency", "lead_officer", "team")
        .order_by(*CASE_LIST_ORDERINGS[CASE_LIST_DEFAULT_ORDERING])
    )
    filterset = filterset_class(filters, actor=actor, **options)
    return filterset_apply(filterset, cases)


def case_list_with_parties(*, actor: User, **filtering: Any) -> QuerySet[Case]:
    """For the case list page: each case with the parties the user may see, in a
    constant number of queries."""
    return case_list(actor=actor, **filtering).prefetch_related(
        Prefetch(
            "parties",
            queryset=visible_parties(actor).select_related("person").order_by("created_at"),
            to_attr="visible_parties",
        )
    )


def case_get_for_actor(
    *, actor: User, case_id: UUID | str, action: str = "cases.case.view", log: bool = True
) -> Case:
    """The same NotFound for "does not exist" and "not yours", scoped by the action
    about to be taken (a granted agency may read a case but not change it). Every
    read is logged; so is every refusal."""
    try:
        case = _get(
            case_scope(actor, action=action).select_related(
                "owning_agency", "lead_officer", "team"
            ),
            case_id,
        )
    except NotFound:
        access_denial_record(
            actor=actor,
            action=action,
            object_type="case",
            object_id=case_id,
            object_agency_slug=refused_owner_slug(Case, case_id, "owning_agency__slug"),
            justification="not found or out of scope",
        )
        raise
    if log:
        log_case_read(actor=actor, action="cases.case.viewed", case=case)
    else:
        # What the request's reads of the case's records are about; a read of the case
        # itself only if the page shows nothing else (a form headed by the case).
        access_read_context(
            actor=actor,
            action="cases.case.viewed",
            object_type="case",
            object_id=case.pk,
            object_agency_slug=case.owning_agency.slug,
            justify=lambda: access.justification_for(actor, case),
        )
    return case


# The record lists below take a case already read through `case_get_for_actor`, and
# scope it again in the same query, so that a caller who passes any other case gets
# nothing rather than another agency's records.


def party_list(*, actor: User, case: Case) -> QuerySet[CaseParty]:
    return (
        visible_parties(actor)
        .filter(case=case, case__in=case_scope(actor))
        .select_related("person", "related_to__person")
        .order_by("created_at", "id")
    )


def party_list_logged(*, actor: User, case: Case, parties: Iterable[CaseParty] = ()) -> None:
    log_case_read(
        actor=actor, action="cases.party.listed", case=case, object_type="party", records=parties
    )


def party_ages(*, case: Case, parties: list[CaseParty]) -> dict[UUID, int | None]:
    """Each party's age in whole years at the offence (the earliest offence that
    concerns them, else the date the case was received); None when unknown."""
    first_offence: dict[UUID, date] = {}
    for party_id, committed_from in Offence.objects.filter(
        case=case, parties__in=[p.pk for p in parties]
    ).values_list("parties", "committed_from"):
        if party_id not in first_offence or committed_from < first_offence[party_id]:
            first_offence[party_id] = committed_from
    ages = {}
    for party in parties:
        ages[party.pk] = age_on(party.person, first_offence.get(party.pk, case.received_on))
    return ages


def age_on(person: Person, day: date) -> int | None:
    if person.date_of_birth:
        born = person.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if person.estimated_age is not None and person.estimated_age_on is not None:
        return person.estimated_age + (day - person.estimated_age_on).days // 365
    return None


def party_get_for_actor(
    *, actor: User, case: Case, party_id: UUID | str, log: bool = True
) -> CaseParty:
    """One party of the case that the actor may see; NotFound otherwise. `log=False`
    when the party is only named in a write (the write logs itself)."""
    party = _get(party_list(actor=actor, case=case), party_id)
    if log:
        log_case_read(
            actor=actor,
            action="cases.party.viewed",
            case=case,
            object_type="party",
            object_id=party.pk,
        )
    return party


# `parties`, for the lists below that show a record's party: the parties of the case
# the reader may see, when the caller has read them already through `party_list` (the
# case page). The records are then those of these parties, by their keys, rather than
# of a subquery that asks the access policy again; and a list that shows each
# record's party leaves the join to the caller, who holds them (`party_id`).


def _party_keys(parties: Iterable[CaseParty]) -> list[Any]:
    return [party.pk for party in parties]


def offence_list(
    *, actor: User, case: Case, parties: Iterable[CaseParty] | None = None
) -> QuerySet[Offence]:
    seen = (
        visible_parties(actor)
        if parties is None
        else CaseParty.objects.filter(pk__in=_party_keys(parties))
    )
    return (
        Offence.objects.filter(case=case, case__in=case_scope(actor))
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=seen.select_related("person").order_by("created_at", "id"),
                to_attr="visible_parties",
            )
        )
        .order_by("committed_from", "created_at", "id")
    )


def contact_list(
    *, actor: User, case: Case, parties: Iterable[CaseParty] | None = None
) -> QuerySet[ContactLog]:
    contacts = ContactLog.objects.filter(case=case, case__in=case_scope(actor))
    if parties is not None:
        return (
            contacts.filter(party_id__in=_party_keys(parties))
            .select_related("made_by")
            .order_by("-contacted_at", "-id")
        )
    return (
        contacts.filter(party__in=visible_parties(actor))
        .select_related("party__person", "made_by")
        .order_by("-contacted_at", "-id")
    )


def decision_list(*, actor: User, case: Case) -> QuerySet[KeyDecision]:
    return (
        KeyDecision.objects.filter(case=case, case__in=case_scope(actor))
        .select_related("decided_by", "corrects", "corrected_by")
        .order_by("-decided_at", "-id")
    )


def decision_get_for_actor(*, actor: User, case: Case, decision_id: UUID | str) -> KeyDecision:
    """One decision of the case that the actor may see; NotFound otherwise."""
    return _get(decision_list(actor=actor, case=case), decision_id)


def outcome_list(
    *, actor: User, case: Case, parties: Iterable[CaseParty] | None = None
) -> QuerySet[Outcome]:
    if not access.can(actor, "cases.outcome.view", case):
        return Outcome.objects.none()
    if parties is not None:
        return (
            Outcome.objects.filter(case=case, suspect_id__in=_party_keys(parties))
            .select_related("recorded_by")
            .order_by("-outcome_on", "-id")
        )
    return (
        Outcome.objects.filter(case=case, suspect__in=visible_parties(actor))
        .select_related("suspect__person", "recorded_by")
        .order_by("-outcome_on", "-id")
    )


def outcome_get_for_actor(*, actor: User, case: Case, outcome_id: UUID | str) -> Outcome:
    """One outcome of the case that the actor may see; NotFound otherwise."""
    return _get(outcome_list(actor=actor, case=case), outcome_id)


def document_list(*, actor: User, case: Case) -> QuerySet[Document]:
    if not access.can(actor, "cases.document.view", case):
        return Document.objects.none()
    return Document.objects.filter(case=case).select_related("uploaded_by").order_by("-uploaded_at")


def document_get_for_actor(*, actor: User, case: Case, document_id: UUID | str) -> Document:
    document = _get(document_list(actor=actor, case=case), document_id)
    log_case_read(
        actor=actor,
        action="cases.document.downloaded",
        case=case,
        object_type="document",
        object_id=document.pk,
    )
    return document


def material_get_for_actor(*, actor: User, case: Case) -> MaterialSummary | None:
    """None when nothing is recorded yet; NotFound when the actor is not cleared."""
    if not (
        access.can(actor, "cases.material.view", case) and access.is_cleared_for(actor, "material")
    ):
        raise NotFound()
    summary = MaterialSummary.objects.filter(case=case).select_related("updated_by").first()
    log_case_read(
        actor=actor,
        action="cases.material.viewed",
        case=case,
        object_type="material_summary",
        object_id=summary.pk if summary else case.pk,
    )
    return summary


def grant_list(*, actor: User, case: Case) -> QuerySet[CaseGrant]:
    if not access.can(actor, "cases.grant.view", case) or case.owning_agency_id != getattr(
        access.membership_of(actor), "agency_id", None
    ):
        return CaseGrant.objects.none()
    return (
        CaseGrant.objects.filter(case=case)
        .select_related("agency", "granted_by", "revoked_by", "renewed_by")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=visible_parties(actor).select_related("person").order_by("created_at"),
                to_attr="scope_parties",
            )
        )
    )


def grant_get_for_actor(*, actor: User, case: Case, grant_id: UUID | str) -> CaseGrant:
    """One of the case's grants, for its owner; NotFound for anyone else."""
    return _get(grant_list(actor=actor, case=case), grant_id)


def grant_holders(*, actor: User, case: Case) -> QuerySet[CaseGrant]:
    """The live grants of a case the actor may see: who else holds it and why. For
    its owner and for every holder alike (it is the case's metadata, not a party's
    record); nothing for anyone who may not see the case. One query: whether the
    actor may see the case is asked in it (an EXISTS about that case alone)."""
    return (
        CaseGrant.objects.filter(
            Exists(case_scope(actor).filter(pk=case.pk)), case=case, revoked_at__isnull=True
        )
        .select_related("agency", "granted_by")
        .order_by("granted_at", "id")
    )


# --- People


def person_scope(
    actor: User, *, action: str = "cases.person.view", include_merged: bool = False
) -> QuerySet[Person]:
    """People in parts of cases the user may see (or, to change them, their own
    agency's cases), in compartments they are cleared for, and people their own
    agency recorded who are not yet part of any case (so that a person recorded
    before being added to a case can be found and added). Once a person is in a
    case, what the user may see of them follows from their parts alone: otherwise
    the agency's own suspects would show to a role not cleared for suspects.

    A record merged into another (cases.services.person_merge) is left out of every
    search and list; `include_merged` reads it (the merge's own pages)."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, action):
        return Person.objects.none()
    case_action = "cases.case.view" if action == "cases.person.view" else "cases.case.change"
    in_visible_case = Exists(
        visible_parties(actor).filter(
            person=OuterRef("pk"), case__in=case_scope(actor, action=case_action)
        )
    )
    in_any_case = Exists(CaseParty.objects.filter(person=OuterRef("pk")))
    recorded_here_not_yet_in_a_case = Q(recorded_by_agency_id=membership.agency_id) & ~Q(
        in_any_case
    )
    people = Person.objects.filter(in_visible_case | recorded_here_not_yet_in_a_case)
    return people if include_merged else people.filter(merged_into__isnull=True)


def person_search(
    *, actor: User, text: str = "", date_of_birth: date | None = None
) -> QuerySet[Person]:
    """Likely matches before a new person is recorded: by name or alias, and date of birth."""
    people = name_words_match(person_scope(actor), text)
    if date_of_birth:
        people = people.filter(date_of_birth=date_of_birth)
    return people.order_by("last_name", "first_name", "id")


def person_list(*, actor: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Person]:
    """The people the actor may see, filtered by the API's FilterSet. Raises
    ValidationError naming each refused filter."""
    filterset = PersonFilter(filters, actor=actor)
    return filterset_apply(filterset, person_scope(actor)).order_by("last_name", "first_name", "id")


def person_get_for_actor(
    *,
    actor: User,
    person_id: UUID | str,
    action: str = "cases.person.view",
    log: bool = True,
    include_merged: bool = False,
) -> Person:
    try:
        person = _get(person_scope(actor, action=action, include_merged=include_merged), person_id)
    except NotFound:
        access_denial_record(
            actor=actor,
            action=action,
            object_type="person",
            object_id=person_id,
            object_agency_slug=refused_owner_slug(Person, person_id, "recorded_by_agency__slug"),
            justification="not found or out of scope",
        )
        raise
    if log:
        justification, object_agency_slug = person_relation(actor=actor, person=person)
        access_read_record(
            actor=actor,
            action="cases.person.viewed",
            object_type="person",
            object_id=person.pk,
            object_agency_slug=object_agency_slug,
            justification=justification,
        )
    return person


def person_relation(*, actor: User, person: Person) -> tuple[str, str]:
    """Why the actor may see this person, for the access log: the relation to a case
    they are part of (lead officer, own team, own agency, agency grant), or their own
    agency's record of someone not yet in a case. Also the agency the access log
    should show the read to."""
    via = (
        case_scope(actor)
        .filter(pk__in=visible_parties(actor).filter(person=person).values("case_id"))
        .select_related("owning_agency")
        .order_by("-received_on", "-id")
        .first()
    )
    if via is not None:
        relation = access.justification_for(actor, via)
        return f"{relation}; in case {via.reference}", via.owning_agency.slug
    membership = access.membership_of(actor)
    slug = membership.agency.slug if membership else ""
    return f"own agency ({slug}); recorded by it, not yet in a case", slug
