"""Staff exposure rules: only an agency admin of a police force reads and changes
their own agency's rules. The collection is the caller's own agency's, so there is
no other agency or granted target: that another agency's admin changes only their
own is tested in tests/welfare/staff/test_rules_admin.py."""

from agencies.models import Role
from tests.authz import Endpoint
from tests.authz.rows_case_pages import form_page

ADMINS = frozenset({Role.AGENCY_ADMIN})

ROWS = [
    Endpoint(
        "staff-exposure-rules",
        "GET",
        "/api/v1/staff-exposure/rules/",
        ADMINS,
        fields=frozenset(
            {
                "max_review_minutes_per_day",
                "no_review_final_minutes",
                "debrief_every_months",
                "welfare_review_every_months",
                "version",
            }
        ),
    ),
    Endpoint(
        "staff-exposure-rules",
        "PATCH",
        "/api/v1/staff-exposure/rules/",
        ADMINS,
        body={"max_review_minutes_per_day": 180, "reason": "Occupational health advice"},
        needs_version=True,
    ),
    # Pages
    *form_page(
        "staff-exposure-rules", "/staff-welfare/rules/", ADMINS, targets=("own",), setup=None
    ),
]
