"""Subject access requests: only the records manager handles them, for their own
agency; every other role is refused (403 for a collection, 404 for a request or a
page), and another agency's request is not found (404). A request names a person of
the caller's own agency: another agency's person is refused 400 naming `subjects`."""

from datetime import date, timedelta

from django.utils import timezone

from agencies.models import Membership, Role
from subject_access.models import ItemDecision, SubjectAccessItem, SubjectAccessRequest
from tests.authz import OTHER, OWN, Endpoint
from tests.factories import PersonFactory

# Written out, never imported from the policy: the matrix must fail when it changes.
RECORDS_MANAGERS = frozenset({Role.RECORDS_MANAGER})
TARGETS = (OWN, OTHER)

REQUEST_FIELDS = frozenset(
    {
        "id",
        "reference",
        "legal_basis",
        "received_on",
        "requester_name",
        "requester_relationship",
        "requester_address",
        "requester_email",
        "identity_check",
        "identity_note",
        "subjects",
        "due_on",
        "extended_due_on",
        "extension_reason",
        "response_due_on",
        "state",
        "state_reason",
        "handler",
        "export_built_at",
        "reviewed_at",
        "closed_at",
        "created_at",
        "version",
    }
)
ITEM_FIELDS = frozenset(
    {
        "id",
        "position",
        "section",
        "case_reference",
        "title",
        "content",
        "third_parties",
        "needs_review",
        "decision",
        "exemption",
        "withhold_reason",
        "decided_at",
    }
)
PERSON_FIELDS = frozenset({"id", "full_name", "date_of_birth"})


def _request(owner, actor: Membership, *, state: str = "received", built: bool = False):
    person = PersonFactory(recorded_by_agency=owner, first_name="Matrix", last_name="Subject")
    received = timezone.localdate() - timedelta(days=3)
    request = SubjectAccessRequest.objects.create(
        agency=owner,
        reference=f"SAR-M-{SubjectAccessRequest.objects.count() + 1:06d}-{owner.slug[:6]}",
        legal_basis="uk_gdpr_article_15",
        received_on=received,
        requester_name="Matrix Requester",
        identity_check="documents_seen",
        due_on=received + timedelta(days=30),
        response_due_on=received + timedelta(days=30),
        state=state,
        handler=actor.user,
        created_by=actor.user,
        export_built_at=timezone.now() if built else None,
        reviewed_at=timezone.now() if built else None,
    )
    request.subjects.set([person])
    if built:
        SubjectAccessItem.objects.create(
            request=request,
            position=1,
            section="person",
            source_type="person",
            source_id=str(person.pk),
            title="Person record: Matrix Subject",
            content={"First name": "Matrix"},
            decision=ItemDecision.RELEASE,
        )
    return request


def a_request(owner, actor):
    return {"request": _request(owner, actor).id, "_version": 1}


def a_request_in_review(owner, actor):
    return {"request": _request(owner, actor, state="in_review", built=True).id, "_version": 1}


def a_person(owner, actor):
    return {"_person": PersonFactory(recorded_by_agency=owner, last_name="Matrixperson")}


def _new_request(values: dict) -> dict:
    return {
        "legal_basis": "uk_gdpr_article_15",
        "received_on": (date.today() - timedelta(days=1)).isoformat(),
        "requester_name": "Matrix Requester",
        "identity_check": "documents_seen",
        "subjects": [str(values["_person"].pk)],
    }


def _new_request_page(values: dict) -> dict:
    return {
        "legal_basis": "uk_gdpr_article_15",
        "received_on": (date.today() - timedelta(days=1)).strftime("%d/%m/%Y"),
        "requester_name": "Matrix Requester",
        "requester_relationship": "self",
        "identity_check": "documents_seen",
        "subjects": [str(values["_person"].pk)],
    }


_API = "/api/v1/subject-access-requests/"
_PAGE = "/subject-access-requests/"


def _move(name: str, setup, body=None, ok: int = 200) -> Endpoint:
    return Endpoint(
        f"subject-access-request-{name}",
        "POST",
        f"{_API}{{request}}/{name}/",
        RECORDS_MANAGERS,
        ok=ok,
        body=body,
        targets=TARGETS,
        setup=setup,
    )


