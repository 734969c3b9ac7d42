from agencies.access import POLICE_CASEWORK
from agencies.models import Role
from tests.authz import Endpoint

STATISTICS_READERS = POLICE_CASEWORK | {Role.AUDITOR}

ROWS = [
    Endpoint(
        "report-suspect-welfare",
        "GET",
        "/api/v1/reports/suspect-welfare/?year=2026",
        STATISTICS_READERS,
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
