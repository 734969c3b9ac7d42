"""Every change of a subject access request: recording it, its moves (ADR 0009's
pattern: `subject_access.services.moves.MOVES`), gathering its export, the review
of what names other people, and its release. Each checks the policy, validates,
writes in a transaction with the reason in the history, and logs itself through the
one audit path (agencies.audit)."""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from cases.models.rules import Errors, raise_if, written_reason
from common.api.concurrency import version_check
from common.errors import AccessDenied, InvalidState, NotFound
from common.history import history_note
from subject_access.models import (
    Exemption,
    IdentityCheck,
    ItemDecision,
    LegalBasis,
    RequesterRelationship,
    RequestState,
    SubjectAccessItem,
    SubjectAccessRequest,
    extended_due_on,
    response_due_on,
)
from subject_access.selectors.gather import gather
from subject_access.selectors.requests import OBJECT_TYPE, sar_people_chosen, sar_subjects
from subject_access.services.moves import MOVES, Move

# The fields of a request that may be corrected after it is recorded (PATCH).
EDITABLE_FIELDS = (
    "requester_name",
    "requester_relationship",
    "requester_address",
    "requester_email",
    "identity_check",
    "identity_note",
)


def _log(actor: User, request: SubjectAccessRequest, action: str, note: str = "") -> None:
    """A change of a request, logged with the people it is about (so that a later
    request's export finds it among the entries about them)."""
    access_log_record(
        actor=actor,
        action=action,
        object_type=OBJECT_TYPE,
        object_id=request.pk,
        object_agency_slug=request.agency.slug,
        justification=f"records manager ({request.get_legal_basis_display()})"
        + (f"; {note}" if note else ""),
        record_ids=[f"person:{pk}" for pk in request.subjects.values_list("pk", flat=True)],
    )


def _choice(value: str, choices: Iterable[str], field: str, message: str, errors: Errors) -> None:
    if value not in list(choices):
        errors.setdefault(field, []).append(message)


def _details_check(values: Mapping[str, Any], errors: Errors) -> None:
    if "requester_name" in values and not (values["requester_name"] or "").strip():
        errors.setdefault("requester_name", []).append("Enter the requester's name.")
    if "requester_relationship" in values:
        _choice(
            values["requester_relationship"],
            RequesterRelationship.values,
            "requester_relationship",
            "Choose who made the request.",
            errors,
        )
    if "identity_check" in values:
        _choice(
            values["identity_check"],
            IdentityCheck.values,
            "identity_check",
            "Choose how the requester's identity was verified.",
            errors,
        )


@transaction.atomic
def sar_create(
    *,
    actor: User,
    legal_basis: str,
    received_on: date | None,
    requester_name: str,
    identity_check: str,
    subject_ids: Iterable[Any],
    requester_relationship: str = RequesterRelationship.SELF,
    requester_address: str = "",
    requester_email: str = "",
    identity_note: str = "",
) -> SubjectAccessRequest:
    """Record a request received by the actor's agency about person records it
    holds; its deadline is computed now and stored. Refused naming each field."""
    membership = access.require(actor, "subject_access.request.manage")
    errors: Errors = {}
    _choice(legal_basis, LegalBasis.values, "legal_basis", "Choose the legal basis.", errors)
    if received_on is None:
        errors.setdefault("received_on", []).append("Enter the date the request was received.")
    elif received_on > timezone.localdate():
        errors.setdefault("received_on", []).append(
            "The date the request was received must be today or in the past."
        )
    values = {
        "requester_name": requester_name,
        "requester_relationship": requester_relationship,
        "identity_check": identity_check,
    }
    _details_check(values, errors)
    subject_ids = list(subject_ids or [])
    subjects, all_found = sar_people_chosen(actor=actor, person_ids=subject_ids)
    if not subject_ids:
        errors.setdefault("subjects", []).append("Choose the person the request is about.")
    elif not all_found:
        errors.setdefault("subjects", []).append(
            "Choose only people whose records your agency holds."
        )
    raise_if(errors)
    assert received_on is not None
    request_id = uuid.uuid4()
    due = response_due_on(received_on)
    request = SubjectAccessRequest(
        id=request_id,
        agency=membership.agency,
        reference=f"SAR-{received_on:%Y}-{request_id.hex[:6].upper()}",
        legal_basis=legal_basis,
        received_on=received_on,
        requester_name=requester_name.strip(),
        requester_relationship=requester_relationship,
        requester_address=(requester_address or "").strip(),
        requester_email=(requester_email or "").strip(),
        identity_check=identity_check,
        identity_note=(identity_note or "").strip(),
        due_on=due,
        response_due_on=due,
        handler=actor,
        created_by=actor,
    )
    request.full_clean(exclude=["subjects"])
    history_note(request, actor=actor, reason="subject access request recorded")
    request.save()
    request.subjects.set(subjects)
    _log(actor, request, "subject_access.request.created")
    return request


