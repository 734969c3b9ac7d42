"""Victim update duties: due per service level on the one calendar, discharge by a
contact with the victim, opt-out, regular updates, a new named contact."""

import pytest
import time_machine

from cases.models import ContactLog
from cases.services.records import contact_log
from common.errors import AccessDenied, InvalidState, PreconditionFailed, ValidationError
from common.models import Notification
from tests.factories import MembershipFactory, PartyFactory
from tests.welfare.victims.conftest import at, record_event
from welfare.models import Duty, DutyKind, DutyStatus, DutyTrigger, VictimCare
from welfare.services import victim_care as care_services
from welfare.services.duty_meet import duty_meet_by_contact
from welfare.services.victim_duties import VICTIM_UPDATE_EVENTS


def _updates(victim):
    return Duty.objects.filter(party=victim, kind=DutyKind.VICTIM_UPDATE)


def _standard(victim, actor):
    care = VictimCare.objects.create(
        case=victim.case, party=victim, service_level="standard", enhanced_reason=""
    )
    return care


@pytest.mark.parametrize(
    ("level", "when", "due"),
    [
        # Friday afternoon: the weekend does not count.
        ("enhanced", at(2026, 3, 13, 15, 0), at(2026, 3, 16, 17, 0)),
        ("standard", at(2026, 3, 13, 15, 0), at(2026, 3, 20, 17, 0)),
        # Maundy Thursday: Good Friday and Easter Monday 2026 are bank holidays.
        ("enhanced", at(2026, 4, 2, 10, 0), at(2026, 4, 7, 17, 0)),
        ("standard", at(2026, 4, 2, 10, 0), at(2026, 4, 13, 17, 0)),
        # After 17:00 the day has ended: counting starts on the next working day.
        ("enhanced", at(2026, 3, 12, 18, 30), at(2026, 3, 16, 17, 0)),
    ],
)
def test_an_arrest_owes_each_victim_an_update_by_their_service_level(
    officer_north, case, suspect, victim, level, when, due
):
    # given
    if level == "standard":
        _standard(victim, officer_north.user)
    # when
    record_event(officer_north.user, case, suspect, "arrested", when)
    # then
    duty = _updates(victim).get()
    assert duty.due_at == due
    assert duty.status == DutyStatus.OPEN
    assert duty.responsible == officer_north.user


@pytest.mark.parametrize("kind", ["interviewed", "charged", "no_further_action"])
def test_each_update_event_owes_an_update(officer_north, case, suspect, victim, kind):
    assert kind in VICTIM_UPDATE_EVENTS
    record_event(officer_north.user, case, suspect, kind, at(2026, 3, 10, 11, 0))
    assert _updates(victim).get().due_at == at(2026, 3, 11, 17, 0)


def test_a_search_owes_no_victim_update(officer_north, case, suspect, victim):
    record_event(officer_north.user, case, suspect, "searched", at(2026, 3, 10, 11, 0))
    assert not _updates(victim).exists()


def test_an_opted_out_victim_gets_the_record_not_the_nagging(officer_north, case, suspect, victim):
    # given
    VictimCare.objects.create(
        case=case,
        party=victim,
        enhanced_reason="sexual_offence",
        wants_updates=False,
        opt_out_note="Asked on 1 March not to be contacted.",
    )
    # when
    record_event(officer_north.user, case, suspect, "arrested", at(2026, 3, 10, 11, 0))
    # then
    duty = _updates(victim).get()
    assert duty.status == DutyStatus.OPTED_OUT
    assert "asked not to be updated" in duty.resolution_note


def _arrested(officer_north, case, suspect, victim):
    record_event(officer_north.user, case, suspect, "arrested", at(2026, 3, 10, 11, 0))
    return _updates(victim).get()


def test_a_contact_with_the_victim_meets_the_update(officer_north, case, suspect, victim):
    # given
    duty = _arrested(officer_north, case, suspect, victim)
    # when
    with time_machine.travel(at(2026, 3, 11, 9, 30), tick=False):
        met = duty_meet_by_contact(
            actor=officer_north.user, duty=duty, channel="phone", summary="Told of the arrest."
        )
    # then
    assert met.status == DutyStatus.MET
    assert met.resolved_at == at(2026, 3, 11, 9, 30)
    assert met.resolved_by == officer_north.user
    assert met.contact.party == victim
    assert met.version == duty.version + 1
    assert met.history.first().history_change_reason == "met by a phone contact"


def test_a_contact_with_someone_else_is_refused_and_nothing_changes(
    officer_north, case, suspect, victim
):
    # given
    duty = _arrested(officer_north, case, suspect, victim)
    other = PartyFactory(case=case, role="victim")
    with time_machine.travel(at(2026, 3, 11, 9, 0), tick=False):
        contact = contact_log(
            actor=officer_north.user, case=case, party=other, channel="phone", summary="Spoke."
        )
        # when
        with pytest.raises(ValidationError) as refused:
            duty_meet_by_contact(actor=officer_north.user, duty=duty, contact=contact)
    # then
    assert refused.value.message_dict == {
        "contact": ["This duty is met by a contact with the victim, not someone else."]
    }
    duty.refresh_from_db()
    assert duty.status == DutyStatus.OPEN and duty.contact is None


