"""The authorization matrix: every role x every endpoint x own and other agency.

Each endpoint is a row of data: which roles may use it, and whether it acts on
one record (so a refusal must answer 404, never 403, and another agency's record
must answer 404 even to a role that may use the endpoint). Every later
capability adds its endpoints here, with a "granted agency" target once records
can be granted; `test_every_api_endpoint_is_in_the_matrix` fails until it does.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from agencies.models import AgencyKind, Role
from tests.factories import AgencyFactory, MembershipFactory, TeamFactory, TOTPDeviceFactory
from tests.helpers import signed_in_client

ALL_ROLES = frozenset(Role)
PUBLIC = "public"


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL name under the `api` namespace, or the page's URL name
    method: str
    path: str  # may contain {member}
    allowed: frozenset = field(default_factory=frozenset)
    ok: int = 200
    body: dict | None = None
    needs_version: bool = False
    page: bool = False

    @property
    def acts_on_one_record(self) -> bool:
        return "{member}" in self.path


API = [
    Endpoint("me", "GET", "/api/v1/me/", ALL_ROLES),
    Endpoint("team-list", "GET", "/api/v1/teams/", ALL_ROLES),
    Endpoint("auth-logout", "POST", "/api/v1/auth/logout/", ALL_ROLES, ok=204),
    Endpoint("schema", "GET", "/api/v1/schema/", ALL_ROLES),
    Endpoint("docs", "GET", "/api/v1/docs/", ALL_ROLES),
    Endpoint("member-list", "GET", "/api/v1/members/", frozenset({Role.AGENCY_ADMIN})),
    Endpoint(
        "member-list",
        "POST",
        "/api/v1/members/",
        frozenset({Role.AGENCY_ADMIN}),
        ok=201,
        body={
            "username": "new.person",
            "first_name": "New",
            "last_name": "Person",
            "role": Role.GENERALIST_OFFICER,
            "password": "a-long-and-unusual-passphrase-7",
        },
    ),
    Endpoint("member-detail", "GET", "/api/v1/members/{member}/", frozenset({Role.AGENCY_ADMIN})),
    Endpoint(
        "member-detail",
        "PATCH",
        "/api/v1/members/{member}/",
        frozenset({Role.AGENCY_ADMIN}),
        body={"first_name": "Renamed", "reason": "name change"},
        needs_version=True,
    ),
    *[
        Endpoint(
            f"member-{action}",
            "POST",
            f"/api/v1/members/{{member}}/{action}/",
            frozenset({Role.AGENCY_ADMIN}),
            body={"reason": "matrix test"},
        )
        for action in ("deactivate", "reset-mfa", "unlock")
    ],
    Endpoint("access-log", "GET", "/api/v1/audit/access-log/", frozenset({Role.AUDITOR})),
]

# Endpoints that answer before sign-in, with their own tests.
SIGN_IN_ENDPOINTS = {"auth-token"}
# Needs a deactivated member; covered in the members tests, and by the same policy row.
COVERED_ELSEWHERE = {"member-reactivate"}

PAGES = [
    Endpoint("home", "GET", "/", ALL_ROLES, page=True),
    Endpoint("member-list", "GET", "/people/", frozenset({Role.AGENCY_ADMIN}), page=True),
    Endpoint("member-create", "GET", "/people/new/", frozenset({Role.AGENCY_ADMIN}), page=True),
    Endpoint(
        "member-detail",
        "GET",
        "/people/{member}/",
        frozenset({Role.AGENCY_ADMIN}),
        page=True,
    ),
    Endpoint("access-log", "GET", "/audit/access-log/", frozenset({Role.AUDITOR}), page=True),
]

_AGENCY_FOR_ROLE = {
    Role.MASH_COORDINATOR: {"kind": AgencyKind.SAFEGUARDING_HUB, "slug": "matrix-mash"},
    Role.SOCIAL_WORKER: {"kind": AgencyKind.CHILDRENS_SERVICES, "slug": "matrix-childrens"},
    Role.PARTNER_CASEWORKER: {"victim_support": True, "slug": "matrix-charity"},
}


def _member_for(role: Role, home):
    agency = AgencyFactory(**_AGENCY_FOR_ROLE[role]) if role in _AGENCY_FOR_ROLE else home
    membership = MembershipFactory(agency=agency, role=role)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def world(db):
    home = AgencyFactory(slug="matrix-home-police")
    other = AgencyFactory(slug="matrix-other-police")
    TeamFactory(agency=home)
    return {"home": home, "other": other}


def _expected(endpoint: Endpoint, role: Role, target: str) -> int:
    if endpoint.acts_on_one_record and target == "other":
        return 404
    if role in endpoint.allowed:
        return endpoint.ok
    return 404 if (endpoint.page or endpoint.acts_on_one_record) else 403


def _call(client, endpoint: Endpoint, path: str, version: int | None):
    headers = {"HTTP_IF_MATCH": f'"{version}"'} if endpoint.needs_version else {}
    method = getattr(client, endpoint.method.lower())
    if endpoint.body is None:
        return method(path, **headers)
    return method(path, endpoint.body, format="json", **headers)


def _targets(endpoints):
    """Each endpoint with each agency whose record it can be aimed at."""
    for endpoint in endpoints:
        label = f"{endpoint.method} {endpoint.path}".replace("{member}", "<id>")
        yield pytest.param(endpoint, "own", id=f"{label} own")
        if endpoint.acts_on_one_record:
            yield pytest.param(endpoint, "other", id=f"{label} other")


@pytest.mark.parametrize("role", sorted(Role), ids=str)
@pytest.mark.parametrize(("endpoint", "target"), list(_targets(API)))
def test_api_matrix(world, endpoint, role, target):
    # given
    actor = _member_for(role, world["home"])
    subject = MembershipFactory(
        agency=actor.agency if target == "own" else world["other"], role=Role.GENERALIST_OFFICER
    )
    client = APIClient()
    client.force_authenticate(actor.user)
    path = endpoint.path.format(member=subject.id)
    # when
    response = _call(client, endpoint, path, subject.version)
    # then
    assert response.status_code == _expected(endpoint, role, target), response.content[:300]
    if response.status_code == 404:
        assert response.json() == {"detail": "Not found."}
    if response.status_code in (403, 404):
        subject.refresh_from_db()
        subject.user.refresh_from_db()
        assert subject.version == 1
        assert subject.user.is_active is True
        assert subject.user.first_name == "Test"


@pytest.mark.parametrize(
    "endpoint",
    [e for e in API if e.name not in {"schema", "docs"}],
    ids=lambda e: f"{e.method} {e.path}",
)
def test_api_refuses_anonymous_callers_with_401(world, endpoint):
    # given
    subject = MembershipFactory(agency=world["home"])
    # when
    response = _call(APIClient(), endpoint, endpoint.path.format(member=subject.id), 1)
    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("role", sorted(Role), ids=str)
@pytest.mark.parametrize(("endpoint", "target"), list(_targets(PAGES)))
def test_page_matrix(world, endpoint, role, target):
    # given
    actor = _member_for(role, world["home"])
    subject = MembershipFactory(agency=actor.agency if target == "own" else world["other"])
    client = signed_in_client(actor)
    # when
    response = client.get(endpoint.path.format(member=subject.id))
    # then
    assert response.status_code == _expected(endpoint, role, target)


@pytest.mark.parametrize("endpoint", PAGES, ids=lambda e: e.path)
def test_pages_send_anonymous_visitors_to_sign_in(world, endpoint, client):
    subject = MembershipFactory(agency=world["home"])
    response = client.get(endpoint.path.format(member=subject.id))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def _api_url_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_url_names(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name, prefix + str(pattern.pattern)


def test_every_api_endpoint_is_in_the_matrix():
    api_resolver = next(
        p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api"
    )
    names = {name for name, _ in _api_url_names(api_resolver.url_patterns)}
    in_matrix = {endpoint.name for endpoint in API} | SIGN_IN_ENDPOINTS | COVERED_ELSEWHERE
    assert names - in_matrix == set(), "add these endpoints to the authorization matrix"
