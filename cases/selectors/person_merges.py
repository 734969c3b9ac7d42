"""Reads of person merges (issue 19): a merge is its agency's record, read by those
who may merge (cases.person.merge), with the moves it recorded."""

from collections import Counter
from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone

from agencies import access
from agencies.audit import access_read_record
from cases.models import Person, PersonMerge
from cases.person_references import person_reference
from cases.selectors import _get, refusal_log
from common.errors import NotFound


def person_merge_scope(*, actor: User) -> QuerySet[PersonMerge]:
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "cases.person.merge"):
        return PersonMerge.objects.none()
    return PersonMerge.objects.filter(agency_id=membership.agency_id).select_related(
        "agency", "survivor", "merged", "merged_by", "undone_by"
    )


def _log_read(actor: User, merge: PersonMerge) -> None:
    access_read_record(
        actor=actor,
        action="cases.person_merge.viewed",
        object_type="person_merge",
        object_id=merge.pk,
        object_agency_slug=merge.agency.slug,
        justification=f"own agency ({merge.agency.slug}); a merge of two records",
    )


def person_merge_get_for_actor(
    *, actor: User, merge_id: UUID | str, log: bool = True
) -> PersonMerge:
    try:
        merge = _get(person_merge_scope(actor=actor), merge_id)
    except NotFound:
        refusal_log(
            actor=actor,
            action="cases.person_merge.viewed",
            model=PersonMerge,
            object_type="person_merge",
            object_id=merge_id,
            owner_path="agency__slug",
        )
        raise
    if log:
        _log_read(actor, merge)
    return merge


def person_merge_list_for_person(*, actor: User, person: Person) -> QuerySet[PersonMerge]:
    """The merges this record took part in, newest first (the indexes on survivor and
    merged; a person takes part in a handful)."""
    return (
        person_merge_scope(actor=actor)
        .filter(Q(survivor=person) | Q(merged=person))
        .order_by("-merged_at", "-id")
    )


def person_merge_is_undoable(merge: PersonMerge) -> bool:
    return merge.undone_at is None and timezone.now() <= merge.undo_until


@dataclass(frozen=True)
class MovedCount:
    label: str
    moved: int
    restored: int
    gone: int


def person_merge_moves_summary(merge: PersonMerge) -> list[MovedCount]:
    """How many of each kind of row the merge moved, and what the undo did with them
    (one query: counts only, the rows themselves are in other compartments)."""
    counts: Counter[tuple[str, str]] = Counter(merge.moves.values_list("reference", "outcome"))
    names = sorted({name for name, _ in counts})
    summary = []
    for name in names:
        ref = person_reference(name)
        moved = sum(n for (ref_name, _), n in counts.items() if ref_name == name)
        summary.append(
            MovedCount(
                label=ref.label if ref else name,
                moved=moved,
                restored=counts[(name, "restored")],
                gone=counts[(name, "gone")],
            )
        )
    return summary
