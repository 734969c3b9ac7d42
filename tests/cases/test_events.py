"""Investigation events through /api/v1/cases/{id}/events/ and the service: the
pre-charge bail rules at their boundaries, bad input refused naming the field with
nothing stored, the handlers run in the event's transaction, and the reads scoped."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from agencies.models import AgencyKind, Role
from cases import events as case_events
from cases.models import EventKind, InvestigationEvent
from cases.selectors.events import bail_summaries, event_list
from cases.services.events import investigation_event_record
from common.errors import ValidationError
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
    grant_case,
)

LONDON = ZoneInfo("Europe/London")
# A Monday in June 2026, mid-morning in London.
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
# Released on bail on Monday 2 March 2026 at 11:00 (GMT).
RELEASED = datetime(2026, 3, 2, 11, 0, tzinfo=LONDON)


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, received_on=date(2026, 3, 2))


@pytest.fixture
def suspect(case):
    return PartyFactory(case=case, role="suspect")


@pytest.fixture
def mash(db):
    agency = AgencyFactory(kind=AgencyKind.SAFEGUARDING_HUB, slug="north-mash")
    membership = MembershipFactory(agency=agency, role=Role.MASH_COORDINATOR)
    TOTPDeviceFactory(user=membership.user)
    return membership


def _url(case) -> str:
    return f"/api/v1/cases/{case.id}/events/"


def _record(actor, case, suspect, kind, occurred_at=RELEASED, **extra) -> InvestigationEvent:
    return investigation_event_record(
        actor=actor.user,
        case=case,
        suspect=suspect,
        kind=kind,
        occurred_at=occurred_at,
        **extra,
    )


def _refused(call, field: str) -> list[str]:
    before = InvestigationEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        call()
    assert InvestigationEvent.objects.count() == before
    assert field in refused.value.message_dict, refused.value.message_dict
    return refused.value.message_dict[field]


def _bailed(actor, case, suspect, ends_on=date(2026, 6, 2)) -> InvestigationEvent:
    return _record(actor, case, suspect, EventKind.BAILED, bail_end_on=ends_on)


# --- Pre-charge bail


def test_bail_of_exactly_three_months_is_allowed_and_a_day_more_refused(
    officer_north, case, suspect
):
    messages = _refused(
        lambda: _bailed(officer_north, case, suspect, ends_on=date(2026, 6, 3)), "bail_end_on"
    )
    assert "until 02/06/2026" in messages[0]
    event = _bailed(officer_north, case, suspect, ends_on=date(2026, 6, 2))
    assert event.bail_end_on == date(2026, 6, 2)


@pytest.mark.parametrize("ends_on", [date(2026, 3, 1), date(2026, 3, 2)])
def test_bail_ending_before_or_on_the_release_is_refused(officer_north, case, suspect, ends_on):
    assert _refused(
        lambda: _bailed(officer_north, case, suspect, ends_on=ends_on), "bail_end_on"
    ) == ["The bail must end after the release."]


def test_bail_without_an_end_date_is_refused(officer_north, case, suspect):
    _refused(lambda: _record(officer_north, case, suspect, EventKind.BAILED), "bail_end_on")


def test_an_end_date_on_an_event_that_is_not_bail_is_refused(officer_north, case, suspect):
    _refused(
        lambda: _record(
            officer_north, case, suspect, EventKind.ARRESTED, bail_end_on=date(2026, 4, 1)
        ),
        "bail_end_on",
    )


@pytest.mark.parametrize(
    ("authority", "limit"),
    [("inspector", date(2026, 9, 2)), ("superintendent", date(2026, 12, 2))],
)
def test_an_extension_runs_to_the_authoritys_limit_from_the_first_bail(
    officer_north, case, suspect, authority, limit
):
    _bailed(officer_north, case, suspect)
    # A first extension by an inspector moves the current end, not the first bail date.
    extended_at = datetime(2026, 5, 28, 10, 0, tzinfo=LONDON)
    _record(
        officer_north,
        case,
        suspect,
        EventKind.BAIL_EXTENDED,
        occurred_at=extended_at,
        bail_end_on=date(2026, 7, 1),
        bail_authority="inspector",
    )
    again_at = datetime(2026, 6, 12, 10, 0, tzinfo=LONDON)
    day_after = date.fromordinal(limit.toordinal() + 1)
    messages = _refused(
        lambda: _record(
            officer_north,
            case,
            suspect,
            EventKind.BAIL_EXTENDED,
            occurred_at=again_at,
            bail_end_on=day_after,
            bail_authority=authority,
        ),
        "bail_end_on",
    )
    assert f"until {limit:%d/%m/%Y}" in messages[0]
    assert messages[0].startswith(("An inspector", "A superintendent"))
    event = _record(
        officer_north,
        case,
        suspect,
        EventKind.BAIL_EXTENDED,
        occurred_at=again_at,
        bail_end_on=limit,
        bail_authority=authority,
    )
    assert event.bail_end_on == limit


def test_magistrates_may_extend_beyond_nine_months(officer_north, case, suspect):
    _bailed(officer_north, case, suspect)
    event = _record(
        officer_north,
        case,
        suspect,
        EventKind.BAIL_EXTENDED,
        occurred_at=datetime(2026, 6, 1, 10, 0, tzinfo=LONDON),
        bail_end_on=date(2027, 3, 2),
        bail_authority="magistrates",
    )
    assert event.bail_end_on == date(2027, 3, 2)


def test_an_extension_needs_an_authority_and_a_later_end(officer_north, case, suspect):
    _bailed(officer_north, case, suspect)
    at = datetime(2026, 5, 28, 10, 0, tzinfo=LONDON)
    _refused(
        lambda: _record(
            officer_north,
            case,
            suspect,
            EventKind.BAIL_EXTENDED,
            occurred_at=at,
            bail_end_on=date(2026, 7, 1),
        ),
        "bail_authority",
    )
    _refused(
        lambda: _record(
            officer_north,
            case,
            suspect,
            EventKind.BAIL_EXTENDED,
            occurred_at=at,
            bail_end_on=date(2026, 6, 2),
            bail_authority="inspector",
        ),
        "bail_end_on",
    )


def test_an_extension_of_no_bail_is_refused(officer_north, case, suspect):
    messages = _refused(
        lambda: _record(
            officer_north,
            case,
            suspect,
            EventKind.BAIL_EXTENDED,
            bail_end_on=date(2026, 5, 1),
            bail_authority="inspector",
        ),
        "kind",
    )
    assert "not on pre-charge bail" in messages[0]


def test_an_extension_after_the_bail_ended_is_refused(officer_north, case, suspect):
    _bailed(officer_north, case, suspect)
    _record(
        officer_north,
        case,
        suspect,
        EventKind.RELEASED_UNDER_INVESTIGATION,
        occurred_at=datetime(2026, 4, 1, 10, 0, tzinfo=LONDON),
    )
    _refused(
        lambda: _record(
            officer_north,
            case,
            suspect,
            EventKind.BAIL_EXTENDED,
            occurred_at=datetime(2026, 5, 1, 10, 0, tzinfo=LONDON),
            bail_end_on=date(2026, 7, 1),
            bail_authority="inspector",
        ),
        "kind",
    )


def test_conditions_changed_when_not_on_bail_is_refused_and_allowed_on_bail(
    officer_north, case, suspect
):
    _refused(
        lambda: _record(officer_north, case, suspect, EventKind.BAIL_CONDITIONS_CHANGED), "kind"
    )
    _bailed(officer_north, case, suspect)
    event = _record(
        officer_north,
        case,
        suspect,
        EventKind.BAIL_CONDITIONS_CHANGED,
        occurred_at=datetime(2026, 4, 1, 10, 0, tzinfo=LONDON),
    )
    assert event.kind == EventKind.BAIL_CONDITIONS_CHANGED


def test_a_back_dated_event_is_judged_by_the_bail_as_it_stood_then(officer_north, case, suspect):
    _bailed(officer_north, case, suspect)
    _refused(
        lambda: _record(
            officer_north,
            case,
            suspect,
            EventKind.BAIL_CONDITIONS_CHANGED,
            occurred_at=datetime(2026, 3, 2, 9, 0, tzinfo=LONDON),
        ),
        "kind",
    )


# --- Other bad input


def test_an_event_for_a_party_who_is_not_a_suspect_is_refused(officer_north, case):
    victim = PartyFactory(case=case, role="victim")
    assert _refused(
        lambda: _record(officer_north, case, victim, EventKind.ARRESTED), "suspect"
    ) == ["Choose a suspect in this case."]


def test_a_suspect_of_another_case_is_refused(officer_north, case, north):
    elsewhere = PartyFactory(case=CaseFactory(owning_agency=north), role="suspect")
    _refused(lambda: _record(officer_north, case, elsewhere, EventKind.ARRESTED), "suspect")


def test_an_event_in_the_future_is_refused(officer_north, case, suspect):
    later = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    assert "Must not be in the future." in _refused(
        lambda: _record(officer_north, case, suspect, EventKind.ARRESTED, occurred_at=later),
        "occurred_at",
    )


def test_an_event_before_the_case_was_received_is_refused(officer_north, case, suspect):
    before = datetime(2026, 3, 1, 23, 0, tzinfo=LONDON)
    assert "Must not be before the case was received." in _refused(
        lambda: _record(officer_north, case, suspect, EventKind.ARRESTED, occurred_at=before),
        "occurred_at",
    )


def test_outcome_recorded_is_refused_by_the_service(officer_north, case, suspect):
    _refused(lambda: _record(officer_north, case, suspect, EventKind.OUTCOME_RECORDED), "kind")


# --- The API


def _body(suspect, **overrides) -> dict:
    return {
        "suspect": str(suspect.id),
        "kind": "arrested",
        "occurred_at": "2026-06-12T10:00:00+01:00",
        **overrides,
    }


def test_post_records_an_event_and_get_lists_it(api_for, officer_north, case, suspect):
    client = api_for(officer_north)
    created = client.post(
        _url(case),
        _body(suspect, kind="bailed", bail_end_on="2026-09-11", details="Custody 12/345"),
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "bailed"
    assert body["kind_label"] == "Released on pre-charge bail"
    assert body["suspect"]["id"] == str(suspect.id)
    assert body["bail_end_on"] == "2026-09-11"
    assert body["recorded_by"]["username"] == "officer.north"
    listed = client.get(_url(case))
    assert listed.status_code == 200
    assert [event["id"] for event in listed.json()["results"]] == [body["id"]]


def test_post_with_an_idempotency_key_records_once(api_for, officer_north, case, suspect):
    client = api_for(officer_north)
    first = client.post(_url(case), _body(suspect), format="json", HTTP_IDEMPOTENCY_KEY="ev-1")
    again = client.post(_url(case), _body(suspect), format="json", HTTP_IDEMPOTENCY_KEY="ev-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert InvestigationEvent.objects.count() == 1


def test_outcome_recorded_is_refused_through_the_api(api_for, officer_north, case, suspect):
    response = api_for(officer_north).post(
        _url(case), _body(suspect, kind="outcome_recorded"), format="json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
    assert not InvestigationEvent.objects.exists()


def test_a_victim_as_suspect_is_refused_through_the_api(api_for, officer_north, case):
    victim = PartyFactory(case=case, role="victim")
    response = api_for(officer_north).post(_url(case), _body(victim), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["suspect"] == ["Choose a suspect in this case."]
    assert not InvestigationEvent.objects.exists()


def test_a_bail_rule_is_refused_through_the_api_naming_the_field(
    api_for, officer_north, case, suspect
):
    response = api_for(officer_north).post(
        _url(case),
        _body(suspect, kind="bailed", occurred_at="2026-03-02T11:00:00Z", bail_end_on="2026-06-03"),
        format="json",
    )
    assert response.status_code == 400
    assert "bail_end_on" in response.json()["errors"]
    assert not InvestigationEvent.objects.exists()


def test_recording_an_outcome_creates_an_outcome_recorded_event(
    api_for, officer_north, case, suspect
):
    response = api_for(officer_north).post(
        f"/api/v1/cases/{case.id}/outcomes/",
        {
            "suspect": str(suspect.id),
            "code": "1",
            "outcome_on": "2026-06-10",
            "rationale": "Sufficient evidence; the CPS authorised a charge.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    event = InvestigationEvent.objects.get()
    assert (event.kind, event.suspect_id) == (EventKind.OUTCOME_RECORDED, suspect.pk)
    assert timezone_date(event.occurred_at) == date(2026, 6, 10)


def timezone_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


# --- Handlers run in the event's transaction


def test_a_failing_handler_rolls_the_event_back(officer_north, case, suspect, monkeypatch):
    def failing(*, event, actor):
        assert InvestigationEvent.objects.filter(pk=event.pk).exists()
        raise RuntimeError("handler failed")

    handlers = case_events._handlers[case_events.INVESTIGATION_EVENT_RECORDED]
    monkeypatch.setitem(
        case_events._handlers,
        case_events.INVESTIGATION_EVENT_RECORDED,
        [*handlers, ("tests.failing", failing)],
    )
    with pytest.raises(RuntimeError):
        _record(officer_north, case, suspect, EventKind.ARRESTED)
    assert not InvestigationEvent.objects.exists()


def test_handlers_see_the_event_and_its_actor(officer_north, case, suspect, monkeypatch):
    seen = []
    monkeypatch.setitem(
        case_events._handlers,
        case_events.INVESTIGATION_EVENT_RECORDED,
        [("tests.seen", lambda *, event, actor: seen.append((event.kind, actor)))],
    )
    _record(officer_north, case, suspect, EventKind.ARRESTED)
    assert seen == [(EventKind.ARRESTED, officer_north.user)]


# --- The duty the event creates (the wiring; the duty rules are the welfare app's)


@pytest.mark.parametrize(
    ("arrested_at", "due_at"),
    [
        # Friday 10:00 -> the next working day, Monday, at 17:00.
        (
            datetime(2026, 12, 18, 10, 0, tzinfo=LONDON),
            datetime(2026, 12, 21, 17, 0, tzinfo=LONDON),
        ),
        # Thursday 24 December 10:00 -> Christmas Day (Fri), the weekend and Boxing Day's
        # substitute (Mon 28) are not working days -> Tuesday 29 at 17:00.
        (
            datetime(2026, 12, 24, 10, 0, tzinfo=LONDON),
            datetime(2026, 12, 29, 17, 0, tzinfo=LONDON),
        ),
    ],
)
def test_an_arrest_owes_an_enhanced_victim_an_update_in_one_working_day(
    officer_north, case, suspect, clock, arrested_at, due_at
):
    from welfare.models import Duty, DutyKind

    clock.move_to(datetime(2026, 12, 24, 12, 0, tzinfo=UTC))
    victim = PartyFactory(case=case, role="victim")
    event = _record(officer_north, case, suspect, EventKind.ARRESTED, occurred_at=arrested_at)
    duty = Duty.objects.get(kind=DutyKind.VICTIM_UPDATE, party=victim)
    assert duty.event_id == event.pk
    assert duty.due_at == due_at


# --- Reads, scoped


def test_a_granted_hub_reads_but_cannot_record(api_for, officer_north, mash, case, suspect):
    _record(officer_north, case, suspect, EventKind.ARRESTED)
    grant_case(case, mash.agency)
    client = api_for(mash)
    listed = client.get(_url(case))
    assert listed.status_code == 200
    assert len(listed.json()["results"]) == 1
    refused = client.post(_url(case), _body(suspect), format="json")
    assert refused.status_code == 404
    assert InvestigationEvent.objects.count() == 1


def test_the_list_leaves_out_events_of_suspects_the_reader_is_not_cleared_for(
    officer_north, case, suspect, monkeypatch
):
    _record(officer_north, case, suspect, EventKind.ARRESTED)
    assert event_list(actor=officer_north.user, case=case).count() == 1
    monkeypatch.setattr("agencies.access.clearances", lambda user: frozenset({"case", "victim"}))
    assert event_list(actor=officer_north.user, case=case).count() == 0


def test_the_list_costs_the_same_for_many_events(
    api_for, officer_north, case, django_assert_max_num_queries
):
    for _ in range(5):
        suspect = PartyFactory(case=case, role="suspect")
        _record(officer_north, case, suspect, EventKind.ARRESTED)
        _bailed(officer_north, case, suspect)
    client = api_for(officer_north)
    with django_assert_max_num_queries(12):
        response = client.get(_url(case))
    assert len(response.json()["results"]) == 10


def test_the_list_pages(api_for, officer_north, case, suspect):
    for day in range(3, 8):
        _record(
            officer_north,
            case,
            suspect,
            EventKind.INTERVIEWED,
            occurred_at=datetime(2026, 3, day, 10, 0, tzinfo=LONDON),
        )
    client = api_for(officer_north)
    first = client.get(_url(case), {"page_size": 3}).json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 3
    assert len(second["results"]) == 2
    assert second["next"] is None


# --- Bail summaries


def test_bail_summaries_warn_within_ten_working_days(
    officer_north, case, django_assert_max_num_queries
):
    soon, later = PartyFactory(case=case, role="suspect"), PartyFactory(case=case, role="suspect")
    released = datetime(2026, 6, 12, 10, 0, tzinfo=LONDON)
    # From Monday 15 June: 10 working days reach Monday 29 June, 11 Tuesday 30 June.
    _bailed_at(officer_north, case, soon, released, date(2026, 6, 29))
    _bailed_at(officer_north, case, later, released, date(2026, 6, 30))
    with django_assert_max_num_queries(3):
        summaries = bail_summaries(actor=officer_north.user, case=case)
    by_suspect = {summary.suspect.pk: summary for summary in summaries}
    assert by_suspect[soon.pk].working_days_left == 10
    assert by_suspect[soon.pk].warning is True
    assert by_suspect[later.pk].working_days_left == 11
    assert by_suspect[later.pk].warning is False
    assert by_suspect[soon.pk].first_bailed_on == date(2026, 6, 12)


def test_bail_summaries_count_bank_holidays_and_past_ends(officer_north, case):
    suspect, lapsed = (
        PartyFactory(case=case, role="suspect"),
        PartyFactory(case=case, role="suspect"),
    )
    _bailed_at(
        officer_north, case, suspect, datetime(2026, 6, 1, 10, 0, tzinfo=LONDON), date(2026, 8, 31)
    )
    _bailed_at(
        officer_north, case, lapsed, datetime(2026, 3, 20, 10, 0, tzinfo=LONDON), date(2026, 6, 12)
    )
    # 24 August... the end: Monday 31 August 2026 is the summer bank holiday.
    now = datetime(2026, 8, 24, 9, 0, tzinfo=UTC)
    by_suspect = {
        s.suspect.pk: s for s in bail_summaries(actor=officer_north.user, case=case, now=now)
    }
    # Tue 25 to Fri 28 are working days; Mon 31 (the end day) is a bank holiday.
    assert by_suspect[suspect.pk].working_days_left == 4
    assert by_suspect[lapsed.pk].ended is True
    assert by_suspect[lapsed.pk].warning is True


def test_a_suspect_released_from_bail_has_no_bail_summary(officer_north, case, suspect):
    _bailed(officer_north, case, suspect)
    _record(
        officer_north,
        case,
        suspect,
        EventKind.CHARGED,
        occurred_at=datetime(2026, 5, 1, 10, 0, tzinfo=LONDON),
    )
    assert bail_summaries(actor=officer_north.user, case=case) == []


def _bailed_at(actor, case, suspect, released, ends_on) -> InvestigationEvent:
    return _record(
        actor, case, suspect, EventKind.BAILED, occurred_at=released, bail_end_on=ends_on
    )


def test_the_selectors_return_nothing_of_another_agency(
    officer_north, officer_south, case, suspect
):
    # given: a suspect of Northshire's case on bail
    _bailed_at(
        officer_north, case, suspect, datetime(2026, 6, 12, 10, 0, tzinfo=LONDON), date(2026, 6, 29)
    )
    # when / then: Southshire's officer, handed the case, reads nothing of it
    assert list(event_list(actor=officer_south.user, case=case)) == []
    assert bail_summaries(actor=officer_south.user, case=case) == []
    assert len(bail_summaries(actor=officer_north.user, case=case)) == 1
