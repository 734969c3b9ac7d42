"""Reads for the Victims' Right to Review (docs/adr/0017), scoped to the reader: the
review requests of their own force's cases, for a police caseworker cleared for the
victim compartment; the decisions of a case a victim may ask to have reviewed; and
whether an officer had a part in a case (the reviewer must not have)."""

from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from agencies import access
from agencies.audit import access_list_record
from agencies.models import Compartment, Membership, Role
from cases import selectors as case_selectors
from cases.models import (
    Case,
    CaseParty,
    ContactLog,
    Document,
    InvestigationEvent,
    KeyDecision,
    Offence,
    Outcome,
    Task,
)
from welfare.models import Duty, ReviewRequest
from welfare.right_to_review_rules import NO_CHARGE_CODES
from welfare.selectors.duties import case_record_get_logged

VIEW = "welfare.right_to_review.view"
# Who may review (the capability's roles, `welfare.right_to_review.decide`): asked
# of the reviewer's membership, not of the caller's.
REVIEWER_ROLES = frozenset({Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR})


def review_request_scope(actor: User) -> QuerySet[ReviewRequest]:
    membership = access.membership_of(actor)
    if (
        membership is None
        or not access.can(actor, VIEW)
        or not access.is_cleared_for(actor, Compartment.VICTIM)
    ):
        return ReviewRequest.objects.none()
    return ReviewRequest.objects.filter(case__owning_agency_id=membership.agency_id).select_related(
        "case__owning_agency",
        "victim__person",
        "outcome",
        "reviewer",
        "assigned_by",
        "closed_by",
        "recorded_by",
    )


def review_request_list_for_case(*, actor: User, case: Case) -> list[ReviewRequest]:
    """The case's review requests, latest received first (index review_case_received).
    The read is logged, as a list's."""
    if not access.can(actor, VIEW, case):
        return []
    requests = list(
        review_request_scope(actor).filter(case=case).order_by("-received_on", "-created_at")
    )
    access_list_record(actor=actor, records=requests)
    return requests


def review_request_get_for_actor(*, actor: User, request_id: UUID | str) -> ReviewRequest:
    """The same NotFound for "does not exist" and "not yours"; the read and every
    refusal logged."""
    return case_record_get_logged(
        actor=actor,
        records=review_request_scope(actor),
        record_id=request_id,
        object_type="review_request",
    )


def decisions_not_to_charge(*, actor: User, case: Case) -> list[Outcome]:
    """The case's decisions not to charge the reader may see, latest first."""
    return list(
        case_selectors.outcome_list(actor=actor, case=case).filter(code__in=sorted(NO_CHARGE_CODES))
    )


def involvement_in_case(*, officer: User, case: Case, outcome: Outcome | None = None) -> str | None:
    """Why `officer` (not the reader: the one who would review) is not independent of
    `case`, in words ("recorded the decision under review"), or None when they had no
    part in it: not its lead officer now or before,
    nor anyone who recorded the decision or worked the case (opened it, added a
    person or an offence, recorded an event, an outcome, a key decision or a contact,
    uploaded a document, held a task or a duty of care in it)."""
    if outcome is not None and outcome.recorded_by_id == officer.pk:
        return "recorded the decision under review"
    if case.lead_officer_id == officer.pk:
        return "is the case's lead officer"
    if case.history.filter(lead_officer_id=officer.pk).exists():
        return "was the case's lead officer"
    if case.created_by_id == officer.pk:
        return "opened the case"
    checks: list[tuple[str, QuerySet[Any]]] = [
        ("recorded an outcome in the case", Outcome.objects.filter(case=case, recorded_by=officer)),
        (
            "recorded an investigation event in the case",
            InvestigationEvent.objects.filter(case=case, recorded_by=officer),
        ),
        (
            "recorded a key decision in the case",
            KeyDecision.objects.filter(case=case, decided_by=officer),
        ),
        ("logged a contact in the case", ContactLog.objects.filter(case=case, made_by=officer)),
        ("added a person to the case", CaseParty.objects.filter(case=case, created_by=officer)),
        ("added an offence to the case", Offence.objects.filter(case=case, created_by=officer)),
        (
            "uploaded a document to the case",
            Document.objects.filter(case=case, uploaded_by=officer),
        ),
        (
            "had a task in the case",
            Task.objects.filter(Q(assignee=officer) | Q(created_by=officer), case=case),
        ),
        (
            "held a duty of care in the case",
            Duty.objects.filter(Q(responsible=officer) | Q(resolved_by=officer), case=case),
        ),
    ]
    for words, records in checks:
        if records.exists():
            return words
    return None


def reviewer_candidates(*, actor: User, case: Case, outcome: Outcome) -> list[Membership]:
    """The officers of the case's force who may review and had no part in it, for the
    assignment form: active investigators and supervisors, by name."""
    if not access.can(actor, "welfare.right_to_review.assign", case):
        return []
    members = (
        Membership.objects.filter(
            agency_id=case.owning_agency_id, role__in=sorted(REVIEWER_ROLES), user__is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return [
        m
        for m in members
        if involvement_in_case(officer=m.user, case=case, outcome=outcome) is None
    ]


def reviewer_member(*, case: Case, username: str) -> Membership | None:
    """The active member of the case's force with this username, or None."""
    return (
        Membership.objects.filter(
            agency_id=case.owning_agency_id, user__username=username, user__is_active=True
        )
        .select_related("user")
        .first()
    )
