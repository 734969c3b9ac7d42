"""The authorization matrix: every persona x every endpoint and method x own, other,
hub-owned, charity-owned and granted records (and both sides of a referral), with
the fields each persona receives. The rows live in tests/authz/rows_*.py; their
expectations are written literally there (see tests/authz/__init__.py).

The world (agencies, one member per column, their tokens and sessions) is built
once for the module; each row's records are built once per owner (per caller for
the caller's own, where a row says so); each cell runs inside a savepoint that is
rolled back, and all of a row's mismatches are reported together. A column whose
role the row refuses is not aimed at other agencies' records (its answer cannot
depend on whose record it is; see `_SAME_REFUSAL_AS_OWN`).

* The API matrix runs in full with Bearer tokens; a slice (every row, the first
  allowed column, its own target) runs again with the session cookie, CSRF
  enforced: an unsafe method without the token is refused 403 and writes nothing.
* The page matrix runs in full with the session cookie, CSRF enforced (forms send
  the token); a slice sends POSTs without it; a Bearer token never opens a page.
* `test_every_*_is_in_the_matrix` fail until every (URL name, method) has a row.
"""

import hashlib
import importlib
import inspect
import pkgutil
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from rest_framework.test import APIClient

import tests.authz
from agencies.models import AccessLogEntry, ApiToken, Membership, Role
from tests.authz import (
    CHARITY,
    COLLEAGUE,
    COLUMNS,
    GRANTED,
    HUB,
    OTHER,
    OTHER_SIDE,
    OWN,
    Column,
    Endpoint,
)
from tests.factories import (
    AgencyFactory,
    CaseFactory,
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
ROWS: list[Endpoint] = [row for module in _MODULES for row in module.ROWS]
API_ROWS = [row for row in ROWS if not row.page]
PAGE_ROWS = [row for row in ROWS if row.page]

# --- What the responses may never hold, written out (the walls of the access model).

# The material summary's fields: only specialist investigators and supervisors of
# a police force are cleared for the material compartment.
MATERIAL_KEYS = frozenset(
    {"category_a_count", "category_b_count", "category_c_count", "first_generation", "hashes"}
)
MATERIAL_CLEARED = frozenset({Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR})
# The parties a charity may be told about, by the part they play in the case:
# victim support never hears of suspects or their families (DESIGN.md); family
# support never hears of victims.
DISCLOSABLE_PARTY_ROLES = {
    "victim-support-partner": frozenset({"victim"}),
    "family-support-partner": frozenset({"suspect", "family_member", "child_in_household"}),
}

# The person fields a referral may disclose; nothing else of a person reaches a
# partner (the sender chooses among these, with a lawful basis).
DISCLOSABLE_PERSON_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "aliases",
        "date_of_birth",
        "age",
        "gender",
        "address",
        "phone",
        "email",
        "safe_to_phone",
        "safe_to_write",
        "safe_to_visit",
        "preferred_channel",
        "preferred_times",
        "safe_contact_notes",
        "language",
        "interpreter_needed",
        "adjustments",
    }
)

CSRF_SECRET = "a" * 16 + "b" * 16  # a well-formed 32-character CSRF secret


# --- The world


@dataclass
class World:
    agencies: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)  # Column -> Membership
    residents: dict = field(default_factory=dict)  # agency key -> a member of it
    colleagues: dict = field(default_factory=dict)  # agency key -> another member
    tokens: dict = field(default_factory=dict)  # Column -> raw Bearer token
    sessions: dict = field(default_factory=dict)  # Column -> session key

    def agency_of(self, column: Column):
        return self.agencies[column.agency]


def _member(agency, role, **extra) -> Membership:
    membership = MembershipFactory(agency=agency, role=role, **extra)
    TOTPDeviceFactory(user=membership.user)
    return membership


