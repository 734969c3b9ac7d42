"""Retention, review and disposal (issue 19, docs/adr/0015). The records manager works
the review queue of their agency's closed cases, reviews each (keep or dispose) and
places and lifts legal holds; a police supervisor reads a case's retention record
and places and lifts holds, but neither sees the queue nor reviews. Another force's
case, or one granted to the caller's agency, is not there (404). Every other role
finds none of it (404; 403 for the queue's list)."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Membership, Role
from records.models import CaseRetention, LegalHold
from records.services.retention import retention_schedule
from tests.authz import RECORD_TARGETS, Endpoint
from tests.factories import CaseFactory

# Written out, never imported from the policy: the matrix must fail when it changes.
RECORDS_MANAGER = frozenset({Role.RECORDS_MANAGER})
RETENTION_READERS = frozenset({Role.RECORDS_MANAGER, Role.POLICE_SUPERVISOR})
HOLDERS = frozenset({Role.RECORDS_MANAGER, Role.POLICE_SUPERVISOR})

QUEUE_FIELDS = frozenset(
    {"case_id", "reference", "closed_on", "rule", "group", "next_review_on", "on_hold", "version"}
)
RETENTION_FIELDS = frozenset(
    {
        "case_id",
        "reference",
        "state",
        "received_on",
        "opened_on",
        "closed_on",
        "rule",
        "next_review_on",
        "due",
        "keep_until",
        "on_hold",
        "disposed_at",
        "disposed_by",
        "disposal_reason",
        "reviews",
        "holds",
        "version",
    }
)


def a_closed_case_due(owner, actor: Membership) -> dict:
    """A closed case of the owner, scheduled and due for review yesterday."""
    today = timezone.localdate()
    case = CaseFactory(
        owning_agency=owner,
        status="closed",
        closing_reason="no_crime",
        closed_on=today - timedelta(days=30),
        received_on=today - timedelta(days=60),
        opened_on=today - timedelta(days=60),
    )
    retention_schedule(case=case, actor=None)
    CaseRetention.objects.filter(case_id=case.pk).update(next_review_on=today - timedelta(days=1))
    return {"case": case.id, "_case": case}


def a_case_on_hold(owner, actor: Membership) -> dict:
    values = a_closed_case_due(owner, actor)
    retention = CaseRetention.objects.get(case_id=values["case"])
    LegalHold.objects.create(
        retention=retention,
        kind="inquiry",
        reason="A public inquiry asked for every record.",
        placed_by=values["_case"].created_by,
        placed_at=timezone.now(),
    )
    CaseRetention.objects.filter(pk=retention.pk).update(on_hold=True)
    return values


def _reviews(values) -> int:
    return CaseRetention.objects.get(case_id=values["case"]).reviews.count()


def _no_review(values, column, target) -> str | None:
    count = _reviews(values)
    return None if count == 0 else f"{count} review(s) recorded by an empty form"


def _hold_count(values) -> int:
    return LegalHold.objects.filter(retention__case_id=values["case"]).count()


def _no_new_hold(values, column, target) -> str | None:
    return None if _hold_count(values) == 0 else "a hold placed by an empty form"


def _still_held(values, column, target) -> str | None:
    held = CaseRetention.objects.get(case_id=values["case"]).on_hold
    return None if held else "the hold was lifted by an empty form"


_KEEP = {
    "decision": "keep",
    "reason": "Linked to a live investigation.",
    "next_review_on": "2099-01-01",
}

ROWS = [
    Endpoint(
        "retention-queue",
        "GET",
        "/retention/",
        RECORDS_MANAGER,
        page=True,
        setup=a_closed_case_due,
    ),
    Endpoint(
        "retention-case",
        "GET",
        "/retention/cases/{case}/",
        RETENTION_READERS,
        page=True,
        targets=RECORD_TARGETS,
        setup=a_closed_case_due,
    ),
    *[
        Endpoint(
            "retention-review",
            method,
            "/retention/cases/{case}/review/",
            RECORDS_MANAGER,
            page=True,
            targets=RECORD_TARGETS,
            setup=a_closed_case_due,
            then=_no_review,
        )
        for method in ("GET", "POST")
    ],
    *[
        Endpoint(
            "retention-hold",
            method,
            "/retention/cases/{case}/hold/",
            HOLDERS,
            page=True,
            targets=RECORD_TARGETS,
            setup=a_closed_case_due,
            then=_no_new_hold,
        )
        for method in ("GET", "POST")
    ],
    *[
        Endpoint(
            "retention-hold-lift",
            method,
            "/retention/cases/{case}/hold/lift/",
            HOLDERS,
            page=True,
            targets=RECORD_TARGETS,
            setup=a_case_on_hold,
            then=_still_held,
        )
        for method in ("GET", "POST")
    ],
    Endpoint(
        "retention-queue",
        "GET",
        "/api/v1/retention/queue/",
        RECORDS_MANAGER,
        setup=a_closed_case_due,
        listing=True,
        fields=QUEUE_FIELDS,
    ),
    Endpoint(
        "retention-case",
        "GET",
        "/api/v1/retention/cases/{case}/",
        RETENTION_READERS,
        targets=RECORD_TARGETS,
        setup=a_closed_case_due,
        fields=RETENTION_FIELDS,
    ),
    Endpoint(
        "retention-review",
        "POST",
        "/api/v1/retention/cases/{case}/reviews/",
        RECORDS_MANAGER,
        ok=201,
        body=_KEEP,
        targets=RECORD_TARGETS,
        setup=a_closed_case_due,
    ),
    Endpoint(
        "retention-hold",
        "POST",
        "/api/v1/retention/cases/{case}/holds/",
        HOLDERS,
        ok=201,
        body={"kind": "litigation", "reason": "A civil claim was notified."},
        targets=RECORD_TARGETS,
        setup=a_closed_case_due,
    ),
    Endpoint(
        "retention-hold-lift",
        "POST",
        "/api/v1/retention/cases/{case}/holds/lift/",
        HOLDERS,
        body={"reason": "The inquiry has reported."},
        targets=RECORD_TARGETS,
        setup=a_case_on_hold,
    ),
]
