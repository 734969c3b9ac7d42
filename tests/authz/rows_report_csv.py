"""The reports' CSV downloads (issue 18): each is read by exactly those who may read
its page, and 404 for everyone else, as the page is."""

from agencies.models import Role
from tests.authz import FAMILY_SUPPORT_PARTNER, VICTIM_SUPPORT_PARTNER, Endpoint

# A police force's own statistical returns: its casework roles and its auditor.
POLICE_STATISTICS_READERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.AUDITOR,
    }
)
# The referrals report: every agency that sends or receives referrals, and auditors.
REFERRAL_REPORT_READERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.MASH_COORDINATOR,
        Role.SOCIAL_WORKER,
        VICTIM_SUPPORT_PARTNER,
        FAMILY_SUPPORT_PARTNER,
        Role.AUDITOR,
    }
)

ROWS = [
    Endpoint(
        "outcome-report-csv",
        "GET",
        "/reports/outcomes/csv/",
        POLICE_STATISTICS_READERS,
        page=True,
    ),
    Endpoint(
        "referral-report-csv",
        "GET",
        "/reports/referrals/csv/",
        REFERRAL_REPORT_READERS,
        page=True,
    ),
    Endpoint(
        "suspect-welfare-report-csv",
        "GET",
        "/reports/suspect-welfare/csv/",
        POLICE_STATISTICS_READERS,
        page=True,
    ),
]
