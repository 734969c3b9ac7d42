"""Staff exposure rules: only an agency admin of a police force reads and changes
their own agency's rules. The collection is the caller's own agency's, so there is
no other agency or granted target: that another agency's admin changes only their
own is tested in tests/welfare/staff/test_rules_admin.py."""

from agencies.models import Role
from tests.authz import Endpoint

ADMINS = frozenset({Role.AGENCY_ADMIN})

ROWS = [
    Endpoint("staff-exposure-rules", "GET", "/api/v1/staff-exposure/rules/", ADMINS),
    Endpoint(
        "staff-exposure-rules",
        "PATCH",
        "/api/v1/staff-exposure/rules/",
        ADMINS,
        body={"max_review_minutes_per_day": 180, "reason": "Occupational health advice"},
        needs_version=True,
    ),
    # Pages
    Endpoint("staff-exposure-rules", "GET", "/staff-welfare/rules/", ADMINS, page=True),
]
