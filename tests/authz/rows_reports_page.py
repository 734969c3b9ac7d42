"""The Reports page (issue 18): a list of the statistics reports the reader may
read. Whoever may read at least one opens it; an agency admin, who may read none,
finds no page. Which reports each role finds on it is tested in
tests/agencies/test_navigation.py."""

from agencies.models import Role
from tests.authz import Endpoint

# Written out, never imported from the policy: the matrix must fail when it changes.
# The outcome and suspect welfare reports: police casework and auditors; the
# referral report: casework, partners and auditors.
REPORT_READERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.MASH_COORDINATOR,
        Role.SOCIAL_WORKER,
        Role.PARTNER_CASEWORKER,
        Role.AUDITOR,
    }
)

ROWS = [
    Endpoint("reports", "GET", "/reports/", REPORT_READERS, page=True),
]