ROWS = [
    Endpoint(
        "subject-access-request-list",
        "GET",
        _API,
        RECORDS_MANAGERS,
        setup=a_request,
        listing=True,
        fields=REQUEST_FIELDS,
    ),
    # The person is named in the body: another agency's is refused 400 naming it.
    Endpoint(
        "subject-access-request-list",
        "POST",
        _API,
        RECORDS_MANAGERS,
        ok=201,
        body=_new_request,
        targets=TARGETS,
        elsewhere=400,
        setup=a_person,
    ),
    Endpoint(
        "subject-access-people",
        "GET",
        f"{_API}people/?q=Matrixperson",
        RECORDS_MANAGERS,
        setup=a_person,
        listing=True,
        # At most 20 matches, never paged: {"results": [...]}, never a bare array.
        envelope=frozenset({"results"}),
        fields=PERSON_FIELDS,
    ),
    Endpoint(
        "subject-access-request-detail",
        "GET",
        f"{_API}{{request}}/",
        RECORDS_MANAGERS,
        targets=TARGETS,
        setup=a_request,
        fields=REQUEST_FIELDS,
    ),
    Endpoint(
        "subject-access-request-detail",
        "PATCH",
        f"{_API}{{request}}/",
        RECORDS_MANAGERS,
        body={"requester_name": "M. Requester"},
        needs_version=True,
        targets=TARGETS,
        setup=a_request,
    ),
    Endpoint(
        "subject-access-request-items",
        "GET",
        f"{_API}{{request}}/items/",
        RECORDS_MANAGERS,
        targets=TARGETS,
        setup=a_request_in_review,
        listing=True,
        fields=ITEM_FIELDS,
    ),
    Endpoint(
        "subject-access-request-export",
        "GET",
        f"{_API}{{request}}/export/",
        RECORDS_MANAGERS,
        targets=TARGETS,
        setup=a_request_in_review,
        fields=frozenset(),
        scan=False,
    ),
    _move("start", a_request),
    _move("build", a_request),
    _move("review", a_request_in_review, body={"items": []}),
    _move("release", a_request_in_review),
    _move("extend", a_request, body={"reason": "Many records over many years."}),
    _move("refuse", a_request, body={"reason": "Manifestly unfounded."}),
    _move("withdraw", a_request, body={"reason": "Withdrawn by email."}),
    # Pages
    Endpoint(
        "subject-access-request-list",
        "GET",
        _PAGE,
        RECORDS_MANAGERS,
        page=True,
        setup=a_request,
    ),
    Endpoint(
        "subject-access-request-create",
        "GET",
        f"{_PAGE}new/?q=Matrixperson",
        RECORDS_MANAGERS,
        page=True,
        setup=a_person,
    ),
    Endpoint(
        "subject-access-request-create",
        "POST",
        f"{_PAGE}new/",
        RECORDS_MANAGERS,
        ok=302,
        page=True,
        body=_new_request_page,
        targets=TARGETS,
        elsewhere=400,
        setup=a_person,
    ),
    Endpoint(
        "subject-access-request-detail",
        "GET",
        f"{_PAGE}{{request}}/",
        RECORDS_MANAGERS,
        page=True,
        targets=TARGETS,
        setup=a_request,
    ),
    Endpoint(
        "subject-access-request-review",
        "GET",
        f"{_PAGE}{{request}}/review/",
        RECORDS_MANAGERS,
        page=True,
        targets=TARGETS,
        setup=a_request_in_review,
    ),
    Endpoint(
        "subject-access-request-review",
        "POST",
        f"{_PAGE}{{request}}/review/",
        RECORDS_MANAGERS,
        ok=302,
        page=True,
        body={"version": "1"},
        targets=TARGETS,
        setup=a_request_in_review,
    ),
    Endpoint(
        "subject-access-request-download",
        "GET",
        f"{_PAGE}{{request}}/export.zip",
        RECORDS_MANAGERS,
        page=True,
        targets=TARGETS,
        setup=a_request_in_review,
    ),
    Endpoint(
        "subject-access-request-move",
        "POST",
        f"{_PAGE}{{request}}/start/",
        RECORDS_MANAGERS,
        ok=302,
        page=True,
        body={"version": "1"},
        targets=TARGETS,
        setup=a_request,
    ),
    Endpoint(
        "subject-access-request-move",
        "GET",
        f"{_PAGE}{{request}}/refuse/",
        RECORDS_MANAGERS,
        page=True,
        targets=TARGETS,
        setup=a_request,
    ),
]
