"""A committed write is never answered as a failure: every API write and the
building of its answer run in one transaction (common.api.middleware), so a 5xx
means nothing changed.

The proof kills the database connection at each step of a referral's create and
send: from the k-th statement on, every statement fails as on a dead connection,
for every k from the first statement to past the last, and then at the COMMIT
itself. After each, either the answer is 2xx and the write is there, or it is 5xx
and the database is exactly as it was, row for row."""

from collections import Counter
from contextlib import contextmanager
from datetime import date

import pytest
from django.db import OperationalError, connection

from cases.models import Case
from referrals.models import Referral
from tests.authz.rows_referrals import make_referral
from tests.factories import CaseFactory, PartyFactory

REFERRALS = "/api/v1/referrals/"
DEAD = "server closed the connection unexpectedly"


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class _DiesAt:
    """From its k-th statement on, the connection is dead."""

    def __init__(self, k: int):
        self.k = k
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.count >= self.k:
            raise OperationalError(DEAD)
        return execute(sql, params, many, context)


@contextmanager
def _commit_fails(*, after_applying: bool):
    """The connection dies at the COMMIT: before the server applied it, or after
    (its answer lost on the way back)."""
    real = connection._commit

    def dying():
        if after_applying:
            real()
        raise OperationalError(DEAD)

    connection._commit = dying
    try:
        yield
    finally:
        del connection._commit