def _locked(
    actor: User, request: SubjectAccessRequest, capability: str, expected_version: int | None
) -> SubjectAccessRequest:
    """The request, locked, after the checks every change asks: the actor's agency's
    (else 404), their role's to change (else 403), at the version read (else 412)."""
    membership = access.membership_of(actor)
    if membership is None or membership.agency_id != request.agency_id:
        raise NotFound()
    if not access.can(actor, "subject_access.request.view"):
        raise NotFound()
    if not access.can(actor, capability):
        raise AccessDenied(capability)
    locked = (
        SubjectAccessRequest.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=request.pk)
    )
    if expected_version is not None:
        version_check(locked, expected_version)
    return locked


@transaction.atomic
def sar_update(
    *, actor: User, request: SubjectAccessRequest, expected_version: int, **changes: Any
) -> SubjectAccessRequest:
    """Correct the requester's details or how their identity was verified, against
    the version last read (412 if stale); not once the request is closed (409)."""
    locked = _locked(actor, request, "subject_access.request.manage", expected_version)
    if not locked.is_open:
        raise InvalidState(
            f"This request is {locked.get_state_display().lower()}: it cannot be changed.",
            state=locked.state,
        )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    errors: Errors = {name: ["This field cannot be changed."] for name in sorted(unknown)}
    _details_check(changes, errors)
    raise_if(errors)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.full_clean(exclude=["subjects"])
    locked.version += 1
    history_note(locked, actor=actor, reason="request details corrected")
    locked.save(update_fields=[*changes, "version", "updated_at"])
    _log(actor, locked, "subject_access.request.changed")
    return locked


def _begin(
    actor: User, request: SubjectAccessRequest, name: str, expected_version: int | None
) -> tuple[SubjectAccessRequest, Move]:
    move = MOVES[name]
    locked = _locked(actor, request, move.capability, expected_version)
    if not move.open_from(locked.state):
        raise InvalidState(
            f"This request is {locked.get_state_display().lower()}: "
            f"'{move.label}' is not open to it.",
            state=locked.state,
        )
    return locked, move


def _finish(
    actor: User,
    locked: SubjectAccessRequest,
    move: Move,
    *,
    fields: list[str],
    reason: str,
    note: str = "",
) -> SubjectAccessRequest:
    if move.to_state is not None:
        locked.state = move.to_state
        fields.append("state")
    locked.version += 1
    history_note(locked, actor=actor, reason=reason)
    locked.save(update_fields=[*fields, "version", "updated_at"])
    _log(actor, locked, move.action, note)
    return locked


@transaction.atomic
def sar_start(
    *, actor: User, request: SubjectAccessRequest, expected_version: int | None = None
) -> SubjectAccessRequest:
    locked, move = _begin(actor, request, "start", expected_version)
    return _finish(actor, locked, move, fields=[], reason="gathering records")


@transaction.atomic
def sar_export_build(
    *, actor: User, request: SubjectAccessRequest, expected_version: int | None = None
) -> SubjectAccessRequest:
    """Gather everything the agency holds about the request's people, as a snapshot
    of items; those that name other people are marked for review. A rebuild replaces
    the items and starts the review again."""
    locked, move = _begin(actor, request, "build", expected_version)
    gathered = gather(agency=locked.agency, subjects=list(sar_subjects(request=locked)))
    locked.items.all().delete()
    SubjectAccessItem.objects.bulk_create(
        SubjectAccessItem(
            request=locked,
            position=position,
            section=item.section,
            source_type=item.source_type,
            source_id=item.source_id,
            case_reference=item.case_reference,
            title=item.title[:300],
            content=item.content,
            third_parties=item.third_parties,
            needs_review=item.needs_review,
            decision=ItemDecision.PENDING if item.needs_review else ItemDecision.RELEASE,
        )
        for position, item in enumerate(gathered, start=1)
    )
    locked.export_built_at = timezone.now()
    locked.export_built_by = actor
    locked.reviewed_at = None
    locked.reviewed_by = None
    marked = sum(1 for item in gathered if item.needs_review)
    return _finish(
        actor,
        locked,
        move,
        fields=["export_built_at", "export_built_by", "reviewed_at", "reviewed_by"],
        reason="export gathered",
        note=f"{len(gathered)} records gathered, {marked} marked for review",
    )


@dataclass(frozen=True)
class ItemReview:
    """The reviewer's word on one item: release it, or withhold it under an exemption
    with a reason."""

    decision: str
    exemption: str = ""
    reason: str = ""


def item_field(item: SubjectAccessItem, name: str) -> str:
    """The name of a review field of one item, as errors name it (and the form)."""
    return f"item_{item.position}_{name}"


