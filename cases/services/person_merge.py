"""Person merge (issue 19, ADR 0016): two records of one agency found to be the same
person become one, and the merge can be undone within 20 working days.

The merge moves every row that names the merged person to the survivor (their parts
in cases, with everything that hangs off a part: referrals, duties, assessments,
contacts; their identifiers; and what the apps above cases registered, such as
flags: cases.person_references), and records each row it moved. The merged record
is kept, marked merged into the survivor and hidden from every search and list.
The undo moves back exactly the rows recorded, when they still name the survivor:
what was added to the survivor since stays with the survivor."""

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from agencies.working_days import add_working_days
from cases.models import CaseParty, Person, PersonMerge, PersonMergeMove
from cases.models.merge import MERGE_UNDO_WORKING_DAYS, REASON_MAX_LENGTH, MoveOutcome
from cases.person_references import PersonReference, person_reference, person_references
from common.errors import InvalidState, NotFound, ValidationError
from common.history import history_note

MERGE_ACTION = "cases.person.merge"


def _reason_errors(reason: str, *, missing: str) -> dict[str, list[str]]:
    text = (reason or "").strip()
    if not text:
        return {"reason": [missing]}
    if len(text) > REASON_MAX_LENGTH:
        return {"reason": [f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer."]}
    return {}


def _tracks_history(model: type[Model]) -> bool:
    return hasattr(model, "history")


def _has_version(model: type[Model]) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


def _repoint(
    ref: PersonReference,
    ids: list[Any],
    *,
    from_person: Person,
    to_person: Person,
    actor: User,
    note: str,
) -> list[Any]:
    """Point the rows `ids` of `ref` that still name `from_person` at `to_person`;
    the ids of the rows moved. Rows with a history are saved one by one, so that each
    history row carries who and why; the others are moved in one UPDATE."""
    if not ids:
        return []
    rows = ref.model._default_manager.select_for_update().filter(
        pk__in=ids, **{ref.field: from_person}
    )
    if not _tracks_history(ref.model):
        ids_moved = list(rows.values_list("pk", flat=True))
        ref.model._default_manager.filter(pk__in=ids_moved).update(**{ref.field: to_person})
        return ids_moved
    versioned = _has_version(ref.model)
    moved: list[Any] = []
    for row in rows.order_by("pk"):
        setattr(row, ref.field, to_person)
        fields = [ref.field]
        if versioned:
            row.version += 1  # type: ignore[attr-defined]
            fields.append("version")
        history_note(row, actor=actor, reason=note)
        row.save(update_fields=fields)
        moved.append(row.pk)
    return moved


def _locked_pair(first: Person, second: Person) -> tuple[Person, Person]:
    """Both records, locked in the order of their keys (two merges at once of the same
    pair cannot deadlock), re-read so the checks see what is committed."""
    locked = {
        person.pk: person
        for person in Person.objects.select_for_update()
        .select_related("recorded_by_agency")
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    return locked[first.pk], locked[second.pk]


def _shared_parts(first: Person, second: Person) -> list[CaseParty]:
    """The parts both hold in one case (the same role in the same case): one person
    cannot hold a part twice, so these stop the merge until one is corrected."""
    theirs = set(CaseParty.objects.filter(person=second).values_list("case_id", "role"))
    return [
        part
        for part in CaseParty.objects.filter(person=first).select_related("case")
        if (part.case_id, part.role) in theirs
    ]


def _held_elsewhere(record: Person, agency_id: object) -> list[str]:
    """What of `record` another agency holds: a part in a case it owns, an identifier
    or flag of its own. A merge moves every row that names the person, so a merge by
    one agency would rewrite another's records (its cases, compartments the actor
    cannot see): such a record is merged by the agency that holds the rest, or not."""
    held: list[str] = []
    for ref in person_references():
        rows = ref.model._default_manager.filter(**{ref.field: record})
        fields = {field.name for field in ref.model._meta.get_fields()}
        if "case" in fields:
            elsewhere = rows.exclude(case__owning_agency_id=agency_id)
        elif "agency" in fields:
            elsewhere = rows.exclude(agency_id=agency_id)
        else:  # a reference that says nobody's: never moved across agencies unasked
            elsewhere = rows
        if elsewhere.exists():
            held.append(ref.label)
    return held


@transaction.atomic
def person_merge(
    *, actor: User, person: Person, other_person: Person, survivor: Person, reason: str
) -> PersonMerge:
    """Merge `person` and `other_person` (the same person recorded twice by the
    actor's agency) into `survivor`, one of the two. Raises ValidationError naming
    each refused field (`reason`, `person`, `other_person`, `survivor`); nothing
    changes then."""
    membership = access.require(actor, MERGE_ACTION)
    errors: dict[str, list[str]] = {}
    errors.update(
        _reason_errors(reason, missing="Give the reason these records are the same person.")
    )
    if person.pk == other_person.pk:
        errors["other_person"] = ["Choose another person: a record cannot be merged with itself."]
        raise ValidationError(errors)
    if survivor.pk not in {person.pk, other_person.pk}:
        errors["survivor"] = ["Choose which of the two records to keep."]
        raise ValidationError(errors)
    person, other_person = _locked_pair(person, other_person)
    for field, record in (("person", person), ("other_person", other_person)):
        if record.recorded_by_agency_id != membership.agency_id:
            errors[field] = [
                f"{record.full_name} is recorded by {record.recorded_by_agency.name}: "
                "only records of your own agency can be merged."
            ]
        elif record.merged_into_id is not None:
            errors[field] = [
                f"{record.full_name} has already been merged into another record: "
                "undo that merge first, or merge with the record it was merged into."
            ]
        elif held := _held_elsewhere(record, membership.agency_id):
            errors[field] = [
                f"Another agency holds records of {record.full_name} "
                f"({', '.join(sorted(set(held)))}): a merge would change them. "
                "Ask that agency to correct its records."
            ]
    if errors:
        raise ValidationError(errors)
    shared = _shared_parts(person, other_person)
    if shared:
        named = ", ".join(
            f"{part.get_role_display().lower()} in {part.case.reference}" for part in shared
        )
        raise ValidationError(
            {
                "other_person": [
                    f"Both records hold the same part in one case ({named}): a person "
                    "cannot hold a part twice. Correct the case first."
                ]
            }
        )
    survivor = person if survivor.pk == person.pk else other_person
    merged = other_person if survivor.pk == person.pk else person
    now = timezone.now()
    text = reason.strip()
    merge = PersonMerge(
        agency_id=membership.agency_id,
        survivor=survivor,
        merged=merged,
        reason=text,
        merged_by=actor,
        merged_at=now,
        undo_until=add_working_days(now, MERGE_UNDO_WORKING_DAYS),
    )
    history_note(merge, actor=actor, reason=f"merged: {text}")
    merge.save()
    note = f"person merged into {survivor.full_name}: {text}"
    moves = []
    for ref in person_references():
        ids = list(
            ref.model._default_manager.filter(**{ref.field: merged}).values_list("pk", flat=True)
        )
        moved = _repoint(ref, ids, from_person=merged, to_person=survivor, actor=actor, note=note)
        moves += [
            PersonMergeMove(merge=merge, reference=ref.name, object_id=str(pk)) for pk in moved
        ]
    PersonMergeMove.objects.bulk_create(moves)
    merged.merged_into = survivor
    merged.version += 1
    history_note(merged, actor=actor, reason=note)
    merged.save(update_fields=["merged_into", "version", "updated_at"])
    # The survivor's own history says what joined it, without changing its details.
    history_note(survivor, actor=actor, reason=f"{merged.full_name} merged into it: {text}")
    survivor.save(update_fields=["updated_at"])
    access_log_record(
        actor=actor,
        action="cases.person.merged",
        object_type="person_merge",
        object_id=merge.pk,
        object_agency_slug=membership.agency.slug,
        justification=f"own agency ({membership.agency.slug}); {len(moves)} rows moved; {text}",
        record_ids=[f"person:{survivor.pk}", f"person:{merged.pk}"],
    )
    return merge


def _undo_refusals(merge: PersonMerge, *, reason: str, now: datetime) -> dict[str, list[str]]:
    errors = _reason_errors(reason, missing="Give the reason the merge is undone.")
    if now > merge.undo_until:
        until = timezone.localtime(merge.undo_until)
        errors["undo_until"] = [
            f"A merge can be undone within {MERGE_UNDO_WORKING_DAYS} working days: this "
            f"one could be until {until:%H:%M} on {until:%-d %B %Y}."
        ]
    return errors


@transaction.atomic
def person_merge_undo(*, actor: User, merge: PersonMerge, reason: str) -> PersonMerge:
    """Put back every row the merge moved that still names the survivor, and make the
    merged record a person of its own again. Raises ValidationError naming `reason`
    or `undo_until` (past 20 working days), InvalidState for a merge already undone
    or a survivor since merged into another record; nothing changes then."""
    membership = access.require(actor, MERGE_ACTION)
    locked = (
        PersonMerge.objects.select_for_update()
        .filter(pk=merge.pk, agency_id=membership.agency_id)
        .first()
    )
    if locked is None:
        raise NotFound()
    merge = locked
    if merge.undone_at is not None:
        raise InvalidState("This merge has already been undone.", state="undone")
    now = timezone.now()
    errors = _undo_refusals(merge, reason=reason, now=now)
    if errors:
        raise ValidationError(errors)
    merged, survivor = _locked_pair(merge.merged, merge.survivor)
    if survivor.merged_into_id is not None:
        raise InvalidState(
            f"{survivor.full_name} has since been merged into another record: undo that "
            "merge first.",
            state="survivor_merged",
        )
    text = reason.strip()
    note = f"merge undone, back to {merged.full_name}: {text}"
    by_reference: dict[str, list[PersonMergeMove]] = defaultdict(list)
    for move in merge.moves.filter(outcome=MoveOutcome.MOVED):
        by_reference[move.reference].append(move)
    restored_ids: list[Any] = []
    gone_ids: list[Any] = []
    for name, moves in by_reference.items():
        ref = person_reference(name)
        back = set()
        if ref is not None:
            pk_field = ref.model._meta.pk
            ids = [pk_field.to_python(move.object_id) for move in moves]
            back = {
                str(pk)
                for pk in _repoint(
                    ref, ids, from_person=survivor, to_person=merged, actor=actor, note=note
                )
            }
        for move in moves:
            (restored_ids if move.object_id in back else gone_ids).append(move.pk)
    PersonMergeMove.objects.filter(pk__in=restored_ids).update(outcome=MoveOutcome.RESTORED)
    PersonMergeMove.objects.filter(pk__in=gone_ids).update(outcome=MoveOutcome.GONE)
    merged.merged_into = None
    merged.version += 1
    history_note(merged, actor=actor, reason=note)
    merged.save(update_fields=["merged_into", "version", "updated_at"])
    history_note(survivor, actor=actor, reason=f"merge with {merged.full_name} undone: {text}")
    survivor.save(update_fields=["updated_at"])
    merge.undone_at = now
    merge.undone_by = actor
    merge.undo_reason = text
    merge.version += 1
    history_note(merge, actor=actor, reason=f"undone: {text}")
    merge.save(update_fields=["undone_at", "undone_by", "undo_reason", "version"])
    access_log_record(
        actor=actor,
        action="cases.person.merge_undone",
        object_type="person_merge",
        object_id=merge.pk,
        object_agency_slug=membership.agency.slug,
        justification=f"own agency ({membership.agency.slug}); {len(restored_ids)} rows put "
        f"back, {len(gone_ids)} no longer with the survivor; {text}",
        record_ids=[f"person:{survivor.pk}", f"person:{merged.pk}"],
    )
    return merge