def _snapshot() -> dict:
    """Every row of every table, as it is now."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


def _client(api_for, membership):
    client = api_for(membership)
    client.raise_request_exception = False  # answered as a real client would see it
    return client


@pytest.fixture
def referable_case(north, officer_north):
    case = CaseFactory(
        owning_agency=north, received_on=date(2026, 3, 6), lead_officer=officer_north.user
    )
    victim = PartyFactory(case=case, role="victim")
    return case, victim


def _create_body(case, victim) -> dict:
    return {
        "case": str(case.pk),
        "to_agency": "harbour-victim-support",
        "purpose": "victim_support",
        "urgency": "urgent",
        "parties": [{"party": str(victim.pk), "fields": ["first_name"]}],
        "summary_for_receiver": "A child coerced online would like support.",
        "lawful_basis": "public_task",
        "sensitive_condition": "safeguarding",
        "consent": {
            "status": "given",
            "given_on": "2026-03-06",
            "how": "In writing",
            "given_by": "Her mother",
        },
    }


def _kill_at_every_step(request, outcome_of, *, prepare) -> Counter:
    """Run `request` once cleanly to count its statements, then once for each
    statement killed, and once for each way the COMMIT can die. Returns how each
    ended; fails on any 5xx that changed something, or any 2xx without its write."""
    # given: how many statements the request makes when nothing fails
    counter = _Counter()
    subject = prepare()
    with connection.execute_wrapper(counter):
        clean = request(subject)
    assert 200 <= clean.status_code < 300, clean.content
    assert outcome_of(subject, clean)
    kills = [("statement", k) for k in range(1, counter.count + 2)]
    kills += [("commit", False)]
    if connection.vendor == "postgresql":
        kills += [("commit", True)]  # applied, its answer lost: SQLite has no such moment
    results: Counter = Counter()
    for kind, step in kills:
        subject = prepare()
        before = _snapshot()
        # when
        if kind == "statement":
            with connection.execute_wrapper(_DiesAt(step)):
                response = request(subject)
        else:
            with _commit_fails(after_applying=step):
                response = request(subject)
        # then
        if 200 <= response.status_code < 300:
            assert outcome_of(subject, response), (kind, step)
            results["2xx, written"] += 1
        else:
            assert response.status_code >= 500, (kind, step, response.status_code)
            assert _snapshot() == before, (kind, step, response.status_code)
            body = response.json()
            assert set(body) == {"detail", "request_id"}, body
            assert body["request_id"] == response["X-Request-ID"]
            results["5xx, nothing changed"] += 1
    return results


@pytest.mark.django_db(transaction=True)
def test_a_referral_created_while_the_connection_dies_is_never_answered_500_yet_saved(
    officer_north, harbour, caseworker_harbour, referable_case, api_for, capsys
):
    case, victim = referable_case
    client = _client(api_for, officer_north)
    keys = iter(range(1_000_000))

    def create(_):
        return client.post(
            REFERRALS,
            _create_body(case, victim),
            format="json",
            headers={"Idempotency-Key": f"create-{next(keys)}"},
        )

    def saved(_, response) -> bool:
        return Referral.objects.filter(pk=response.json()["id"], state="draft").exists()

    results = _kill_at_every_step(create, saved, prepare=lambda: None)
    with capsys.disabled():
        print(f"\nreferral create, connection killed at each step: {dict(results)}")
    assert results["5xx, nothing changed"] > 10
    assert results["2xx, written"] >= 1


@pytest.mark.django_db(transaction=True)
def test_a_referral_sent_while_the_connection_dies_is_never_answered_500_yet_sent(
    officer_north, north, harbour, caseworker_harbour, api_for, capsys
):
    client = _client(api_for, officer_north)

    def draft():
        return make_referral(
            from_agency=north, to_agency=harbour, state="draft", created_by=officer_north.user
        )

    def send(referral):
        return client.post(f"{REFERRALS}{referral.pk}/send/")

    def sent(referral, response) -> bool:
        referral.refresh_from_db()
        return referral.state == "sent" and response.json()["state"] == "sent"

    results = _kill_at_every_step(send, sent, prepare=draft)
    with capsys.disabled():
        print(f"\nreferral send, connection killed at each step: {dict(results)}")
    assert results["5xx, nothing changed"] > 10
    assert results["2xx, written"] >= 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_commit_whose_answer_was_lost_is_answered_with_its_response(
    officer_north, north, harbour, caseworker_harbour, api_for
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's COMMIT has no answer to lose")
    # given
    client = _client(api_for, officer_north)
    referral = make_referral(
        from_agency=north, to_agency=harbour, state="draft", created_by=officer_north.user
    )
    # when: the server applies the COMMIT, and the connection dies before its answer
    with _commit_fails(after_applying=True):
        response = client.post(f"{REFERRALS}{referral.pk}/send/")
    # then: asked what became of it, the server says committed: answered as sent
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "sent"
    referral.refresh_from_db()
    assert referral.state == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_failed_write_changes_nothing_even_after_the_service_returned(
    officer_north, harbour, referable_case, api_for, monkeypatch
):
    # given: the answer cannot be built after the service has written the draft
    case, victim = referable_case

    def broken(*args, **kwargs):
        raise OperationalError(DEAD)

    monkeypatch.setattr("referrals.api.referrals.referral_response", broken)
    client = _client(api_for, officer_north)
    # when
    response = client.post(REFERRALS, _create_body(case, victim), format="json")
    # then
    assert response.status_code == 500
    assert Referral.objects.count() == 0
    assert Case.objects.get(pk=case.pk).pk == case.pk
    assert response.json()["request_id"] == response["X-Request-ID"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writes_racing_each_other_inside_their_transactions_neither_deadlock_nor_duplicate(
    officer_north, north, harbour, caseworker_harbour, referable_case, api_for
):
    """Each write now holds its locks (the access log's, the idempotency key's) until
    its answer is built: eight creates with one Idempotency-Key and eight sends at
    once still end as one draft, seven replays and eight sends."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time")
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    case, victim = referable_case
    drafts = [
        make_referral(
            from_agency=north, to_agency=harbour, state="draft", created_by=officer_north.user
        )
        for _ in range(8)
    ]

    def create(_):
        try:
            return _client(api_for, officer_north).post(
                REFERRALS,
                _create_body(case, victim),
                format="json",
                headers={"Idempotency-Key": "one-key-for-all"},
            )
        finally:
            connections.close_all()

    def send(referral):
        try:
            return _client(api_for, officer_north).post(f"{REFERRALS}{referral.pk}/send/")
        finally:
            connections.close_all()

    # when
    with ThreadPoolExecutor(max_workers=16) as pool:
        created = list(pool.map(create, range(8)))
        sent = list(pool.map(send, drafts))
    # then
    assert [response.status_code for response in created] == [201] * 8
    assert len({response.json()["id"] for response in created}) == 1
    assert (
        sorted(response.get("Idempotent-Replayed", "") for response in created)
        == [""] + ["true"] * 7
    )
    assert [response.status_code for response in sent] == [200] * 8
    assert Referral.objects.filter(case=case).count() == 1
    assert Referral.objects.filter(state="sent").count() == 8