def test_a_contact_before_the_event_does_not_meet_it(officer_north, case, suspect, victim):
    duty = _arrested(officer_north, case, suspect, victim)
    with (
        time_machine.travel(at(2026, 3, 11, 9, 0), tick=False),
        pytest.raises(ValidationError) as refused,
    ):
        duty_meet_by_contact(
            actor=officer_north.user,
            duty=duty,
            channel="phone",
            summary="Earlier call.",
            contacted_at=at(2026, 3, 9, 9, 0),
        )
    assert "contacted_at" in refused.value.message_dict
    assert not ContactLog.objects.filter(party=victim).exists()


def test_a_met_duty_cannot_be_met_again(officer_north, case, suspect, victim):
    duty = _arrested(officer_north, case, suspect, victim)
    with time_machine.travel(at(2026, 3, 11, 9, 0), tick=False):
        duty_meet_by_contact(actor=officer_north.user, duty=duty, channel="phone", summary="Told.")
        with pytest.raises(InvalidState) as refused:
            duty_meet_by_contact(
                actor=officer_north.user, duty=duty, channel="phone", summary="Again."
            )
    assert refused.value.state == DutyStatus.MET


def test_one_contact_meets_two_updates(officer_north, case, suspect, victim):
    # given: updates owed for the arrest and for the interview
    duty = _arrested(officer_north, case, suspect, victim)
    record_event(officer_north.user, case, suspect, "interviewed", at(2026, 3, 10, 12, 0))
    second = _updates(victim).exclude(pk=duty.pk).get()
    # when one call tells the victim of both
    with time_machine.travel(at(2026, 3, 11, 9, 0), tick=False):
        met = duty_meet_by_contact(
            actor=officer_north.user, duty=duty, channel="phone", summary="Told of both."
        )
        also = duty_meet_by_contact(actor=officer_north.user, duty=second, contact=met.contact)
    # then the one contact meets both
    assert (also.status, also.contact_id) == ("met", met.contact_id)
    assert _updates(victim).filter(status="open").count() == 0


def test_other_forces_cannot_meet_the_duty(officer_north, officer_south, case, suspect, victim):
    duty = _arrested(officer_north, case, suspect, victim)
    from common.errors import NotFound

    with pytest.raises(NotFound):
        duty_meet_by_contact(actor=officer_south.user, duty=duty, channel="phone", summary="x")


def test_regular_updates_chain_from_each_contact(officer_north, case, victim):
    # given: a victim agrees an update every 5 working days
    care = VictimCare.objects.create(case=case, party=victim, enhanced_reason="under_18")
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        care = care_services.victim_preferences_set(
            actor=officer_north.user,
            care=care,
            expected_version=1,
            regular_update_working_days=5,
        )
    first = _updates(victim).get(trigger=DutyTrigger.REGULAR_UPDATE)
    assert first.due_at == at(2026, 3, 9, 17, 0)
    # when the update is given on Thursday
    with time_machine.travel(at(2026, 3, 5, 14, 0), tick=False):
        duty_meet_by_contact(actor=officer_north.user, duty=first, channel="visit", summary="Told.")
    # then the next is due 5 working days after that contact
    following = _updates(victim).get(trigger=DutyTrigger.REGULAR_UPDATE, status="open")
    assert following.due_at == at(2026, 3, 12, 17, 0)


def test_changing_the_schedule_cancels_the_open_regular_update(officer_north, case, victim):
    care = VictimCare.objects.create(case=case, party=victim, enhanced_reason="under_18")
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        care = care_services.victim_preferences_set(
            actor=officer_north.user, care=care, expected_version=1, regular_update_working_days=5
        )
        care_services.victim_preferences_set(
            actor=officer_north.user,
            care=care,
            expected_version=2,
            regular_update_working_days=None,
        )
    regular = _updates(victim).filter(trigger=DutyTrigger.REGULAR_UPDATE)
    assert [d.status for d in regular] == [DutyStatus.CANCELLED]


def test_opting_out_closes_open_updates_as_not_wanted(officer_north, case, suspect, victim):
    duty = _arrested(officer_north, case, suspect, victim)
    care = VictimCare.objects.get(party=victim)
    with pytest.raises(ValidationError) as refused:
        care_services.victim_preferences_set(
            actor=officer_north.user, care=care, expected_version=care.version, wants_updates=False
        )
    assert "opt_out_note" in refused.value.message_dict
    with time_machine.travel(at(2026, 3, 10, 15, 0), tick=False):
        care_services.victim_preferences_set(
            actor=officer_north.user,
            care=care,
            expected_version=care.version,
            wants_updates=False,
            opt_out_note="Does not want calls.",
            spoken_for_by="Mother, Jane Smith",
        )
    duty.refresh_from_db()
    assert duty.status == DutyStatus.OPTED_OUT


