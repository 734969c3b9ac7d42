"""The anonymised suspect-welfare statistics: police casework and auditors."""

from agencies.models import Role
from tests.authz import Endpoint

STATISTICS_READERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.AUDITOR,
    }
)

ROWS = [
    Endpoint(
        "report-suspect-welfare",
        "GET",
        "/api/v1/reports/suspect-welfare/?year=2026",
        STATISTICS_READERS,
        fields=frozenset(
            {
                "agency",
                "year",
                "suspects",
                "screened",
                "not_screened",
                "at_risk",
                "not_at_risk",
                "unknown",
                "at_risk_or_unknown",
                "threshold",
                "safety_plans",
                "welfare_checks",
                "welfare_contacts",
                "incidents",
                "incidents_by_kind",
                "incidents_by_stage",
            }
        ),
    ),
    # Pages
    Endpoint(
        "suspect-welfare-report",
        "GET",
        "/reports/suspect-welfare/",
        STATISTICS_READERS,
        page=True,
    ),
]