def _world_build() -> World:
    world = World()
    make = AgencyFactory
    world.agencies = {
        "police": make(slug="matrix-home-police", case_reference_prefix="MH"),
        "hub": make(slug="matrix-mash", mash=True, case_reference_prefix="MM"),
        "childrens": make(slug="matrix-childrens", childrens_services=True),
        "victim_support": make(slug="matrix-victim-support", victim_support=True),
        "family_support": make(slug="matrix-family-support", family_support=True),
        "other": make(slug="matrix-other-police", case_reference_prefix="MO"),
        "other_hub": make(slug="matrix-other-hub", mash=True),
        "other_charity": make(slug="matrix-other-charity", victim_support=True),
        "referral_sender": make(slug="matrix-referral-sender", name="Matrix Referral Sender"),
        "referral_receiver": make(slug="matrix-referral-receiver", name="Matrix Referral Receiver"),
        "third": make(slug="matrix-third-force"),
    }
    for key in {column.agency for column in COLUMNS}:
        TeamFactory(agency=world.agencies[key])
    for column in COLUMNS:
        world.members[column] = _member(world.agency_of(column), column.role)
    resident_roles = {
        "other": Role.GENERALIST_OFFICER,
        "other_hub": Role.MASH_COORDINATOR,
        "other_charity": Role.PARTNER_CASEWORKER,
        "referral_sender": Role.GENERALIST_OFFICER,
        "referral_receiver": Role.GENERALIST_OFFICER,
        "third": Role.GENERALIST_OFFICER,
    }
    for key, role in resident_roles.items():
        world.residents[key] = _member(world.agencies[key], role)
    for column in COLUMNS:
        world.residents.setdefault(column.agency, world.members[column])
        if column.agency not in world.colleagues:
            world.colleagues[column.agency] = _member(world.agency_of(column), column.role)
    now = timezone.now()
    for column, membership in world.members.items():
        raw = secrets.token_urlsafe(32)
        ApiToken.objects.create(
            user=membership.user,
            key_hash=hashlib.sha256(raw.encode()).hexdigest(),
            created_at=now,
            last_used_at=now,
            expires_at=now + timedelta(hours=12),
        )
        world.tokens[column] = raw
        client = signed_in_client(membership)
        world.sessions[column] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, inside a transaction rolled back at its end; each
    test runs in a savepoint within it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield _world_build()
        transaction.set_rollback(True)


@pytest.fixture
def live_world(world, db):
    """The world, with its tokens fresh: a token idle for 30 minutes is refused."""
    ApiToken.objects.filter(user__membership__in=world.members.values()).update(
        last_used_at=timezone.now()
    )
    return world


# --- Building a row's records


def _fresh(membership: Membership) -> Membership:
    # A setup may move its actor (into a team); each build gets its own copy.
    return Membership.objects.select_related("user", "agency", "team").get(pk=membership.pk)


def _grant_everywhere(world: World, values: dict, owner) -> None:
    """The granted target: the record's case (or, for a record with no case, a case
    of its owner) granted to every column's agency."""
    case = values.get("_case") or CaseFactory(owning_agency=owner)
    for key in {column.agency for column in COLUMNS}:
        grant_case(case, world.agencies[key])


def _referral_ends(row: Endpoint, world: World, column: Column, target: str):
    mine = world.agency_of(column)
    if target in (OTHER, GRANTED):
        return world.agencies["other"], world.agencies["other_charity"]
    receiving = (row.side == "receiver") == (target == OWN)
    if receiving:
        return world.agencies["referral_sender"], mine
    return mine, world.agencies["referral_receiver"]


def _per_caller(row: Endpoint, target: str) -> bool:
    """Built for each caller: the caller's own records (and a colleague's). Another
    agency's records are built once, with one of that agency's people as the actor."""
    return target == COLLEAGUE or (row.per_actor and target == OWN)


def _build_key(row: Endpoint, column: Column, target: str):
    if _per_caller(row, target):
        return (target, column)
    if row.side is not None and target in (OWN, OTHER_SIDE):
        return (target, column.agency)
    if target in (OWN, COLLEAGUE):
        return (target, column.agency)
    return (target,)


def _build(row: Endpoint, world: World, column: Column, target: str) -> dict:
    """The records one cell (or every cell sharing its key) is aimed at."""
    if row.setup is None:
        return {}
    if row.side is not None:
        sender, receiver = _referral_ends(row, world, column, target)
        on_my_side = world.agency_of(column) in (sender, receiver)
        actor = world.members[column] if on_my_side else None
        if actor is None:
            actor = next(m for m in world.residents.values() if m.agency_id == sender.pk)
        values = row.setup(sender, receiver, _fresh(actor))
        if target == GRANTED:
            _grant_everywhere(world, values, sender)
        return values
    if target == COLLEAGUE:
        owner, actor = world.agency_of(column), world.colleagues[column.agency]
        if world.colleagues[column.agency].pk == world.members[column].pk:
            actor = world.residents[column.agency]
    elif target == OWN:
        owner = world.agency_of(column)
        actor = world.members[column] if row.per_actor else world.residents[column.agency]
    else:
        key = {OTHER: "other", GRANTED: "other", HUB: "other_hub", CHARITY: "other_charity"}
        owner, actor = world.agencies[key[target]], world.residents[key[target]]
    values = row.setup(owner, _fresh(actor))
    if target == GRANTED:
        _grant_everywhere(world, values, owner)
    return values


