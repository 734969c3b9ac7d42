from agencies.access import CASEWORK
from tests.authz import Endpoint
from tests.authz.rows_cases import a_case

ALL_TARGETS = ("own", "other", "granted")

ROWS = [
    Endpoint("queue", "GET", "/api/v1/queue/", CASEWORK),
    Endpoint(
        "case-actioned",
        "POST",
        "/api/v1/cases/{case}/actioned/",
        CASEWORK,
        ok=201,
        body={"description": "Safeguarding visit arranged for today."},
        targets=ALL_TARGETS,
        setup=a_case,
    ),
    Endpoint("queue", "GET", "/queue/", CASEWORK, page=True),
]
