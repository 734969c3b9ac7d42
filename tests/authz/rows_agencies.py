from agencies.models import Role
from tests.authz import ALL_ROLES, Endpoint
from tests.factories import MembershipFactory

ADMIN = frozenset({Role.AGENCY_ADMIN})


def a_member(owner, actor) -> dict:
    subject = MembershipFactory(agency=owner, role=Role.GENERALIST_OFFICER)
    return {"member": subject.id, "_version": subject.version}


ROWS = [
    Endpoint("me", "GET", "/api/v1/me/", ALL_ROLES),
    Endpoint("team-list", "GET", "/api/v1/teams/", ALL_ROLES),
    Endpoint("auth-logout", "POST", "/api/v1/auth/logout/", ALL_ROLES, ok=204),
    Endpoint("schema", "GET", "/api/v1/schema/", ALL_ROLES),
    Endpoint("docs", "GET", "/api/v1/docs/", ALL_ROLES),
    Endpoint("member-list", "GET", "/api/v1/members/", ADMIN),
    Endpoint(
        "member-list",
        "POST",
        "/api/v1/members/",
        ADMIN,
        ok=201,
        body={
            "username": "new.person",
            "first_name": "New",
            "last_name": "Person",
            "role": Role.GENERALIST_OFFICER,
            "password": "a-long-and-unusual-passphrase-7",
        },
    ),
    Endpoint(
        "member-detail",
        "GET",
        "/api/v1/members/{member}/",
        ADMIN,
        targets=("own", "other"),
        setup=a_member,
    ),
    Endpoint(
        "member-detail",
        "PATCH",
        "/api/v1/members/{member}/",
        ADMIN,
        body={"first_name": "Renamed", "reason": "name change"},
        needs_version=True,
        targets=("own", "other"),
        setup=a_member,
    ),
    *[
        Endpoint(
            f"member-{action}",
            "POST",
            f"/api/v1/members/{{member}}/{action}/",
            ADMIN,
            body={"reason": "matrix test"},
            targets=("own", "other"),
            setup=a_member,
        )
        for action in ("deactivate", "reset-mfa", "unlock")
    ],
    Endpoint("access-log", "GET", "/api/v1/audit/access-log/", frozenset({Role.AUDITOR})),
    # Pages
    Endpoint("home", "GET", "/", ALL_ROLES, page=True),
    Endpoint("member-list", "GET", "/people/", ADMIN, page=True),
    Endpoint("member-create", "GET", "/people/new/", ADMIN, page=True),
    Endpoint(
        "member-detail",
        "GET",
        "/people/{member}/",
        ADMIN,
        page=True,
        targets=("own", "other"),
        setup=a_member,
    ),
    Endpoint("access-log", "GET", "/audit/access-log/", frozenset({Role.AUDITOR}), page=True),
]

# Endpoints that answer before sign-in, with their own tests.
SIGN_IN_ENDPOINTS = {"auth-token"}
# Needs a deactivated member; covered in the members tests, under the same policy row.
COVERED_ELSEWHERE = {"member-reactivate"}