class _Builds:
    """A row's records, built once per key before its cells run (so that they
    outlive each cell's savepoint), except those built per caller."""

    def __init__(self, row: Endpoint, world: World, cells) -> None:
        self.row, self.world = row, world
        self._built: dict = {}
        for column, target in cells:
            key = _build_key(row, column, target)
            if not _per_caller(row, target) and key not in self._built:
                self._built[key] = _build(row, world, column, target)

    def values(self, column: Column, target: str) -> dict:
        key = _build_key(self.row, column, target)
        if key in self._built:
            return self._built[key]
        return _build(self.row, self.world, column, target)  # inside the cell's savepoint


class _Cell:
    """A savepoint rolled back after the cell, whatever the cell did."""

    def __enter__(self):
        self.sid = transaction.savepoint()
        return self

    def __exit__(self, *exc):
        transaction.savepoint_rollback(self.sid)
        return False


# --- Calling


def _path(row: Endpoint, values: dict) -> str:
    return row.path.format(**{k: v for k, v in values.items() if not k.startswith("_")})


def _body(row: Endpoint, values: dict, column: Column | None):
    return row.body({**values, "_column": column}) if callable(row.body) else row.body


def _api_call(client, row: Endpoint, values: dict, column: Column | None, **extra):
    headers = dict(row.headers)
    if row.needs_version:
        headers["HTTP_IF_MATCH"] = f'"{values.get("_version", 1)}"'
    headers.update(extra)
    body = _body(row, values, column)
    method = getattr(client, row.method.lower())
    if body is None:
        return method(_path(row, values), **headers)
    if row.multipart:
        return method(_path(row, values), body, format="multipart", **headers)
    return method(_path(row, values), body, format="json", **headers)


def _page_call(client, row: Endpoint, values: dict, column: Column | None, *, csrf: bool):
    method = getattr(client, row.method.lower())
    if row.method == "GET":
        return method(_path(row, values))
    body = dict(_body(row, values, column) or {})
    if csrf:
        body["csrfmiddlewaretoken"] = CSRF_SECRET
    return method(_path(row, values), body)


def _bearer_client(world: World, column: Column) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.tokens[column]}")
    return client


def _cookie_client(world: World, column: Column, client_class=Client):
    return _cookies_reset(client_class(enforce_csrf_checks=True), world, column)


def _cookies_reset(client, world: World, column: Column):
    """Only the column's session and the CSRF cookie: whatever an earlier cell's
    response set (a new session after signing out, a message) is forgotten."""
    client.cookies = SimpleCookie()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[column]
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return client


# --- Judging


def _last_log_entry() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _json(response):
    try:
        return response.json()
    except (ValueError, TypeError):
        return None


def _keys_anywhere(data) -> set[str]:
    if isinstance(data, dict):
        found = set(data)
        for value in data.values():
            found |= _keys_anywhere(value)
        return found
    if isinstance(data, list):
        return set().union(*(_keys_anywhere(item) for item in data)) if data else set()
    return set()