@transaction.atomic
def sar_review_record(
    *,
    actor: User,
    request: SubjectAccessRequest,
    reviews: Mapping[str, ItemReview],
    expected_version: int | None = None,
) -> SubjectAccessRequest:
    """Record the review: every item marked for review released or withheld (with an
    exemption and a reason); any other item may be withheld too. Keyed by item id.
    Refused naming each field of each item; nothing is recorded unless all are good."""
    locked, move = _begin(actor, request, "review", expected_version)
    items = {str(item.pk): item for item in locked.items.select_for_update().all()}
    errors: Errors = {}
    for key in reviews:
        if key not in items:
            errors.setdefault("items", []).append(f"{key} is not an item of this request.")
    now = timezone.now()
    changed = []
    for key, item in items.items():
        review = reviews.get(key)
        if review is None:
            if item.needs_review and item.decision == ItemDecision.PENDING:
                errors.setdefault(item_field(item, "decision"), []).append(
                    f"Choose whether to release or withhold item {item.position}."
                )
            continue
        if review.decision not in (ItemDecision.RELEASE, ItemDecision.WITHHOLD):
            errors.setdefault(item_field(item, "decision"), []).append(
                f"Choose whether to release or withhold item {item.position}."
            )
            continue
        exemption, reason = "", ""
        if review.decision == ItemDecision.WITHHOLD:
            exemption = review.exemption or ""
            if exemption not in Exemption.values:
                errors.setdefault(item_field(item, "exemption"), []).append(
                    f"Choose the exemption item {item.position} is withheld under."
                )
            reason = written_reason(
                review.reason,
                item_field(item, "reason"),
                missing=f"Say why item {item.position} is withheld.",
                errors=errors,
            )
        item.decision = review.decision
        item.exemption = exemption
        item.withhold_reason = reason
        item.decided_by = actor
        item.decided_at = now
        changed.append(item)
    raise_if(errors)
    for item in changed:
        history_note(item, actor=actor, reason=f"reviewed: {item.decision}")
        item.save(
            update_fields=["decision", "exemption", "withhold_reason", "decided_by", "decided_at"]
        )
    locked.reviewed_at = now
    locked.reviewed_by = actor
    withheld = sum(1 for item in items.values() if item.decision == ItemDecision.WITHHOLD)
    return _finish(
        actor,
        locked,
        move,
        fields=["reviewed_at", "reviewed_by"],
        reason="export reviewed",
        note=f"{withheld} of {len(items)} items withheld",
    )


@transaction.atomic
def sar_release(
    *, actor: User, request: SubjectAccessRequest, expected_version: int | None = None
) -> SubjectAccessRequest:
    """Release the reviewed export. Refused, naming `review`, while any item that
    names other people has not been reviewed; nothing changes."""
    locked, move = _begin(actor, request, "release", expected_version)
    pending = locked.items.filter(needs_review=True, decision=ItemDecision.PENDING).count()
    if locked.reviewed_at is None or pending:
        raise_if(
            {
                "review": [
                    "Review the export before it is released: "
                    + (
                        f"{pending} item{'s' if pending != 1 else ''} naming other people "
                        "not yet reviewed."
                        if pending
                        else "no review has been recorded."
                    )
                ]
            }
        )
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    return _finish(actor, locked, move, fields=["closed_at", "closed_by"], reason="export released")


@transaction.atomic
def sar_extend(
    *,
    actor: User,
    request: SubjectAccessRequest,
    reason: str,
    expected_version: int | None = None,
) -> SubjectAccessRequest:
    """Extend the deadline by two further months for a complex request (UK GDPR
    article 12(3)), with a reason; once. Part 3 of the DPA 2018 (section 45) has no
    such extension: refused naming `legal_basis`."""
    locked, move = _begin(actor, request, "extend", expected_version)
    errors: Errors = {}
    if locked.legal_basis != LegalBasis.UK_GDPR_ARTICLE_15:
        errors["legal_basis"] = [
            "A request under DPA 2018 section 45 cannot be extended: answer it within one month."
        ]
    if locked.extended_due_on is not None:
        errors["extension_reason"] = ["The deadline has already been extended once."]
    text = written_reason(
        reason,
        "extension_reason",
        missing="Say why the request is complex enough to need longer.",
        errors=errors,
    )
    raise_if(errors)
    locked.extended_due_on = extended_due_on(locked.received_on)
    locked.response_due_on = locked.extended_due_on
    locked.extension_reason = text
    return _finish(
        actor,
        locked,
        move,
        fields=["extended_due_on", "response_due_on", "extension_reason"],
        reason=f"deadline extended: {text}",
    )


def _close(
    actor: User, request: SubjectAccessRequest, name: str, reason: str, expected: int | None
) -> SubjectAccessRequest:
    locked, move = _begin(actor, request, name, expected)
    errors: Errors = {}
    missing = (
        "Say why the request is refused (the exemption or ground relied on)."
        if name == "refuse"
        else "Say how and when the requester withdrew the request."
    )
    text = written_reason(reason, "reason", missing=missing, errors=errors)
    raise_if(errors)
    locked.state_reason = text
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    return _finish(
        actor,
        locked,
        move,
        fields=["state_reason", "closed_at", "closed_by"],
        reason=f"{RequestState(move.to_state or name).label.lower()}: {text}",
    )


@transaction.atomic
def sar_refuse(
    *, actor: User, request: SubjectAccessRequest, reason: str, expected_version: int | None = None
) -> SubjectAccessRequest:
    return _close(actor, request, "refuse", reason, expected_version)


@transaction.atomic
def sar_withdraw(
    *, actor: User, request: SubjectAccessRequest, reason: str, expected_version: int | None = None
) -> SubjectAccessRequest:
    return _close(actor, request, "withdraw", reason, expected_version)
