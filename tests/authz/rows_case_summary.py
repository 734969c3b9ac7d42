"""The case summary to print (issue 19): whoever does casework prints the summary of a
case they may read, their own agency's or one granted to it, from their own view.
Charities never hold a case; admins, auditors and records managers read no casework:
none of them prints one. The page (GET the form, POST to download) and the API."""

from agencies.models import Role
from tests.authz import EVERY_OWNER, RECORD_TARGETS, Endpoint
from tests.authz.rows_cases import a_case

# Written out, never imported from the policy: the matrix must fail when it changes.
PRINTERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.MASH_COORDINATOR,
        Role.SOCIAL_WORKER,
    }
)


ROWS = [
    Endpoint(
        "case-summary-print",
        "GET",
        "/cases/{case}/summary/print/",
        PRINTERS,
        page=True,
        targets=EVERY_OWNER,
        granted_ok=True,
        setup=a_case,
    ),
    # The PDF itself, downloaded by the form (a file: its fields are its bytes).
    Endpoint(
        "case-summary-print",
        "POST",
        "/cases/{case}/summary/print/",
        PRINTERS,
        page=True,
        body={"purpose": "strategy"},
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-summary",
        "GET",
        "/api/v1/cases/{case}/summary/?purpose=conference",
        PRINTERS,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case,
        # A file, not JSON: its fields are its bytes (tests/records/test_summary.py reads them).
        fields=frozenset(),
    ),
]