def _field_problems(row: Endpoint, column: Column, target: str, data) -> list[str]:
    problems = []
    found = _keys_anywhere(data) if row.scan else set()
    if column.role not in MATERIAL_CLEARED and (found & MATERIAL_KEYS):
        problems.append(f"material fields {sorted(found & MATERIAL_KEYS)}")
    if found & row.never:
        problems.append(f"fields it must never hold: {sorted(found & row.never)}")
    if column.label in DISCLOSABLE_PARTY_ROLES:
        for item in _items(row, data):
            disclosure = item.get("disclosure") if isinstance(item, dict) else None
            for party in (disclosure or {}).get("parties", []):
                if party["role"] not in DISCLOSABLE_PARTY_ROLES[column.label]:
                    problems.append(f"disclosed a {party['role']} to a {column.label}")
                beyond = set(party.get("fields", {})) - DISCLOSABLE_PERSON_FIELDS
                if beyond:
                    problems.append(f"disclosed {sorted(beyond)} to a {column.label}")
    expected = row.expected_fields(target)
    if expected == frozenset() and data is None:
        return problems  # not JSON (a file): no fields to judge
    if expected is None:
        return problems
    if row.listing:
        envelope = set(data) if isinstance(data, dict) else None
        if envelope is not None and envelope != set(row.envelope):
            problems.append(f"envelope {sorted(envelope)}")
        items = _items(row, data)
        if not items:
            problems.append("an empty list: nothing to judge the fields by")
        for item in items:
            if set(item) != set(expected):
                problems.append(_keys_differ(expected, item))
                break
    elif not isinstance(data, dict) or set(data) != set(expected):
        problems.append(_keys_differ(expected, data if isinstance(data, dict) else {}))
    return problems


def _items(row: Endpoint, data) -> list:
    if row.listing and isinstance(data, dict):
        return data.get("results") or []
    if isinstance(data, list):
        return data
    return [data] if isinstance(data, dict) else []


def _keys_differ(expected, data: dict) -> str:
    extra, missing = sorted(set(data) - set(expected)), sorted(set(expected) - set(data))
    return f"fields: extra {extra}, missing {missing}; got frozenset({sorted(data)})"


@dataclass
class _Report:
    row: Endpoint
    lines: list = field(default_factory=list)

    def add(self, who: str, target: str, problem: str, response=None) -> None:
        said = b""
        if response is not None and response.get("Content-Type", "").startswith("application/json"):
            said = response.content[:200]
        self.lines.append(f"  {who:>24} x {target:<10} {problem} {said.decode(errors='replace')}")

    def check(self) -> None:
        assert not self.lines, f"{self.row.label}: {len(self.lines)} cell(s)\n" + "\n".join(
            self.lines
        )


def _judge_refusal(report, who, target, response, since: int, *, api: bool) -> None:
    if api and response.status_code == 404 and _json(response) != {"detail": "Not found."}:
        report.add(who, target, "a 404 that says more than 'Not found.'", response)
    written = set(AccessLogEntry.objects.filter(pk__gt=since).values_list("outcome", flat=True))
    if not written <= {"denied"}:
        report.add(who, target, f"a refusal that wrote {sorted(written)} to the access log")


def _judge_records(report, row: Endpoint, values: dict, column, target: str) -> None:
    problem = row.then(values, column, target) if row.then else None
    if problem:
        report.add(str(column), target, problem)


# Targets whose answer, for a column refused by its role (the usual 404, or 403 for
# a collection, on its own agency's record), cannot differ from that refusal: whose
# record it is does not matter yet. A column that may see the record but not act on
# it (a 403 the row declares) keeps them: there another agency's record must still
# be a 404. The granted target and the other side of a referral are kept for every
# column: a grant or a side must never stand in for the role.
_SAME_REFUSAL_AS_OWN = frozenset({OTHER, HUB, CHARITY})


def _refused_by_role(row: Endpoint, column: Column) -> bool:
    usual = 404 if (row.page or row.acts_on_one_record) else 403
    return not row.allows(column) and row.expected(column, OWN) == usual


def _cells(row: Endpoint):
    return [
        (column, target)
        for column in COLUMNS
        for target in row.targets
        if not (target in _SAME_REFUSAL_AS_OWN and _refused_by_role(row, column))
    ]


# --- The API matrix


@pytest.fixture
def schema_built_once(monkeypatch):
    """The OpenAPI document is the same for every caller and takes seconds to build:
    it is built once for the row. Each call still passes the view's permission check."""
    from drf_spectacular.generators import SchemaGenerator

    built = {}
    get_schema = SchemaGenerator.get_schema

    def once(self, request=None, public=False):
        if public not in built:
            built[public] = get_schema(self, request=request, public=public)
        return built[public]

    monkeypatch.setattr(SchemaGenerator, "get_schema", once)


