"""What happens in a case: offences, contacts with its parties and key decisions,
through /api/v1/cases/{id}/offences/, contacts/ and decisions/."""

from datetime import UTC, date, datetime, timedelta

import pytest

from agencies.models import AccessLogEntry
from cases.models import ContactLog, KeyDecision, Offence
from tests.factories import CaseFactory, PartyFactory
from tests.helpers import ACCESS_LOG_QUERIES

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north)


@pytest.fixture
def victim(case):
    return PartyFactory(
        case=case, role="victim", person__first_name="Ffion", person__last_name="Fictional"
    )


@pytest.fixture
def suspect(case):
    return PartyFactory(
        case=case, role="suspect", person__first_name="Gideon", person__last_name="Fictional"
    )


def _url(case, records: str) -> str:
    return f"/api/v1/cases/{case.id}/{records}/"


def _log(action: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action=action).order_by("sequence"))


# --- Offences


def test_recording_an_offence_with_the_parties_it_concerns(
    case, victim, suspect, officer_north, api_for
):
    # when
    response = api_for(officer_north).post(
        _url(case, "offences"),
        {
            "offence_type": "sexual_extortion",
            "description": "Threats to share images.",
            "committed_from": "2026-02-01",
            "committed_to": "2026-02-14",
            "platform": "A messaging app",
            "parties": [str(victim.id), str(suspect.id)],
        },
        format="json",
    )
    # then
    assert response.status_code == 201
    offence = Offence.objects.get()
    body = response.json()
    # (the clock stands still here, so both parties were added at the same instant)
    parties = sorted(body.pop("parties"), key=lambda party: party["role"])
    assert body == {
        "id": str(offence.id),
        "offence_type": "sexual_extortion",
        "description": "Threats to share images.",
        "committed_from": "2026-02-01",
        "committed_to": "2026-02-14",
        "platform": "A messaging app",
        "created_at": body["created_at"],
    }
    assert parties == [
        {"id": str(suspect.id), "role": "suspect", "full_name": "Gideon Fictional"},
        {"id": str(victim.id), "role": "victim", "full_name": "Ffion Fictional"},
    ]
    assert set(offence.parties.all()) == {victim, suspect}
    assert offence.created_by == officer_north.user
    history = api_for(officer_north).get(f"/api/v1/cases/{case.id}/history/").json()["results"]
    assert [
        (e["change"], e["reason"], e["fields"]) for e in history if e["record_type"] == "offence"
    ] == [("created", "offence recorded", [])]
    [entry] = _log("cases.offence.added")
    assert (entry.object_type, entry.object_id) == ("offence", str(offence.id))


