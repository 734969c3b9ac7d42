"""The Victims' Right to Review (issue 19, docs/adr/0017): police casework of the
owning force reads a case's review requests, records one and records its withdrawal;
a supervisor assigns it; an investigator or a supervisor, assigned to it, decides it.
A granted agency has no part in it (404), nor has any other role."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Role
from cases.models import Outcome
from tests.authz import RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.factories import CaseFactory, MembershipFactory, PartyFactory, UserFactory
from welfare.models import ReviewRequest

# Written out, never imported from the policy: the matrix must fail when it changes.
POLICE_CASEWORKERS = frozenset(
    {Role.GENERALIST_OFFICER, Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}
)
SUPERVISORS = frozenset({Role.POLICE_SUPERVISOR})
REVIEWERS = frozenset({Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR})

REQUEST_FIELDS = frozenset(
    {
        "id",
        "case",
        "victim",
        "decision",
        "scheme",
        "received_on",
        "requested_by",
        "representative",
        "grounds",
        "window_ends_on",
        "review_due_at",
        "status",
        "status_label",
        "reviewer",
        "assigned_by",
        "assigned_at",
        "result_reason",
        "closed_at",
        "closed_by",
        "recorded_by",
        "created_at",
        "version",
    }
)


def a_decision_not_to_charge(owner, actor) -> dict:
    """A case (opened by someone else: the caller had no part in it) with a victim and
    a suspect whose outcome is 15, decided ten days ago."""
    today = timezone.localdate()
    stranger = UserFactory()
    case = CaseFactory(
        owning_agency=owner,
        created_by=stranger,
        received_on=today - timedelta(days=60),
        opened_on=today - timedelta(days=60),
    )
    victim = PartyFactory(case=case, created_by=stranger, person__created_by=stranger)
    suspect = PartyFactory(
        case=case, created_by=stranger, person__created_by=stranger, role="suspect"
    )
    outcome = Outcome.objects.create(
        case=case,
        suspect=suspect,
        code="15",
        outcome_on=today - timedelta(days=10),
        rationale="The evidential test is not met.",
        recorded_by=stranger,
    )
    return {"case": case.id, "_case": case, "_victim": victim, "_outcome": outcome}


def _request_of(values: dict, **fields) -> dict:
    today = timezone.localdate()
    request = ReviewRequest.objects.create(
        case=values["_case"],
        victim=values["_victim"],
        outcome=values["_outcome"],
        scheme="police",
        received_on=today,
        requested_by="victim",
        window_ends_on=today + timedelta(days=80),
        review_due_at=timezone.now() + timedelta(days=42),
        recorded_by=values["_outcome"].recorded_by,
        **fields,
    )
    return {**values, "request": request.id, "_version": request.version}


def a_review_request(owner, actor) -> dict:
    values = _request_of(a_decision_not_to_charge(owner, actor))
    reviewer = MembershipFactory(agency=owner, role=Role.SPECIALIST_INVESTIGATOR)
    return {**values, "_reviewer": reviewer.user.username}


def a_review_assigned_to_the_caller(owner, actor) -> dict:
    return _request_of(
        a_decision_not_to_charge(owner, actor),
        status="assigned",
        reviewer=actor.user,
        assigned_at=timezone.now(),
    )


def _new_request(values: dict) -> dict:
    return {
        "victim": str(values["_victim"].id),
        "decision": str(values["_outcome"].id),
        "received_on": timezone.localdate().isoformat(),
        "requested_by": "victim",
    }


def _still_requested(values, column, target) -> str | None:
    status = ReviewRequest.objects.values_list("status", flat=True).get(pk=values["request"])
    return None if status == "requested" else f"the request is {status}"


ROWS = [
    Endpoint(
        "review-request-list",
        "GET",
        "/api/v1/cases/{case}/review-requests/",
        POLICE_CASEWORKERS,
        targets=RECORD_TARGETS,
        setup=a_review_request,
        listing=True,
        fields=REQUEST_FIELDS,
    ),
    Endpoint(
        "review-request-list",
        "POST",
        "/api/v1/cases/{case}/review-requests/",
        POLICE_CASEWORKERS,
        ok=201,
        body=_new_request,
        targets=RECORD_TARGETS,
        setup=a_decision_not_to_charge,
    ),
    Endpoint(
        "review-request-detail",
        "GET",
        "/api/v1/review-requests/{request}/",
        POLICE_CASEWORKERS,
        targets=RECORD_TARGETS,
        setup=a_review_request,
        fields=REQUEST_FIELDS,
    ),
    Endpoint(
        "review-request-assign",
        "POST",
        "/api/v1/review-requests/{request}/assign/",
        SUPERVISORS,
        body=lambda values: {"reviewer": values["_reviewer"]},
        needs_version=True,
        targets=RECORD_TARGETS,
        setup=a_review_request,
    ),
    Endpoint(
        "review-request-decide",
        "POST",
        "/api/v1/review-requests/{request}/decide/",
        REVIEWERS,
        body={"result": "upheld", "reason": "The evidential test is still not met."},
        needs_version=True,
        targets=RECORD_TARGETS,
        setup=a_review_assigned_to_the_caller,
        per_actor=True,
    ),
    Endpoint(
        "review-request-withdraw",
        "POST",
        "/api/v1/review-requests/{request}/withdraw/",
        POLICE_CASEWORKERS,
        body={"reason": "Her mother no longer wants it reviewed."},
        needs_version=True,
        targets=RECORD_TARGETS,
        setup=a_review_request,
    ),
    *form_page(
        "review-request-create",
        "/cases/{case}/right-to-review/new/",
        POLICE_CASEWORKERS,
        setup=a_decision_not_to_charge,
    ),
    Endpoint(
        "review-request-detail",
        "GET",
        "/right-to-review/{request}/",
        POLICE_CASEWORKERS,
        page=True,
        targets=RECORD_TARGETS,
        setup=a_review_request,
    ),
    # An empty withdrawal: the page again, with the error, and nothing changed.
    Endpoint(
        "review-request-move",
        "POST",
        "/right-to-review/{request}/withdraw/",
        POLICE_CASEWORKERS,
        page=True,
        targets=RECORD_TARGETS,
        setup=a_review_request,
        then=_still_requested,
    ),
]