@pytest.mark.parametrize("row", API_ROWS, ids=lambda r: r.label)
def test_api_matrix(live_world, row, request):
    # given
    if row.name == "schema":
        request.getfixturevalue("schema_built_once")
    cells = _cells(row)
    builds = _Builds(row, live_world, cells)
    report = _Report(row)
    clients = {column: _bearer_client(live_world, column) for column in COLUMNS}
    for column, target in cells:
        with _Cell():
            values = builds.values(column, target)
            since = _last_log_entry()
            # when
            response = _api_call(clients[column], row, values, column)
            # then
            expected = row.expected(column, target)
            if response.status_code != expected:
                report.add(
                    str(column),
                    target,
                    f"expected {expected}, got {response.status_code}",
                    response,
                )
                continue
            if expected in (403, 404):
                _judge_refusal(report, str(column), target, response, since, api=True)
            elif row.method == "GET" and expected == 200:
                answer = _json(response)
                for problem in _field_problems(row, column, target, answer):
                    report.add(str(column), target, problem)
                problem = row.judge(values, column, target, answer) if row.judge else None
                if problem:
                    report.add(str(column), target, problem)
            _judge_records(report, row, values, column, target)
    _api_without_credentials(live_world, row, builds, report)
    _api_with_the_session_cookie(live_world, row, builds, report)
    report.check()


def _first_allowed(row: Endpoint) -> Column | None:
    return next((column for column in COLUMNS if row.allows(column)), None)


def _api_without_credentials(world, row, builds, report) -> None:
    column = _first_allowed(row) or COLUMNS[0]
    with _Cell():
        response = _api_call(APIClient(), row, builds.values(column, OWN), column)
        if response.status_code != 401 or not response.get("WWW-Authenticate", "").startswith(
            "Bearer"
        ):
            report.add("anonymous", OWN, f"expected 401 Bearer, got {response.status_code}")


def _api_with_the_session_cookie(world, row, builds, report) -> None:
    """The same row through the browser's session: CSRF is enforced for unsafe
    methods, and with the token the row answers as it does for a Bearer token."""
    column = _first_allowed(row)
    if column is None:
        return
    values = builds.values(column, OWN)
    unsafe = row.method not in ("GET", "HEAD")
    if unsafe:
        with _Cell():
            since = _last_log_entry()
            response = _api_call(_cookie_client(world, column, APIClient), row, values, column)
            if response.status_code != 403:
                report.add(f"{column} (cookie)", OWN, f"no CSRF token: {response.status_code}")
            written = set(
                AccessLogEntry.objects.filter(pk__gt=since).values_list("outcome", flat=True)
            )
            if not written <= {"denied"}:
                report.add(f"{column} (cookie)", OWN, f"no CSRF token, yet wrote {written}")
    with _Cell():
        client = _cookie_client(world, column, APIClient)
        response = _api_call(client, row, values, column, HTTP_X_CSRFTOKEN=CSRF_SECRET)
        if response.status_code != row.ok:
            report.add(
                f"{column} (cookie)",
                OWN,
                f"expected {row.ok}, got {response.status_code}",
                response,
            )


# --- The page matrix


@pytest.mark.parametrize("row", PAGE_ROWS, ids=lambda r: r.label)
def test_page_matrix(live_world, row):
    # given
    cells = _cells(row)
    builds = _Builds(row, live_world, cells)
    report = _Report(row)
    clients = {column: _cookie_client(live_world, column) for column in COLUMNS}
    for column, target in cells:
        with _Cell():
            values = builds.values(column, target)
            since = _last_log_entry()
            # when
            client = _cookies_reset(clients[column], live_world, column)
            response = _page_call(client, row, values, column, csrf=True)
            # then
            expected = row.expected(column, target)
            if response.status_code != expected:
                report.add(str(column), target, f"expected {expected}, got {response.status_code}")
            elif expected in (403, 404):
                _judge_refusal(report, str(column), target, response, since, api=False)
            _judge_records(report, row, values, column, target)
    _page_without_credentials(live_world, row, builds, report)
    report.check()


