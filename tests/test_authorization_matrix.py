"""The authorization matrix: every role x every endpoint x own, other and granted
agency. The rows live in tests/authz/rows_*.py, one module per capability;
`test_every_api_endpoint_is_in_the_matrix` fails until a new endpoint has rows.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

import tests.authz
from agencies.models import AccessLogEntry, AgencyKind, Role
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    TeamFactory,
    TOTPDeviceFactory,
    grant_case,
)
from tests.helpers import signed_in_client

_MODULES = [
    importlib.import_module(f"tests.authz.{info.name}")
    for info in pkgutil.iter_modules(tests.authz.__path__)
    if info.name.startswith("rows_")
]
ROWS = [row for module in _MODULES for row in module.ROWS]
API_ROWS = [row for row in ROWS if not row.page]
PAGE_ROWS = [row for row in ROWS if row.page]
NOT_IN_MATRIX = set().union(
    *(
        getattr(m, "SIGN_IN_ENDPOINTS", set()) | getattr(m, "COVERED_ELSEWHERE", set())
        for m in _MODULES
    )
)

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
    home = AgencyFactory(slug="matrix-home-police", case_reference_prefix="MH")
    other = AgencyFactory(slug="matrix-other-police", case_reference_prefix="MO")
    TeamFactory(agency=home)
    return {"home": home, "other": other}


def _targets(rows):
    for row in rows:
        for target in row.targets:
            yield pytest.param(row, target, id=f"{row.label} {target}")


def _prepare(row, actor, world, target) -> tuple[str, dict]:
    owner = actor.agency if target == "own" else world["other"]
    values = row.setup(owner, actor) if row.setup else {}
    if target == "granted":
        grant_case(values["_case"], actor.agency)
    path = row.path.format(**{k: v for k, v in values.items() if not k.startswith("_")})
    return path, values


def _call(client, row, path: str, values: dict):
    headers = {"HTTP_IF_MATCH": f'"{values.get("_version", 1)}"'} if row.needs_version else {}
    body = row.body(values) if callable(row.body) else row.body
    method = getattr(client, row.method.lower())
    if body is None:
        return method(path, **headers)
    if row.multipart:
        return method(path, body, format="multipart", **headers)
    return method(path, body, format="json", **headers)


@pytest.mark.parametrize("role", sorted(Role), ids=str)
@pytest.mark.parametrize(("row", "target"), list(_targets(API_ROWS)))
def test_api_matrix(world, row, role, target):
    # given
    actor = _member_for(role, world["home"])
    path, values = _prepare(row, actor, world, target)
    client = APIClient()
    client.force_authenticate(actor.user)
    last_entry = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # when
    response = _call(client, row, path, values)
    # then
    expected = row.expected(role, target)
    assert response.status_code == expected, response.content[:300]
    if expected == 404:
        assert response.json() == {"detail": "Not found."}
    if expected in (403, 404) and response.status_code == expected:
        # Nothing was written but the record of the refusal itself.
        written = AccessLogEntry.objects.filter(pk__gt=last_entry)
        assert set(written.values_list("outcome", flat=True)) <= {"denied"}


@pytest.mark.parametrize(
    "row",
    [r for r in API_ROWS if r.name not in {"schema", "docs"}],
    ids=lambda r: r.label,
)
def test_api_refuses_anonymous_callers_with_401(world, row):
    # given
    actor = _member_for(Role.SPECIALIST_INVESTIGATOR, world["home"])
    path, values = _prepare(row, actor, world, "own")
    # when
    response = _call(APIClient(), row, path, values)
    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("role", sorted(Role), ids=str)
@pytest.mark.parametrize(("row", "target"), list(_targets(PAGE_ROWS)))
def test_page_matrix(world, row, role, target):
    # given
    actor = _member_for(role, world["home"])
    path, _ = _prepare(row, actor, world, target)
    client = signed_in_client(actor)
    # when
    response = client.get(path)
    # then
    assert response.status_code == row.expected(role, target)


@pytest.mark.parametrize("row", PAGE_ROWS, ids=lambda r: r.label)
def test_pages_send_anonymous_visitors_to_sign_in(world, row, client):
    actor = _member_for(Role.SPECIALIST_INVESTIGATOR, world["home"])
    path, _ = _prepare(row, actor, world, "own")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def _url_names(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def test_every_api_endpoint_is_in_the_matrix():
    api_resolver = next(
        p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api"
    )
    names = set(_url_names(api_resolver.url_patterns))
    in_matrix = {row.name for row in API_ROWS} | NOT_IN_MATRIX
    assert names - in_matrix == set(), "add these endpoints to the authorization matrix"