def test_an_offence_on_a_single_day_needs_no_end(case, officer_north, api_for):
    # when
    response = api_for(officer_north).post(
        _url(case, "offences"),
        {"offence_type": "iioc_possessing", "committed_from": "2026-06-15"},
        format="json",
    )
    # then
    assert response.status_code == 201
    assert (response.json()["committed_to"], response.json()["parties"]) == (None, [])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"committed_from": "2026-06-16"}, "committed_from"),
        ({"committed_to": "2026-06-16"}, "committed_to"),
        ({"committed_from": "2026-02-14", "committed_to": "2026-02-13"}, "committed_to"),
        ({"offence_type": "littering"}, "offence_type"),
        ({"offence_type": "other"}, "description"),
        ({"offence_type": "other", "description": "  "}, "description"),
        ({"parties": ["OTHER"]}, "parties.0"),
        ({"parties": ["00000000-0000-0000-0000-000000000000"]}, "parties.0"),
        ({"committed_from": None}, "committed_from"),
    ],
    ids=[
        "from-tomorrow",
        "to-tomorrow",
        "to-before-from",
        "unknown-type",
        "other-without-description",
        "other-blank-description",
        "party-of-another-case",
        "no-such-party",
        "no-start",
    ],
)
def test_a_bad_offence_is_refused_naming_the_field_and_nothing_is_stored(
    case, north, officer_north, api_for, overrides, field
):
    # given
    other_party = PartyFactory(case=CaseFactory(owning_agency=north))
    body = {"offence_type": "sexual_communication", "committed_from": "2026-02-01"} | overrides
    body["parties"] = [str(other_party.id) if p == "OTHER" else p for p in body.get("parties", [])]
    # when
    response = api_for(officer_north).post(_url(case, "offences"), body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert Offence.objects.count() == 0
    assert Offence.history.count() == 0


def test_offences_are_listed_in_the_order_committed(case, victim, officer_north, api_for):
    # given
    client = api_for(officer_north)
    for committed_from in ("2026-03-01", "2026-01-01", "2026-02-01"):
        client.post(
            _url(case, "offences"),
            {
                "offence_type": "sexual_communication",
                "committed_from": committed_from,
                "parties": [str(victim.id)],
            },
            format="json",
        )
    # when
    response = client.get(_url(case, "offences"))
    # then
    assert response.status_code == 200
    assert [o["committed_from"] for o in response.json()["results"]] == [
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
    ]


# --- Contacts


def test_logging_a_contact_takes_a_party_a_channel_and_a_summary(
    case, victim, officer_north, api_for
):
    # when
    response = api_for(officer_north).post(
        _url(case, "contacts"),
        {"party": str(victim.id), "channel": "phone", "summary": "Explained the next steps."},
        format="json",
    )
    # then
    assert response.status_code == 201
    contact = ContactLog.objects.get()
    body = response.json()
    assert body == {
        "id": str(contact.id),
        "party": {"id": str(victim.id), "role": "victim", "full_name": "Ffion Fictional"},
        "contacted_at": "2026-06-15T10:30:00+01:00",
        "channel": "phone",
        "direction": "outbound",
        "made_by": {
            "username": "officer.north",
            "full_name": officer_north.user.get_full_name(),
        },
        "summary": "Explained the next steps.",
        "next_contact_on": None,
        "next_contact_note": "",
        "created_at": body["created_at"],
        # no update owed was named: none met, nothing told
        "updates_met": [],
        "told_about": "",
    }
    assert contact.contacted_at == NOW
    [entry] = _log("cases.contact.logged")
    assert (entry.object_type, entry.object_id) == ("contact", str(contact.id))


def test_a_contact_can_record_the_next_one_agreed(case, victim, officer_north, api_for):
    # when
    response = api_for(officer_north).post(
        _url(case, "contacts"),
        {
            "party": str(victim.id),
            "channel": "visit",
            "direction": "inbound",
            "contacted_at": "2026-06-14T16:00:00+01:00",
            "summary": "Mother called in.",
            "next_contact_on": "2026-06-14",
            "next_contact_note": "Call back after school.",
        },
        format="json",
    )
    # then
    assert response.status_code == 201
    assert (
        response.json()["direction"],
        response.json()["next_contact_on"],
        response.json()["next_contact_note"],
    ) == ("inbound", "2026-06-14", "Call back after school.")


def test_a_contact_a_few_seconds_ahead_by_a_device_clock_is_not_in_the_future(
    case, victim, officer_north, api_for
):
    # when
    response = api_for(officer_north).post(
        _url(case, "contacts"),
        {
            "party": str(victim.id),
            "channel": "phone",
            "summary": "Quick call.",
            "contacted_at": (NOW + timedelta(seconds=30)).isoformat(),
        },
        format="json",
    )
    # then
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contacted_at": "2026-06-15T12:00:00+01:00"}, "contacted_at"),
        ({"contacted_at": "2026-06-16T09:00:00+01:00"}, "contacted_at"),
        ({"channel": "pigeon"}, "channel"),
        ({"direction": "sideways"}, "direction"),
        ({"summary": ""}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"party": "OTHER"}, "party"),
        ({"party": None}, "party"),
        (
            {"contacted_at": "2026-06-14T16:00:00+01:00", "next_contact_on": "2026-06-13"},
            "next_contact_on",
        ),
    ],
    ids=[
        "later-today",
        "tomorrow",
        "unknown-channel",
        "unknown-direction",
        "no-summary",
        "blank-summary",
        "party-of-another-case",
        "no-party",
        "next-before-this-one",
    ],
)
def test_a_bad_contact_is_refused_naming_the_field_and_nothing_is_stored(
    case, north, victim, officer_north, api_for, overrides, field
):
    # given
    other_party = PartyFactory(case=CaseFactory(owning_agency=north))
    body = {"party": str(victim.id), "channel": "phone", "summary": "Update."} | overrides
    if body["party"] == "OTHER":
        body["party"] = str(other_party.id)
    # when
    response = api_for(officer_north).post(_url(case, "contacts"), body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert ContactLog.objects.count() == 0
    assert _log("cases.contact.logged") == []


def test_contacts_are_listed_newest_first_in_pages(case, victim, officer_north, api_for):
    # given
    client = api_for(officer_north)
    for hour in (9, 7, 8):
        client.post(
            _url(case, "contacts"),
            {
                "party": str(victim.id),
                "channel": "phone",
                "summary": f"Call at {hour}.",
                "contacted_at": f"2026-06-1{hour - 6}T0{hour}:00:00+01:00",
            },
            format="json",
        )
    # when
    first = client.get(f"{_url(case, 'contacts')}?page_size=2").json()
    second = client.get(first["next"]).json()
    # then
    assert [c["summary"] for c in first["results"]] == ["Call at 9.", "Call at 8."]
    assert [c["summary"] for c in second["results"]] == ["Call at 7."]
    assert second["next"] is None


def test_the_same_idempotency_key_logs_a_contact_once(case, victim, officer_north, api_for):
    # given
    client = api_for(officer_north)
    body = {"party": str(victim.id), "channel": "phone", "summary": "Update."}
    first = client.post(_url(case, "contacts"), body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    # when
    again = client.post(_url(case, "contacts"), body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    # then
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert ContactLog.objects.count() == 1


@pytest.mark.parametrize("count", [2, 20])
def test_the_contact_list_takes_the_same_queries_for_2_or_20_contacts(
    case, officer_north, api_for, django_assert_max_num_queries, count
):
    # given: each contact with its own party and its own officer
    for n in range(count):
        party = PartyFactory(case=case, role="victim" if n % 2 else "witness")
        ContactLog.objects.create(
            case=case,
            party=party,
            contacted_at=NOW - timedelta(hours=n),
            channel="phone",
            made_by=party.created_by,
            summary=f"Contact {n}",
        )
    client = api_for(officer_north)
    # when: the caller's membership, the grant content type, the case, the contacts
    # with their parties, people and officers; the access-log entry
    with django_assert_max_num_queries(4 + ACCESS_LOG_QUERIES):
        response = client.get(f"{_url(case, 'contacts')}?page_size=100")
    # then
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_the_offence_and_decision_lists_take_the_same_queries_for_2_or_20(
    case, officer_north, api_for, django_assert_max_num_queries, count
):
    # given
    previous = None
    for n in range(count):
        parties = [PartyFactory(case=case, role="suspect"), PartyFactory(case=case)]
        offence = Offence.objects.create(
            case=case,
            offence_type="iioc_making",
            committed_from=date(2026, 1, 1) + timedelta(days=n),
            created_by=parties[0].created_by,
        )
        offence.parties.set(parties)
        previous = KeyDecision.objects.create(
            case=case,
            decision=f"Decision {n}",
            rationale="Because.",
            decided_by=parties[0].created_by,
            decided_at=NOW - timedelta(hours=n),
            corrects=previous if n % 2 else None,
        )
    client = api_for(officer_north)
    # when
    # each with its access-log entry
    with django_assert_max_num_queries(5 + ACCESS_LOG_QUERIES):
        offences = client.get(_url(case, "offences"))
    with django_assert_max_num_queries(2 + ACCESS_LOG_QUERIES):
        decisions = client.get(_url(case, "decisions"))
    # then
    assert len(offences.json()["results"]) == count
    assert len(decisions.json()["results"]) == count


# --- Key decisions


def test_recording_a_key_decision(case, officer_north, api_for):
    # when
    response = api_for(officer_north).post(
        _url(case, "decisions"),
        {"decision": " Seize devices ", "rationale": "Risk of further offending."},
        format="json",
    )
    # then
    assert response.status_code == 201
    decision = KeyDecision.objects.get()
    body = response.json()
    assert body == {
        "id": str(decision.id),
        "decision": "Seize devices",
        "rationale": "Risk of further offending.",
        "decided_by": {
            "username": "officer.north",
            "full_name": officer_north.user.get_full_name(),
        },
        "decided_at": "2026-06-15T10:30:00+01:00",
        "corrects": None,
        "corrected_by": None,
        "created_at": body["created_at"],
    }
    [entry] = _log("cases.decision.recorded")
    assert (entry.object_type, entry.object_id) == ("decision", str(decision.id))


def test_a_correction_points_at_the_decision_it_corrects_and_overwrites_nothing(
    case, officer_north, api_for
):
    # given
    client = api_for(officer_north)
    original = client.post(
        _url(case, "decisions"),
        {
            "decision": "No further action",
            "rationale": "No evidence.",
            "decided_at": "2026-06-14T09:00:00+01:00",
        },
        format="json",
    ).json()
    # when
    correction = client.post(
        _url(case, "decisions"),
        {
            "decision": "Arrest the suspect",
            "rationale": "New evidence from the NCA.",
            "corrects": original["id"],
        },
        format="json",
    )
    # then
    assert correction.status_code == 201
    assert correction.json()["corrects"] == original["id"]
    listed = client.get(_url(case, "decisions")).json()["results"]
    assert [(d["decision"], d["corrects"], d["corrected_by"]) for d in listed] == [
        ("Arrest the suspect", original["id"], None),
        ("No further action", None, correction.json()["id"]),
    ]
    kept = KeyDecision.objects.get(pk=original["id"])
    assert (kept.decision, kept.rationale) == ("No further action", "No evidence.")


def test_a_decision_corrected_once_cannot_be_corrected_again(case, officer_north, api_for):
    # given
    client = api_for(officer_north)
    original = client.post(
        _url(case, "decisions"), {"decision": "A", "rationale": "R"}, format="json"
    ).json()
    client.post(
        _url(case, "decisions"),
        {"decision": "B", "rationale": "R", "corrects": original["id"]},
        format="json",
    )
    # when
    response = client.post(
        _url(case, "decisions"),
        {"decision": "C", "rationale": "R", "corrects": original["id"]},
        format="json",
    )
    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "That decision has already been corrected; correct the latest one.",
        "state": "corrected",
    }
    assert KeyDecision.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"decision": ""}, "decision"),
        ({"decision": "  "}, "decision"),
        ({"rationale": ""}, "rationale"),
        ({"rationale": "  "}, "rationale"),
        ({"decided_at": "2026-06-15T12:00:00+01:00"}, "decided_at"),
        ({"corrects": "OTHER"}, "corrects"),
        ({"corrects": "00000000-0000-0000-0000-000000000000"}, "corrects"),
    ],
)
def test_a_bad_decision_is_refused_naming_the_field_and_nothing_is_stored(
    case, north, officer_north, api_for, overrides, field
):
    # given
    other = KeyDecision.objects.create(
        case=CaseFactory(owning_agency=north),
        decision="Elsewhere",
        rationale="R",
        decided_by=officer_north.user,
        decided_at=NOW,
    )
    body = {"decision": "Seize devices", "rationale": "Risk."} | overrides
    if body.get("corrects") == "OTHER":
        body["corrects"] = str(other.id)
    # when
    response = api_for(officer_north).post(_url(case, "decisions"), body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert KeyDecision.objects.filter(case=case).count() == 0


# --- Another force


@pytest.mark.parametrize("records", ["offences", "contacts", "decisions"])
def test_another_forces_records_are_not_found(south, officer_north, api_for, records):
    # given
    theirs = CaseFactory(owning_agency=south)
    # when
    response = api_for(officer_north).get(_url(theirs, records))
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("records", "body"),
    [
        ("offences", {"offence_type": "other", "description": "x", "committed_from": "2026-02-01"}),
        ("decisions", {"decision": "Seize devices", "rationale": "Risk."}),
    ],
)
def test_another_force_cannot_add_to_our_case(case, officer_south, api_for, records, body):
    # when
    response = api_for(officer_south).post(_url(case, records), body, format="json")
    # then
    assert response.status_code == 404
    assert Offence.objects.count() == 0
    assert KeyDecision.objects.count() == 0


@pytest.mark.parametrize("records", ["parties", "offences", "contacts", "decisions", "grants"])
def test_every_nested_list_pages_by_cursor(case, supervisor_north, api_for, records):
    # when
    response = api_for(supervisor_north).get(_url(case, records))
    # then
    assert response.status_code == 200
    assert response.json() == {"next": None, "previous": None, "results": []}


def test_offences_page_without_skipping_or_repeating(case, officer_north, api_for):
    # given: several offences committed on the same day
    client = api_for(officer_north)
    for n in range(5):
        client.post(
            _url(case, "offences"),
            {
                "offence_type": "other",
                "description": f"Offence {n}",
                "committed_from": f"2026-01-0{n % 2 + 1}",
            },
            format="json",
        )
    # when
    seen = []
    url = f"{_url(case, 'offences')}?page_size=2"
    while url:
        page = client.get(url).json()
        seen.extend(o["description"] for o in page["results"])
        url = page["next"]
    # then
    assert sorted(seen) == [f"Offence {n}" for n in range(5)]
