"""Person merge (issue 19). Two records of one agency are merged, and the merge
undone, by a supervisor: the police supervisor and the hub's MASH coordinator, on
their own agency's records only (another force's or another hub's records are not
there: 404). Everyone who does casework sees a person's page and their possible
duplicates (of the reader's own agency only), as they see the person."""

from django.utils import timezone

from agencies.models import Role
from cases.models import PersonMerge
from tests.authz import EVERY_OWNER, HUB, OTHER, OWN, Endpoint
from tests.authz.rows_cases import a_person
from tests.factories import PersonFactory

# Written out, never imported from the policy: the matrix must fail when it changes.
MERGERS = frozenset({Role.POLICE_SUPERVISOR, Role.MASH_COORDINATOR})
CASEWORKERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.MASH_COORDINATOR,
        Role.SOCIAL_WORKER,
    }
)
MERGE_TARGETS = (OWN, OTHER, HUB)

MERGE_FIELDS = frozenset(
    {
        "id",
        "survivor",
        "merged",
        "reason",
        "merged_by",
        "merged_at",
        "undo_until",
        "undoable",
        "undone_at",
        "undone_by",
        "undo_reason",
        "moves",
        "version",
    }
)


def two_records(owner, actor) -> dict:
    """Two records of one person, recorded by the owner and not yet in a case."""
    one = PersonFactory(
        recorded_by_agency=owner, first_name="Jess", last_name="Taylor", created_by=actor.user
    )
    two = PersonFactory(
        recorded_by_agency=owner, first_name="Jessica", last_name="Taylor", created_by=actor.user
    )
    return {"person": one.pk, "other": two.pk, "_other": two}


def a_merge(owner, actor) -> dict:
    """A merge of the owner's two records, made a moment ago."""
    values = two_records(owner, actor)
    merged = values["_other"]
    now = timezone.now()
    merge = PersonMerge.objects.create(
        agency=owner,
        survivor_id=values["person"],
        merged=merged,
        reason="The same person, recorded twice.",
        merged_by=actor.user,
        merged_at=now,
        undo_until=now + timezone.timedelta(days=28),
    )
    merged.merged_into_id = values["person"]
    merged.save(update_fields=["merged_into"])
    return {**values, "merge": merge.pk}


def _merge_body(values) -> dict:
    return {
        "other_person": str(values["other"]),
        "survivor": str(values["person"]),
        "reason": "The same person, recorded twice.",
    }


def _merged_only_by_a_merger(values, column, target) -> str | None:
    made = PersonMerge.objects.filter(merged_id=values["other"]).exists()
    wanted = target == OWN and column.role in MERGERS
    return None if made == wanted else f"merged: {made}, expected {wanted}"


def _undone_only_by_a_merger(values, column, target) -> str | None:
    undone = PersonMerge.objects.filter(pk=values["merge"], undone_at__isnull=False).exists()
    wanted = target == OWN and column.role in MERGERS
    return None if undone == wanted else f"undone: {undone}, expected {wanted}"


ROWS = [
    Endpoint(
        "person-merge-create",
        "POST",
        "/api/v1/persons/{person}/merge/",
        MERGERS,
        ok=201,
        body=_merge_body,
        targets=MERGE_TARGETS,
        setup=two_records,
        then=_merged_only_by_a_merger,
    ),
    Endpoint(
        "person-merge-detail",
        "GET",
        "/api/v1/person-merges/{merge}/",
        MERGERS,
        targets=MERGE_TARGETS,
        setup=a_merge,
        fields=MERGE_FIELDS,
    ),
    Endpoint(
        "person-merge-undo",
        "POST",
        "/api/v1/person-merges/{merge}/undo/",
        MERGERS,
        body={"reason": "Two people after all."},
        targets=MERGE_TARGETS,
        setup=a_merge,
        then=_undone_only_by_a_merger,
    ),
    Endpoint(
        "person-duplicates",
        "GET",
        "/api/v1/persons/{person}/duplicates/",
        CASEWORKERS,
        targets=EVERY_OWNER,
        granted_ok=True,
        setup=a_person,
        fields=frozenset({"results"}),
    ),
    # The pages.
    Endpoint(
        "person-page",
        "GET",
        "/persons/{person}/",
        CASEWORKERS,
        page=True,
        targets=EVERY_OWNER,
        granted_ok=True,
        setup=a_person,
    ),
    Endpoint(
        "person-merge-page",
        "GET",
        "/persons/{person}/merge/?other={other}",
        MERGERS,
        page=True,
        targets=MERGE_TARGETS,
        setup=two_records,
    ),
    Endpoint(
        "person-merge-page",
        "POST",
        "/persons/{person}/merge/?other={other}",
        MERGERS,
        page=True,
        ok=302,
        body=lambda values: {
            "other": str(values["other"]),
            "survivor": str(values["person"]),
            "reason": "The same person, recorded twice.",
        },
        targets=MERGE_TARGETS,
        setup=two_records,
        then=_merged_only_by_a_merger,
    ),
    Endpoint(
        "person-merge-detail-page",
        "GET",
        "/person-merges/{merge}/",
        MERGERS,
        page=True,
        targets=MERGE_TARGETS,
        setup=a_merge,
    ),
    Endpoint(
        "person-merge-undo-page",
        "POST",
        "/person-merges/{merge}/undo/",
        MERGERS,
        page=True,
        ok=302,
        body={"reason": "Two people after all."},
        targets=MERGE_TARGETS,
        setup=a_merge,
        then=_undone_only_by_a_merger,
    ),
]
