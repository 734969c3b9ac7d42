"""The referrals API: drafting, the whole handoff through both sides' eyes, what a
partner may never see, scoping, retries, If-Match, the inbox's order and the
lists' query ceilings."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.models import Notification
from referrals.models import Referral
from tests.authz.rows_referrals import make_referral
from tests.factories import CaseFactory, PartyFactory, PersonFactory, TeamFactory
from tests.helpers import ACCESS_LOG_QUERIES

LONDON = ZoneInfo("Europe/London")
# Monday 9 March 2026, 10:00: no bank holiday for weeks either side.
NOW = datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)
REFERRALS = "/api/v1/referrals/"
INBOX = "/api/v1/referrals/inbox/"
SENT = "/api/v1/referrals/sent/"


def _detail(referral_id) -> str:
    return f"{REFERRALS}{referral_id}/"


def _move(referral_id, name: str) -> str:
    return f"{REFERRALS}{referral_id}/{name}/"


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def sextortion(north, officer_north):
    """A 15-year-old coerced into sending images, with the suspect and his partner."""
    case = CaseFactory(
        owning_agency=north,
        reference="NP-2026-000042",
        title="Sextortion of a child via social media",
        received_on=date(2026, 3, 6),
        lead_officer=officer_north.user,
    )
    victim = PartyFactory(
        case=case,
        role="victim",
        person=PersonFactory(
            recorded_by_agency=north,
            first_name="Mia",
            last_name="Fictional",
            date_of_birth=date(2010, 11, 2),
            address="1 Harbour Row, Northshire",
            phone="07700 900123",
            email="mia.fictional@example.test",
            safe_to_phone=True,
            safe_contact_notes="Call after 4pm; her mother knows.",
        ),
    )
    suspect = PartyFactory(
        case=case,
        role="suspect",
        person=PersonFactory(recorded_by_agency=north, first_name="Dean", last_name="Suspectson"),
    )
    partner = PartyFactory(
        case=case,
        role="family_member",
        related_to=suspect,
        person=PersonFactory(recorded_by_agency=north, first_name="Jo", last_name="Partner"),
    )
    return {"case": case, "victim": victim, "suspect": suspect, "partner": partner}


def _victim_support(sextortion, **overrides) -> dict:
    return {
        "case": str(sextortion["case"].id),
        "to_agency": "harbour-victim-support",
        "purpose": "victim_support",
        "urgency": "urgent",
        "parties": [
            {
                "party": str(sextortion["victim"].id),
                "fields": ["first_name", "age", "phone", "safe_to_phone"],
            }
        ],
        "summary_for_receiver": "Mia (15) was coerced online; she would like support.",
        "lawful_basis": "public_task",
        "sensitive_condition": "safeguarding",
        "consent": {
            "status": "given",
            "given_on": "2026-03-06",
            "how": "In writing",
            "given_by": "Her mother",
        },
        **overrides,
    }


def _draft(client, sextortion, **overrides):
    response = client.post(REFERRALS, _victim_support(sextortion, **overrides), format="json")
    assert response.status_code == 201, response.content
    return response.json()


# --- The whole handoff


def test_a_referral_goes_from_draft_to_an_outcome_the_referrer_sees(
    officer_north, caseworker_harbour, sextortion, api_for, clock
):
    # given
    officer = api_for(officer_north)
    caseworker = api_for(caseworker_harbour)
    # when: drafted
    created = officer.post(REFERRALS, _victim_support(sextortion), format="json")
    # then
    assert created.status_code == 201
    draft = created.json()
    assert created["Location"] == _detail(draft["id"])
    assert created["ETag"] == '"1"'
    assert draft["side"] == "sender"
    assert draft["state"] == "draft"
    assert draft["case"] == str(sextortion["case"].id)
    assert draft["case_reference"] == "NP-2026-000042"
    assert draft["to_agency"] == {
        "slug": "harbour-victim-support",
        "name": "Harbour Victim Support",
    }
    assert draft["parties"] == [
        {
            "party": str(sextortion["victim"].id),
            "role": "victim",
            "full_name": "Mia Fictional",
            "fields": ["first_name", "age", "phone", "safe_to_phone"],
        }
    ]
    assert draft["consent"] == {
        "status": "given",
        "given_on": "2026-03-06",
        "how": "In writing",
        "given_by": "Her mother",
        "reason": "",
    }
    assert draft["disclosure"] is None
    # and the charity does not know a draft exists
    assert caseworker.get(INBOX).json()["results"] == []
    assert caseworker.get(_detail(draft["id"])).status_code == 404

    # when: sent
    clock.shift(timedelta(minutes=30))
    sent = officer.post(_move(draft["id"], "send"))
    # then
    assert sent.status_code == 200
    assert sent.json()["state"] == "sent"
    assert sent.json()["sent_at"] == "2026-03-09T10:30:00Z"
    assert sent.json()["deadlines"]["decision_due_at"] == "2026-03-10T17:00:00Z"

    # when: the charity opens its inbox and the referral
    inbox = caseworker.get(INBOX)
    detail = caseworker.get(_detail(draft["id"]))
    # then it sees the disclosure and the referral's progress, nothing live
    assert inbox.status_code == 200
    assert detail.status_code == 200
    (item,) = inbox.json()["results"]
    assert item == detail.json()
    received = detail.json()
    assert received["side"] == "receiver"
    assert "case" not in received
    assert "case_reference" not in received
    assert "parties" not in received
    assert "summary_for_receiver" not in received
    assert "consent" not in received
    disclosure = received["disclosure"]
    assert disclosure["case_reference"] == "NP-2026-000042"
    assert disclosure["summary"] == "Mia (15) was coerced online; she would like support."
    assert [party["fields"] for party in disclosure["parties"]] == [
        {"first_name": "Mia", "age": 15, "phone": "07700 900123", "safe_to_phone": True}
    ]
    text = json.dumps(received)
    for unshared in (
        str(sextortion["case"].id),
        "Fictional",
        "1 Harbour Row",
        "mia.fictional@example.test",
        "2010-11-02",
        "Call after 4pm",
        "Suspectson",
        "Dean",
        "Partner",
        "Sextortion of a child",
    ):
        assert unshared not in text, unshared

    # when: accepted, started and completed, over the next weeks
    clock.shift(timedelta(hours=3))
    accepted = caseworker.post(_move(draft["id"], "accept"))
    clock.shift(timedelta(days=1))
    started = caseworker.post(_move(draft["id"], "start"))
    clock.shift(timedelta(days=20))
    completed = caseworker.post(
        _move(draft["id"], "complete"),
        {"outcome": "support_provided", "summary": "Six sessions; Mia is doing well."},
        format="json",
    )
    # then
    assert [accepted.status_code, started.status_code, completed.status_code] == [200, 200, 200]
    assert accepted.json()["owner"]["username"] == "caseworker.harbour"
    assert started.json()["state"] == "in_progress"
    assert completed.json()["side"] == "receiver"
    assert completed.json()["state"] == "completed"
    assert "case" not in completed.json()

    # when: the officer looks
    seen = officer.get(_detail(draft["id"]))
    # then the loop is closed
    assert seen.status_code == 200
    feedback = seen.json()
    assert feedback["side"] == "sender"
    assert feedback["state"] == "completed"
    assert feedback["outcome"] == "support_provided"
    assert feedback["outcome_summary"] == "Six sessions; Mia is doing well."
    assert feedback["owner"]["username"] == "caseworker.harbour"
    assert [(e["action"], e["to_state"], e["by_agency"]["slug"]) for e in feedback["events"]] == [
        ("created", "draft", "northshire-police"),
        ("sent", "sent", "northshire-police"),
        ("accepted", "accepted", "harbour-victim-support"),
        ("started", "in_progress", "harbour-victim-support"),
        ("completed", "completed", "harbour-victim-support"),
    ]
    assert feedback["events"][-1]["note"] == "Six sessions; Mia is doing well."
    assert Notification.objects.filter(
        user=officer_north.user, kind="referrals.referral_completed"
    ).exists()


def test_the_sender_sees_its_live_choices_and_the_disclosure_once_sent(
    officer_north, caseworker_harbour, sextortion, api_for
):
    # given
    officer = api_for(officer_north)
    draft = _draft(officer, sextortion)
    officer.post(_move(draft["id"], "send"))
    # when
    response = officer.get(_detail(draft["id"]))
    # then
    body = response.json()
    assert body["side"] == "sender"
    assert body["case"] == str(sextortion["case"].id)
    assert body["lawful_basis"] == "public_task"
    assert body["sensitive_condition"] == "safeguarding"
    assert body["disclosure"]["parties"][0]["fields"]["first_name"] == "Mia"
    assert body["sent_by"]["username"] == "officer.north"
    assert response["ETag"] == f'"{body["version"]}"'


# --- Scope


def test_a_third_agency_and_the_other_charity_get_404(
    officer_north, officer_south, caseworker_harbour, caseworker_lighthouse, sextortion, api_for
):
    # given
    officer = api_for(officer_north)
    draft = _draft(officer, sextortion)
    officer.post(_move(draft["id"], "send"))
    before = Referral.objects.values_list("state", "version").get(pk=draft["id"])
    for outsider in (officer_south, caseworker_lighthouse):
        client = api_for(outsider)
        # when
        detail = client.get(_detail(draft["id"]))
        accept = client.post(_move(draft["id"], "accept"))
        withdraw = client.post(_move(draft["id"], "withdraw"), {"reason": "x"}, format="json")
        # then
        assert detail.status_code == 404
        assert detail.json() == {"detail": "Not found."}
        assert accept.status_code == 404
        assert withdraw.status_code == 404
        assert client.get(INBOX).json()["results"] == []
        assert client.get(SENT).json()["results"] == []
        assert client.get(REFERRALS).json()["results"] == []
    assert Referral.objects.values_list("state", "version").get(pk=draft["id"]) == before


def test_a_case_the_caller_may_not_refer_is_refused_naming_case(
    officer_south, sextortion, harbour, api_for
):
    # when
    response = api_for(officer_south).post(REFERRALS, _victim_support(sextortion), format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["case"]
    assert not Referral.objects.exists()


def test_a_partner_may_not_draft_a_referral(caseworker_harbour, sextortion, lighthouse, api_for):
    response = api_for(caseworker_harbour).post(
        REFERRALS, _victim_support(sextortion, to_agency="lighthouse-family-support"), format="json"
    )
    assert response.status_code == 403
    assert not Referral.objects.exists()


# --- What a victim-support charity may hold


def test_a_victim_support_charity_is_told_about_a_suspect_only_with_a_reason(
    officer_north, caseworker_harbour, sextortion, api_for
):
    # given
    officer = api_for(officer_north)
    parties = [
        {"party": str(sextortion["victim"].id), "fields": ["first_name"]},
        {"party": str(sextortion["suspect"].id), "fields": ["first_name", "last_name"]},
    ]
    # when
    refused = officer.post(REFERRALS, _victim_support(sextortion, parties=parties), format="json")
    # then
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["suspect_details_reason"]
    assert not Referral.objects.exists()

    # when: the referrer says why
    reason = "Mia may meet him at school; the caseworker must know who he is."
    draft = _draft(officer, sextortion, parties=parties, suspect_details_reason=reason)
    officer.post(_move(draft["id"], "send"))
    # then the charity sees what was shared, and why
    disclosure = api_for(caseworker_harbour).get(_detail(draft["id"])).json()["disclosure"]
    assert sorted((p["role"], p["fields"]) for p in disclosure["parties"]) == [
        ("suspect", {"first_name": "Dean", "last_name": "Suspectson"}),
        ("victim", {"first_name": "Mia"}),
    ]
    assert disclosure["suspect_details_reason"] == reason


def test_a_victim_support_charity_never_receives_a_family_member(
    officer_north, sextortion, harbour, api_for
):
    response = api_for(officer_north).post(
        REFERRALS,
        _victim_support(sextortion, parties=[{"party": str(sextortion["partner"].id)}]),
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["parties"]
    assert not Referral.objects.exists()


# --- Bad input


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: {"to_agency": "no-such-agency"}, "to_agency"),
        (lambda s: {"to_agency": "northshire-police"}, "to_agency"),
        (lambda s: {"purpose": "family_support"}, "to_agency"),
        (lambda s: {"to_team": "00000000-0000-0000-0000-000000000000"}, "to_team"),
        (lambda s: {"parties": [{"party": str(s["case"].id)}]}, "parties"),
        (lambda s: {"parties": [{"party": "not-a-uuid"}]}, "parties.0.party"),
        (
            lambda s: {"parties": [{"party": str(s["victim"].id), "fields": ["shoe_size"]}]},
            "parties.0.fields.0",
        ),
        (lambda s: {"consent": {"status": "given"}}, "consent.given_on"),
        (lambda s: {"consent": {"status": "not_sought"}}, "consent.reason"),
        (lambda s: {"lawful_basis": ""}, "lawful_basis"),
    ],
    ids=[
        "unknown agency",
        "own agency",
        "purpose the receiver does not take",
        "team of no agency",
        "not a party",
        "not a uuid",
        "not a disclosable field",
        "consent given without a date",
        "consent not sought without a reason",
        "no lawful basis",
    ],
)
def test_bad_input_is_refused_naming_the_field(
    officer_north, sextortion, harbour, api_for, change, field
):
    # when
    response = api_for(officer_north).post(
        REFERRALS, _victim_support(sextortion, **change(sextortion)), format="json"
    )
    # then
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Referral.objects.exists()


def test_fields_left_out_are_the_purposes_safe_defaults(
    officer_north, sextortion, harbour, api_for
):
    draft = _draft(
        api_for(officer_north),
        sextortion,
        parties=[{"party": str(sextortion["victim"].id)}],
    )
    assert "address" not in draft["parties"][0]["fields"]
    assert draft["parties"][0]["fields"][:3] == ["first_name", "last_name", "age"]


# --- Retries and concurrency


def test_a_retried_create_replays_and_creates_once(officer_north, sextortion, harbour, api_for):
    # given
    client = api_for(officer_north)
    body = _victim_support(sextortion)
    first = client.post(REFERRALS, body, format="json", HTTP_IDEMPOTENCY_KEY="refer-1")
    # when
    again = client.post(REFERRALS, body, format="json", HTTP_IDEMPOTENCY_KEY="refer-1")
    different = client.post(
        REFERRALS,
        _victim_support(sextortion, urgency="routine"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="refer-1",
    )
    # then
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert different.status_code == 422
    assert Referral.objects.count() == 1


def test_a_draft_changes_only_with_the_version_last_read(
    officer_north, sextortion, harbour, api_for
):
    # given
    client = api_for(officer_north)
    draft = _draft(client, sextortion)
    url = _detail(draft["id"])
    # when
    missing = client.patch(url, {"urgency": "routine"}, format="json")
    stale = client.patch(url, {"urgency": "routine"}, format="json", HTTP_IF_MATCH='"7"')
    # then
    assert missing.status_code == 428
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 1
    assert Referral.objects.values_list("urgency", "version").get(pk=draft["id"]) == ("urgent", 1)

    # when
    changed = client.patch(
        url,
        {"urgency": "routine", "consent": {"status": "not_sought", "reason": "She is 15."}},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert changed.status_code == 200
    assert changed["ETag"] == '"2"'
    body = changed.json()
    assert (body["urgency"], body["version"]) == ("routine", 2)
    assert body["consent"] == {
        "status": "not_sought",
        "given_on": None,
        "how": "",
        "given_by": "",
        "reason": "She is 15.",
    }
    # and what was not sent is unchanged
    assert body["parties"] == draft["parties"]
    assert body["summary_for_receiver"] == draft["summary_for_receiver"]


def test_a_sent_referral_cannot_be_changed(officer_north, sextortion, harbour, api_for):
    # given
    client = api_for(officer_north)
    draft = _draft(client, sextortion)
    client.post(_move(draft["id"], "send"))
    before = Referral.objects.values_list("urgency", "version").get(pk=draft["id"])
    # when
    response = client.patch(
        _detail(draft["id"]), {"urgency": "routine"}, format="json", HTTP_IF_MATCH='"2"'
    )
    # then
    assert response.status_code == 409
    assert response.json()["state"] == "sent"
    assert Referral.objects.values_list("urgency", "version").get(pk=draft["id"]) == before


# --- Lists


def test_the_list_shows_both_sides_each_as_that_side_sees_it(
    officer_north, north, south, harbour, api_for
):
    # given
    out = make_referral(from_agency=north, to_agency=harbour, purpose="victim_support")
    draft = make_referral(from_agency=north, to_agency=south, state="draft")
    incoming = make_referral(from_agency=south, to_agency=north, purpose="suspect_support")
    make_referral(from_agency=south, to_agency=harbour)
    client = api_for(officer_north)
    # when
    everything = client.get(REFERRALS).json()["results"]
    received = client.get(REFERRALS, {"direction": "received"}).json()["results"]
    drafts = client.get(REFERRALS, {"direction": "sent", "state": "draft"}).json()["results"]
    support = client.get(REFERRALS, {"purpose": "victim_support"}).json()["results"]
    # then
    assert {(r["id"], r["side"]) for r in everything} == {
        (str(out.id), "sender"),
        (str(draft.id), "sender"),
        (str(incoming.id), "receiver"),
    }
    assert [r["id"] for r in received] == [str(incoming.id)]
    assert "case" not in received[0]
    assert [r["id"] for r in drafts] == [str(draft.id)]
    assert [r["id"] for r in support] == [str(out.id)]


def test_a_bad_filter_is_refused_naming_it(officer_north, api_for):
    response = api_for(officer_north).get(REFERRALS, {"direction": "sideways"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["direction"]


def test_the_inbox_puts_overdue_first_then_urgency_then_due_time(
    caseworker_harbour, north, harbour, api_for
):
    # given: sent over the last week; the routine one from last Tuesday is overdue
    late = make_referral(
        from_agency=north, to_agency=harbour, urgency="routine", sent_at=NOW - timedelta(days=6)
    )
    routine = make_referral(
        from_agency=north, to_agency=harbour, urgency="routine", sent_at=NOW - timedelta(hours=2)
    )
    urgent_later = make_referral(
        from_agency=north, to_agency=harbour, urgency="urgent", sent_at=NOW - timedelta(hours=1)
    )
    urgent_sooner = make_referral(
        from_agency=north,
        to_agency=harbour,
        urgency="urgent",
        sent_at=NOW - timedelta(days=3),  # Friday: due Monday (today) at 17:00
    )
    immediate = make_referral(
        from_agency=north, to_agency=harbour, urgency="immediate", sent_at=NOW
    )
    make_referral(from_agency=north, to_agency=harbour, state="draft")
    # when
    response = api_for(caseworker_harbour).get(INBOX)
    # then
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [
        str(late.id),
        str(immediate.id),
        str(urgent_sooner.id),
        str(urgent_later.id),
        str(routine.id),
    ]


def test_the_inbox_pages_keep_its_order(caseworker_harbour, north, harbour, api_for):
    # given
    expected = [
        make_referral(
            from_agency=north, to_agency=harbour, urgency=urgency, sent_at=NOW - timedelta(hours=n)
        ).id
        for n, urgency in enumerate(["routine", "urgent", "immediate", "routine", "urgent"])
    ]
    client = api_for(caseworker_harbour)
    # when
    seen, url = [], f"{INBOX}?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    # then
    assert sorted(seen) == sorted(str(pk) for pk in expected)
    assert len(seen) == len(set(seen)) == 5
    assert seen == [row["id"] for row in client.get(INBOX).json()["results"]]


def test_sent_lists_what_my_agency_sent_and_drafts_newest_first(
    officer_north, north, harbour, south, api_for
):
    # given
    older = make_referral(from_agency=north, to_agency=harbour)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        newer = make_referral(from_agency=north, to_agency=south, state="draft")
    make_referral(from_agency=south, to_agency=north)
    # when
    response = api_for(officer_north).get(SENT)
    # then
    assert [(r["id"], r["side"]) for r in response.json()["results"]] == [
        (str(newer.id), "sender"),
        (str(older.id), "sender"),
    ]


def _queries(client, member, url) -> int:
    # A fresh request reads the caller's membership again.
    member.user.__dict__.pop("_tideline_membership", None)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["results"]
    return len(captured)


# The caller's membership, the page, its events, its parties; and the one access-log
# entry naming the referrals on the page.
LIST_QUERIES = 4 + ACCESS_LOG_QUERIES


@pytest.mark.parametrize(
    ("url", "side"),
    [(REFERRALS, "sender"), (REFERRALS, "receiver"), (INBOX, "receiver"), (SENT, "sender")],
)
def test_the_lists_cost_the_same_for_2_referrals_as_for_20(
    officer_north, caseworker_harbour, north, harbour, api_for, url, side
):
    # given: referrals with events, parties and a threshold decision's joins to read
    member = officer_north if side == "sender" else caseworker_harbour
    client = api_for(member)

    def _add(count):
        for _ in range(count):
            referral = make_referral(from_agency=north, to_agency=harbour, state="accepted")
            referral.events.create(
                from_state="sent",
                to_state="accepted",
                action="accepted",
                by=caseworker_harbour.user,
                by_agency=harbour,
                at=NOW,
            )

    _add(2)
    few = _queries(client, member, url)
    _add(18)
    # when
    many = _queries(client, member, url)
    # then
    assert few == many == LIST_QUERIES


def test_a_referral_may_go_to_one_team_of_the_agency(officer_north, sextortion, harbour, api_for):
    # given
    team = TeamFactory(agency=harbour, name="Young people's service")
    client = api_for(officer_north)
    # when
    draft = _draft(client, sextortion, to_team=str(team.id))
    moved = client.patch(
        _detail(draft["id"]), {"to_team": None}, format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert draft["to_team"] == {"id": str(team.id), "name": "Young people's service"}
    assert moved.json()["to_team"] is None
