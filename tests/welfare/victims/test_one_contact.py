"""One contact for every update owed (issue 16): one call telling the victim of the
arrest and of the release meets both updates; each refusal stores nothing."""

from datetime import date

import pytest
import time_machine

from cases.models import ContactLog, EventKind
from common.errors import ValidationError
from tests.factories import CaseFactory, PartyFactory
from tests.welfare.victims.conftest import at, record_event
from welfare.models import Duty, DutyKind, DutyStatus
from welfare.services.victim_updates import victim_updates_meet

ARRESTED = at(2026, 11, 3, 9, 30)
BAILED = at(2026, 11, 4, 16, 0)
CALL = at(2026, 11, 5, 10, 0)
TOLD = "arrested on 3 November 2026; released on pre-charge bail on 4 November 2026"


def arrest_and_release(officer, case, suspect, victim) -> dict[str, Duty]:
    """An arrest and a release on bail, each owing the victim an update."""
    record_event(officer.user, case, suspect, EventKind.ARRESTED, ARRESTED)
    record_event(
        officer.user,
        case,
        suspect,
        EventKind.BAILED,
        BAILED,
        bail_end_on=date(2026, 12, 4),
    )
    updates = list(
        Duty.objects.filter(party=victim, kind=DutyKind.VICTIM_UPDATE).order_by("due_at")
    )
    assert [duty.status for duty in updates] == [DutyStatus.OPEN, DutyStatus.OPEN]
    return {"arrest": updates[0], "release": updates[1]}


@pytest.fixture
def owed(officer_north, case, suspect, victim):
    return arrest_and_release(officer_north, case, suspect, victim)


def _statuses(*duties) -> list[str]:
    return [Duty.objects.get(pk=duty.pk).status for duty in duties]


def _meet(actor, victim, duty_ids, **extra):
    with time_machine.travel(CALL, tick=False):
        return victim_updates_meet(
            actor=actor,
            party=victim,
            duty_ids=duty_ids,
            channel=extra.pop("channel", "phone"),
            summary=extra.pop("summary", "Told of the arrest and the release on bail."),
            **extra,
        )


# --- The service


def test_one_call_meets_two_updates(officer_north, victim, owed):
    # given two updates owed to the victim
    # when one call tells them of both
    contact, met = _meet(officer_north.user, victim, [owed["arrest"].pk, owed["release"].pk])
    # then both are met by that one contact, at its time
    assert [duty.pk for duty in met] == [owed["arrest"].pk, owed["release"].pk]
    for duty in (owed["arrest"], owed["release"]):
        duty.refresh_from_db()
        assert duty.status == DutyStatus.MET
        assert duty.contact_id == contact.pk
        assert duty.resolved_at == CALL
        assert duty.resolved_by == officer_north.user
    assert ContactLog.objects.filter(party=victim).count() == 1
    assert contact.contacted_at == CALL and contact.channel == "phone"


def test_an_update_left_unticked_stays_open(officer_north, victim, owed):
    _, met = _meet(officer_north.user, victim, [owed["arrest"].pk])
    assert [duty.pk for duty in met] == [owed["arrest"].pk]
    assert _statuses(owed["arrest"], owed["release"]) == [DutyStatus.MET, DutyStatus.OPEN]
    assert Duty.objects.get(pk=owed["release"].pk).contact_id is None


def _refused(actor, victim, duty_ids, owed) -> list[str]:
    contacts_before = ContactLog.objects.count()
    versions_before = list(
        Duty.objects.order_by("pk").values_list("pk", "status", "version", "contact_id")
    )
    with pytest.raises(ValidationError) as refusal:
        _meet(actor, victim, duty_ids)
    # nothing stored: no contact, no duty changed
    assert ContactLog.objects.count() == contacts_before
    assert (
        list(Duty.objects.order_by("pk").values_list("pk", "status", "version", "contact_id"))
        == versions_before
    )
    assert set(refusal.value.message_dict) == {"duties"}
    return refusal.value.message_dict["duties"]


def test_an_update_owed_to_another_victim_is_refused(officer_north, case, victim, owed):
    # given a second victim of the same case, owed the same updates
    other = PartyFactory(case=case, role="victim")
    theirs = Duty.objects.filter(party=other, kind=DutyKind.VICTIM_UPDATE).first()
    if theirs is None:  # recorded after the events: owed nothing yet, so open one
        theirs = _other_update(officer_north, other)
    # when a contact with the first would meet the other's update too
    messages = _refused(officer_north.user, victim, [owed["arrest"].pk, theirs.pk], owed)
    # then it is refused, naming the duty as someone else's
    assert messages == [
        f"Update the victim ({theirs.reason}) is owed to someone else, "
        f"not to {victim.person.full_name}."
    ]


