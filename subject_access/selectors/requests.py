"""Reads of subject access requests: only the reader's own agency's, only for the
roles that handle them (the records manager), logged like any read of personal data.

The people a request may be about are chosen here too, through `sar_person_scope`:
the person records this agency holds (recorded by it, a party to a case it owns, or
named in a referral sent to it). It is written for subject access and scoped to the
agency, not to compartments: a records manager has no compartment clearance, and
answering a request is their lawful exception (docs/adr/0014-subject-access.md)."""

import contextlib
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from agencies import access
from agencies.audit import access_denial_record, access_read_record
from cases.filters import name_words_match
from cases.models import CaseParty, Person
from common.errors import NotFound
from referrals.models import Referral
from subject_access.models import OPEN_STATES, SubjectAccessItem, SubjectAccessRequest

OBJECT_TYPE = "subject_access_request"
# Why a records manager may read what a request shows, for the access log.
JUSTIFICATION = "handling a subject access request (UK GDPR art. 15 / DPA 2018 s.45)"
PERSON_SEARCH_LIMIT = 20


def sar_scope(
    *, actor: User, action: str = "subject_access.request.view"
) -> QuerySet[SubjectAccessRequest]:
    """The requests of the reader's own agency, for a role that handles them."""
    return access.owned_or_granted_scope(
        actor, SubjectAccessRequest.objects.all(), action=action, owner_field="agency"
    ).select_related("agency", "handler", "created_by")


def sar_list(*, actor: User, show: str = "open") -> QuerySet[SubjectAccessRequest]:
    """The agency's requests, soonest due first (index sar_agency_due): the open ones,
    or (`show="all"`) every one."""
    requests = sar_scope(actor=actor)
    if show != "all":
        requests = requests.filter(state__in=OPEN_STATES)
    return requests.prefetch_related(
        Prefetch("subjects", queryset=Person.objects.order_by("last_name", "first_name", "id"))
    ).order_by("response_due_on", "id")


def sar_subjects_listed(*, actor: User, requests: Iterable[SubjectAccessRequest]) -> None:
    """A page of requests that names whom each is about (the API's): those people."""
    people = {person.pk: person for r in requests for person in r.subjects.all()}
    access_read_record(
        actor=actor,
        action="subject_access.request.listed",
        object_type="person",
        justification=JUSTIFICATION,
        records=list(people.values()),
    )


def sar_list_logged(*, actor: User, requests: Iterable[SubjectAccessRequest]) -> None:
    """A page of the list: the requests it shows (it names no subject)."""
    access_read_record(
        actor=actor,
        action="subject_access.request.listed",
        object_type=OBJECT_TYPE,
        justification=JUSTIFICATION,
        records=list(requests),
    )


def sar_get_for_actor(
    *,
    actor: User,
    request_id: UUID | str,
    action: str = "subject_access.request.view",
    log: bool = True,
) -> SubjectAccessRequest:
    """One request; the same NotFound for "does not exist" and "not yours", the
    refusal logged for the owner's auditor. The read names its subjects."""
    try:
        found: SubjectAccessRequest = sar_scope(actor=actor, action=action).get(pk=request_id)
    except (SubjectAccessRequest.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        owner = ""
        with contextlib.suppress(ValueError, TypeError, ValidationError):
            owner = (
                SubjectAccessRequest.objects.filter(pk=request_id)
                .values_list("agency__slug", flat=True)
                .first()
                or ""
            )
        access_denial_record(
            actor=actor,
            action="subject_access.request.viewed",
            object_type=OBJECT_TYPE,
            object_id=request_id,
            object_agency_slug=owner,
            justification="not found or out of scope",
        )
        raise NotFound() from exc
    if log:
        sar_read_log(actor=actor, request=found)
    return found


def sar_read_log(*, actor: User, request: SubjectAccessRequest) -> None:
    access_read_record(
        actor=actor,
        action="subject_access.request.viewed",
        object_type=OBJECT_TYPE,
        object_id=request.pk,
        object_agency_slug=request.agency.slug,
        justification=JUSTIFICATION,
    )
    access_read_record(
        actor=actor,
        action="subject_access.request.viewed",
        object_type="person",
        object_id=request.pk,
        object_agency_slug=request.agency.slug,
        justification=JUSTIFICATION,
        records=list(sar_subjects(request=request)),
    )


def sar_subjects(*, request: SubjectAccessRequest) -> QuerySet[Person]:
    """The person records a request (already read through its scope) is about."""
    return request.subjects.order_by("last_name", "first_name", "id")


def sar_items(*, request: SubjectAccessRequest) -> QuerySet[SubjectAccessItem]:
    """The gathered items of a request (already read through its scope), in order."""
    return request.items.select_related("decided_by").order_by("position")


def sar_items_for_review(*, request: SubjectAccessRequest) -> QuerySet[SubjectAccessItem]:
    return sar_items(request=request).filter(needs_review=True)


# --- The people a request may be about


def sar_person_scope(*, actor: User) -> QuerySet[Person]:
    """The person records the reader's agency holds, for a role that handles subject
    access requests: recorded by it, a party to a case it owns, or named in a
    referral sent to it. Never another agency's record of someone it does not hold."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "subject_access.request.manage"):
        return Person.objects.none()
    agency_id = membership.agency_id
    in_own_case = Exists(
        CaseParty.objects.filter(person=OuterRef("pk"), case__owning_agency_id=agency_id)
    )
    referred_here = Exists(
        Referral.objects.filter(to_agency_id=agency_id, parties__person=OuterRef("pk")).exclude(
            state="draft"
        )
    )
    return Person.objects.filter(Q(recorded_by_agency_id=agency_id) | in_own_case | referred_here)


def sar_person_search(
    *, actor: User, text: str = "", date_of_birth: date | None = None
) -> list[Person]:
    """The agency's person records matching a name (every word) and date of birth, for
    choosing whom a request is about; logged as a search. Nothing without a name."""
    if not text.strip():
        return []
    people = name_words_match(sar_person_scope(actor=actor), text)
    if date_of_birth:
        people = people.filter(date_of_birth=date_of_birth)
    found = list(people.order_by("last_name", "first_name", "id")[:PERSON_SEARCH_LIMIT])
    access_read_record(
        actor=actor,
        action="subject_access.person.searched",
        object_type="person",
        justification=JUSTIFICATION,
        records=found,
    )
    return found


def sar_people_chosen(*, actor: User, person_ids: Iterable[Any]) -> tuple[list[Person], bool]:
    """The agency's person records among `person_ids`, and whether every id named one
    (False: some id is another agency's person, or no one's)."""
    ids = {str(pk) for pk in person_ids}
    try:
        found = list(sar_person_scope(actor=actor).filter(pk__in=ids))
    except (ValueError, ValidationError):
        return [], False
    return found, len(found) == len(ids)