def _page_without_credentials(world, row, builds, report) -> None:
    """Anonymous visitors go to sign-in; so does a Bearer token (pages take only
    the session); a form posted without its CSRF token is refused."""
    column = _first_allowed(row) or COLUMNS[0]
    with _Cell():
        values = builds.values(column, OWN)
        response = _page_call(Client(), row, values, column, csrf=False)
        if row.method == "GET" and not (
            response.status_code == 302 and response["Location"].startswith("/sign-in/")
        ):
            report.add("anonymous", OWN, f"expected the sign-in page, got {response.status_code}")
        if row.method == "GET":
            response = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[column]}").get(
                _path(row, values)
            )
            if not (response.status_code == 302 and response["Location"].startswith("/sign-in/")):
                report.add("Bearer", OWN, f"a page opened for a token: {response.status_code}")
        else:
            response = _page_call(_cookie_client(world, column), row, values, column, csrf=False)
            if response.status_code != 403:
                report.add(str(column), OWN, f"no CSRF token: {response.status_code}")


# --- Completeness: every URL name and method has a row


def _covered(attribute: str) -> dict:
    """(kind, name, method) -> why, from every rows module. A bare URL name (the
    form earlier modules used) covers every method of both kinds."""
    covered: dict = {}
    for module in _MODULES:
        entries = getattr(module, attribute, {})
        for key in entries:
            reason = entries[key] if isinstance(entries, dict) else "(no reason given)"
            covered[key] = reason
    return covered


def _is_covered(kind: str, name: str, method: str) -> bool:
    every = {**_covered("SIGN_IN_ENDPOINTS"), **_covered("COVERED_ELSEWHERE")}
    return name in every or (kind, name, method) in every


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace, pattern


def _api_methods(callback) -> set[str]:
    view = callback.cls
    return {
        name.upper()
        for name in view.http_method_names
        if name not in ("options", "head") and hasattr(view, name)
    }


# Pages that do not declare their methods with require_http_methods: what they answer.
UNDECLARED_PAGE_METHODS = {
    "home": {"GET"},
    "member-list": {"GET"},
    "access-log": {"GET"},
    "queue": {"GET"},
    # Finds the outcome before judging the method (GET answers 405 to those who may).
    "case-outcome-conditions": {"GET", "POST"},
}


def _page_methods(name: str, callback) -> set[str]:
    view = callback
    while view is not None:
        try:
            nonlocals = inspect.getclosurevars(view).nonlocals
        except TypeError:
            nonlocals = {}
        if "request_method_list" in nonlocals:
            return set(nonlocals["request_method_list"]) - {"HEAD", "OPTIONS"}
        view = getattr(view, "__wrapped__", None)
    return UNDECLARED_PAGE_METHODS.get(name, {"GET", "POST"})


def _routes(kind: str) -> set[tuple[str, str]]:
    routes = set()
    for namespace, pattern in _walk(get_resolver().url_patterns):
        if (namespace == "api") != (kind == "api"):
            continue
        methods = (
            _api_methods(pattern.callback)
            if kind == "api"
            else _page_methods(pattern.name, pattern.callback)
        )
        routes |= {(pattern.name, method) for method in methods}
    return routes


@pytest.mark.parametrize("kind", ["api", "page"])
def test_every_url_name_and_method_is_in_the_matrix(kind):
    rows = API_ROWS if kind == "api" else PAGE_ROWS
    in_matrix = {(row.name, row.method) for row in rows}
    missing = {route for route in _routes(kind) - in_matrix if not _is_covered(kind, *route)}
    assert not missing, f"add rows to the matrix for these {kind} routes: {sorted(missing)}"


@pytest.mark.parametrize("kind", ["api", "page"])
def test_every_row_is_a_route_that_exists(kind):
    rows = API_ROWS if kind == "api" else PAGE_ROWS
    routes = _routes(kind)
    stale = sorted({(row.name, row.method) for row in rows} - routes)
    assert not stale, f"these rows name a URL or method that does not exist: {stale}"
    misnamed = []
    for row in rows:
        path = row.path.split("?")[0].format_map(_AnyValue())
        match = resolve(path)
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        if name != (f"api:{row.name}" if kind == "api" else row.name):
            misnamed.append((row.label, name))
    assert not misnamed, f"these rows' paths resolve to another URL name: {misnamed}"


class _AnyValue(dict):
    def __missing__(self, key):
        return str(uuid.UUID(int=1)) if key != "agency" else "matrix-home-police"


def test_every_api_read_says_which_fields_it_answers_with():
    undeclared = [
        row.label
        for row in API_ROWS
        if row.method == "GET"
        and row.ok == 200
        and row.fields is None
        and row.name not in {"schema", "docs"}
    ]
    assert undeclared == []