def _other_update(officer, party, kind=DutyKind.VICTIM_UPDATE, key=""):
    from welfare.services.duties import duty_open

    with time_machine.travel(ARRESTED, tick=False):
        return duty_open(
            actor=None,
            case=party.case,
            party=party,
            kind=kind,
            trigger="event",
            reason="Arrested, 3 November 2026",
            due_at=at(2026, 11, 6, 17, 0),
            source_key=f"test:{party.pk}:{kind}:{key}",
            responsible=officer.user,
        )


def test_an_update_of_another_case_is_refused(officer_north, north, north_team, victim, owed):
    elsewhere = CaseFactory(owning_agency=north, team=north_team, lead_officer=officer_north.user)
    theirs = _other_update(officer_north, PartyFactory(case=elsewhere, role="victim"))
    messages = _refused(officer_north.user, victim, [theirs.pk], owed)
    assert messages == [
        f"Update the victim ({theirs.reason}) is owed to someone else, "
        f"not to {victim.person.full_name}."
    ]


def test_an_update_already_met_is_refused(officer_north, victim, owed):
    _meet(officer_north.user, victim, [owed["arrest"].pk])
    messages = _refused(officer_north.user, victim, [owed["arrest"].pk, owed["release"].pk], owed)
    assert messages == [
        f"Update the victim ({owed['arrest'].reason}) is no longer open: it is met."
    ]


def test_a_duty_that_is_not_an_update_is_not_met_here(officer_north, victim, owed):
    # the victim's referral to support is theirs, but met by a referral, not a contact
    check = _other_update(officer_north, victim, kind=DutyKind.VICTIM_SUPPORT_REFERRAL)
    messages = _refused(officer_north.user, victim, [check.pk], owed)
    assert messages == [
        f"{check.get_kind_display()} ({check.reason}) is not a victim update: "
        "it is met on its own form."
    ]


def test_a_duty_the_reader_may_not_see_is_not_owed_whether_or_not_it_exists(
    officer_north, officer_south, south, victim, owed
):
    southern = CaseFactory(owning_agency=south, lead_officer=officer_south.user)
    hidden = _other_update(officer_south, PartyFactory(case=southern, role="victim"))
    missing = "00000000-0000-0000-0000-000000000000"
    messages = _refused(officer_north.user, victim, [hidden.pk, missing], owed)
    assert messages == [
        f"{hidden.pk} is not one of the updates owed to this person.",
        f"{missing} is not one of the updates owed to this person.",
    ]


def test_no_update_named_is_refused(officer_north, victim, owed):
    assert _refused(officer_north.user, victim, [], owed) == [
        "Tick the updates this contact told them about: at least one."
    ]


def test_a_contact_before_the_release_cannot_tell_of_it(officer_north, victim, owed):
    with pytest.raises(ValidationError) as refusal:
        _meet(
            officer_north.user,
            victim,
            [owed["arrest"].pk, owed["release"].pk],
            contacted_at=at(2026, 11, 4, 12, 0),
        )
    assert refusal.value.message_dict == {
        "contacted_at": [
            "This contact was before it could tell them of released on pre-charge bail on "
            "4 November 2026: correct the time, or untick that update."
        ]
    }
    assert not ContactLog.objects.filter(party=victim).exists()
    assert _statuses(owed["arrest"], owed["release"]) == [DutyStatus.OPEN, DutyStatus.OPEN]


def test_an_update_no_event_created_is_told_of_in_words(officer_north, victim):
    from welfare.services.victim_updates import told_about

    duty = _other_update(officer_north, victim)
    duty.trigger = "new_point_of_contact"
    assert told_about(duty) == "who their new named contact is"
    duty.trigger = "event"
    assert told_about(duty) == "arrested, 3 November 2026"


def test_a_contact_in_the_minute_a_duty_began_meets_it(officer_north, victim, owed):
    # given: the release was recorded 40 seconds into a minute, and the form gives the
    # contact's time to the minute (it offers the minute now)
    release = owed["release"]
    release.event.occurred_at = at(2026, 11, 4, 16, 0, 40)
    release.event.save(update_fields=["occurred_at"])
    # when: the contact is logged at 16:00, the minute of the release
    _meet(
        officer_north.user,
        victim,
        [owed["arrest"].pk, release.pk],
        contacted_at=at(2026, 11, 4, 16, 0),
    )
    # then: it told them of both
    assert _statuses(owed["arrest"], release) == [DutyStatus.MET, DutyStatus.MET]


def test_a_contact_in_the_minute_before_a_duty_began_is_still_too_early(
    officer_north, victim, owed
):
    with pytest.raises(ValidationError):
        _meet(
            officer_north.user,
            victim,
            [owed["release"].pk],
            contacted_at=at(2026, 11, 4, 15, 59),
        )
    assert _statuses(owed["release"]) == [DutyStatus.OPEN]
