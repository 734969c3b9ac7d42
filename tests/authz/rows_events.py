from datetime import date

from agencies.access import CASEWORK, POLICE_CASEWORK
from tests.authz import Endpoint
from tests.factories import CaseFactory, PartyFactory

ALL_TARGETS = ("own", "other", "granted")


def a_case_with_a_suspect(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, received_on=date(2026, 3, 2))
    suspect = PartyFactory(case=case, role="suspect")
    return {"case": case.id, "suspect": suspect.id, "_case": case, "_version": case.version}


ROWS = [
    Endpoint(
        "case-events",
        "GET",
        "/api/v1/cases/{case}/events/",
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case_with_a_suspect,
    ),
    Endpoint(
        "case-events",
        "POST",
        "/api/v1/cases/{case}/events/",
        POLICE_CASEWORK,
        ok=201,
        body=lambda values: {
            "suspect": str(values["suspect"]),
            "kind": "arrested",
            "occurred_at": "2026-03-10T10:00:00Z",
        },
        targets=ALL_TARGETS,
        setup=a_case_with_a_suspect,
    ),
    # Pages
    Endpoint(
        "event-create",
        "GET",
        "/cases/{case}/events/new/",
        POLICE_CASEWORK,
        page=True,
        targets=ALL_TARGETS,
        setup=a_case_with_a_suspect,
    ),
]