def test_service_level_change_needs_a_reason_and_a_valid_enhanced_reason(
    officer_north, case, victim
):
    care = VictimCare.objects.create(case=case, party=victim, enhanced_reason="sexual_offence")
    with pytest.raises(ValidationError) as refused:
        care_services.victim_service_level_change(
            actor=officer_north.user, care=care, expected_version=1, service_level="standard"
        )
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        care_services.victim_service_level_change(
            actor=officer_north.user,
            care=care,
            expected_version=1,
            service_level="enhanced",
            enhanced_reason="nonsense",
            reason="Reviewed.",
        )
    assert "enhanced_reason" in refused.value.message_dict
    with pytest.raises(PreconditionFailed):
        care_services.victim_service_level_change(
            actor=officer_north.user,
            care=care,
            expected_version=7,
            service_level="standard",
            reason="Reviewed.",
        )
    changed = care_services.victim_service_level_change(
        actor=officer_north.user,
        care=care,
        expected_version=1,
        service_level="standard",
        reason="Adult, not vulnerable, on review.",
    )
    assert (changed.service_level, changed.enhanced_reason, changed.version) == ("standard", "", 2)
    assert changed.history.first().history_change_reason == "Adult, not vulnerable, on review."


def test_a_new_named_contact_takes_the_duties_and_owes_an_update(
    officer_north, supervisor_north, north, case, suspect, victim
):
    # given
    duty = _arrested(officer_north, case, suspect, victim)
    care = VictimCare.objects.get(party=victim)
    admin = MembershipFactory(agency=north, role="agency_admin")
    # a reason is required, and the contact must be a police caseworker of the force
    with pytest.raises(ValidationError) as refused:
        care_services.victim_point_of_contact_change(
            actor=officer_north.user,
            care=care,
            expected_version=care.version,
            point_of_contact=admin.user,
        )
    assert set(refused.value.message_dict) == {"reason", "point_of_contact"}
    # when
    with time_machine.travel(at(2026, 3, 10, 16, 0), tick=False):
        changed = care_services.victim_point_of_contact_change(
            actor=officer_north.user,
            care=care,
            expected_version=care.version,
            point_of_contact=supervisor_north.user,
            reason="Officer moving to another team.",
        )
    # then
    assert changed.point_of_contact == supervisor_north.user
    duty.refresh_from_db()
    assert duty.responsible == supervisor_north.user
    told = _updates(victim).get(trigger=DutyTrigger.NEW_POINT_OF_CONTACT)
    assert told.reason == "Tell the victim who their new named contact is"
    assert told.due_at == at(2026, 3, 11, 17, 0)
    assert told.responsible == supervisor_north.user
    assert Notification.objects.filter(user=supervisor_north.user).count() == 1


def test_a_partner_cannot_change_victim_care(caseworker_harbour, case, victim):
    care = VictimCare.objects.create(case=case, party=victim, enhanced_reason="sexual_offence")
    from common.errors import NotFound

    with pytest.raises((NotFound, AccessDenied)):
        care_services.victim_service_level_change(
            actor=caseworker_harbour.user,
            care=care,
            expected_version=1,
            service_level="standard",
            reason="x",
        )


def test_a_victim_in_a_childrens_services_case_owes_no_police_duties(db):
    """The Victims' Code duties are the police's: a victim recorded by children's
    services gets no duty nobody in that agency could see or meet."""
    from agencies.models import Role
    from cases.services.people import party_add_for_person
    from tests.factories import AgencyFactory, CaseFactory, MembershipFactory
    from welfare.models import Duty, VictimCare

    council = AgencyFactory(slug="northshire-childrens-services", childrens_services=True)
    social_worker = MembershipFactory(agency=council, role=Role.SOCIAL_WORKER).user
    case = CaseFactory(owning_agency=council)
    party_add_for_person(
        actor=social_worker,
        case=case,
        person=None,
        new_person={"first_name": "Ava", "last_name": "Sample"},
        role="victim",
    )
    assert not Duty.objects.filter(case=case).exists()
    assert not VictimCare.objects.filter(case=case).exists()


def test_a_victim_added_to_a_police_case_is_owed_a_referral_to_support(case, officer_north):
    from cases.services.people import party_add_for_person
    from welfare.models import Duty, DutyKind

    victim = party_add_for_person(
        actor=officer_north.user,
        case=case,
        person=None,
        new_person={"first_name": "Ava", "last_name": "Sample"},
        role="victim",
    )
    duty = Duty.objects.get(party=victim)
    assert duty.kind == DutyKind.VICTIM_SUPPORT_REFERRAL
    assert duty.responsible == case.lead_officer
    assert victim.victim_care.point_of_contact == case.lead_officer
