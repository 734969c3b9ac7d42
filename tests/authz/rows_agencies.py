"""Who the caller is, people management (agency admins, their own agency's people
only) and the access log (auditors)."""

from agencies.models import Role
from tests.authz import ALL_ROLES, EVERY_OWNER, RECORD_TARGETS, Endpoint
from tests.factories import MembershipFactory

ADMINS = frozenset({Role.AGENCY_ADMIN})
AUDITORS = frozenset({Role.AUDITOR})

MEMBER_FIELDS = frozenset(
    {
        "id",
        "username",
        "first_name",
        "last_name",
        "full_name",
        "email",
        "agency",
        "team",
        "role",
        "is_active",
        "last_sign_in",
        "version",
    }
)


def a_member(owner, actor) -> dict:
    subject = MembershipFactory(agency=owner, role=Role.GENERALIST_OFFICER)
    return {"member": subject.id, "_version": subject.version}


def a_deactivated_member(owner, actor) -> dict:
    values = a_member(owner, actor)
    subject = MembershipFactory._meta.model.objects.get(pk=values["member"])
    subject.user.is_active = False
    subject.user.save(update_fields=["is_active"])
    return values


def an_access_log_entry(owner, actor) -> dict:
    """Someone of the owning agency read one of its cases."""
    from agencies.audit import access_log_record

    access_log_record(
        actor=actor.user,
        action="cases.case.viewed",
        object_type="case",
        object_id="matrix",
        object_agency_slug=owner.slug,
        justification=f"own agency ({owner.slug})",
    )
    return {}


def _member_action(action: str, setup=a_member) -> Endpoint:
    return Endpoint(
        f"member-{action}",
        "POST",
        f"/api/v1/members/{{member}}/{action}/",
        ADMINS,
        body={"reason": "matrix test"},
        targets=RECORD_TARGETS,
        setup=setup,
    )


ROWS = [
    Endpoint(
        "me",
        "GET",
        "/api/v1/me/",
        ALL_ROLES,
        fields=frozenset({"username", "full_name", "agency", "role", "team"}),
    ),
    Endpoint(
        "team-list",
        "GET",
        "/api/v1/teams/",
        ALL_ROLES,
        listing=True,
        fields=frozenset({"id", "name", "slug"}),
    ),
    Endpoint("auth-logout", "POST", "/api/v1/auth/logout/", ALL_ROLES, ok=204),
    # The API's description, as JSON (the YAML is the same document, slower to
    # write), and its browsable docs (HTML: no fields of JSON).
    Endpoint(
        "schema",
        "GET",
        "/api/v1/schema/?format=json",
        ALL_ROLES,
        fields=frozenset({"openapi", "info", "paths", "components"}),
        scan=False,
    ),
    Endpoint("docs", "GET", "/api/v1/docs/", ALL_ROLES, fields=frozenset()),
    Endpoint(
        "member-list",
        "GET",
        "/api/v1/members/",
        ADMINS,
        setup=a_member,
        listing=True,
        fields=MEMBER_FIELDS,
    ),
    Endpoint(
        "member-list",
        "POST",
        "/api/v1/members/",
        ADMINS,
        ok=201,
        body={
            "username": "new.person",
            "first_name": "New",
            "last_name": "Person",
            "role": Role.GENERALIST_OFFICER,
        },
    ),
    Endpoint(
        "member-detail",
        "GET",
        "/api/v1/members/{member}/",
        ADMINS,
        targets=EVERY_OWNER,
        setup=a_member,
        fields=MEMBER_FIELDS,
    ),
    Endpoint(
        "member-detail",
        "PATCH",
        "/api/v1/members/{member}/",
        ADMINS,
        body={"first_name": "Renamed", "reason": "name change"},
        needs_version=True,
        targets=EVERY_OWNER,
        setup=a_member,
    ),
    _member_action("deactivate"),
    _member_action("reactivate", a_deactivated_member),
    _member_action("reset-mfa"),
    _member_action("unlock"),
    Endpoint(
        "access-log",
        "GET",
        "/api/v1/audit/access-log/",
        AUDITORS,
        setup=an_access_log_entry,
        listing=True,
        fields=frozenset(
            {
                "sequence",
                "at",
                "username",
                "agency_slug",
                "action",
                "outcome",
                "object_type",
                "object_id",
                "object_agency_slug",
                "object_agency_slugs",
                "record_ids",
                "query",
                "justification",
                "method",
                "endpoint",
                "ip_address",
                "previous_hash",
                "entry_hash",
            }
        ),
    ),
    # Pages
    Endpoint("home", "GET", "/", ALL_ROLES, page=True),
    Endpoint("member-list", "GET", "/people/", ADMINS, page=True),
    Endpoint("member-create", "GET", "/people/new/", ADMINS, page=True),
    Endpoint("member-create", "POST", "/people/new/", ADMINS, page=True),
    *[
        Endpoint(
            "member-detail",
            method,
            "/people/{member}/",
            ADMINS,
            page=True,
            targets=EVERY_OWNER,
            setup=a_member,
        )
        for method in ("GET", "POST")
    ],
    # An action posted without its reason goes back to the person's page (302).
    Endpoint(
        "member-action",
        "POST",
        "/people/{member}/deactivate/",
        ADMINS,
        ok=302,
        page=True,
        targets=RECORD_TARGETS,
        setup=a_member,
    ),
    Endpoint("access-log", "GET", "/audit/access-log/", AUDITORS, page=True),
]

# Endpoints that answer before sign-in, with their own tests (tests/agencies).
SIGN_IN_ENDPOINTS = {
    ("api", "auth-token", "POST"): "exchanges a password and a code for a token",
    ("page", "sign-in", "GET"): "the sign-in page",
    ("page", "sign-in", "POST"): "the sign-in page",
    ("page", "sign-in-code", "GET"): "the second step of signing in",
    ("page", "sign-in-code", "POST"): "the second step of signing in",
    ("page", "enrol", "GET"): "the one-time enrolment link, for a person not yet signed in",
    ("page", "enrol", "POST"): "the one-time enrolment link, for a person not yet signed in",
    ("page", "sign-out", "POST"): "ends whatever session there is",
    ("page", "healthz", "GET"): "the load balancer's health check, with no data in it",
}
