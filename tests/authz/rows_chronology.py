"""The case chronology (issue 19): the Chronology tab and its API, read by whoever
may read the case (the casework roles, on their own agency's cases and on a case
granted to theirs); charities, admins, auditors and records managers are refused,
and a case out of scope answers 404."""

from tests.authz import EVERY_OWNER, RECORD_TARGETS, Endpoint
from tests.authz.rows_cases import CASEWORKERS, a_case_with_records

ROWS = [
    Endpoint(
        "case-chronology",
        "GET",
        "/cases/{case}/chronology/",
        CASEWORKERS,
        page=True,
        targets=EVERY_OWNER,
        granted_ok=True,
        setup=a_case_with_records,
    ),
    Endpoint(
        "case-chronology",
        "GET",
        "/api/v1/cases/{case}/chronology/",
        CASEWORKERS,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case_with_records,
        listing=True,
        fields=frozenset({"when", "kind", "summary", "who", "party", "compartment", "url"}),
    ),
]
