"""The routing of each duty kind (welfare.services.duty_owners): a duty that follows
an event goes to whoever recorded it, with the lead told; a victim's duty to their
named contact; everything else, and anyone who cannot hold a duty, to the lead."""

import pytest

from cases.models import EventKind, InvestigationEvent
from cases.services.events import investigation_event_record
from common.models import Notification
from tests.welfare.routing.conftest import at, flag_suicide
from welfare.models import Duty, DutyKind, DutyTrigger
from welfare.selectors.duties import duty_list
from welfare.services.duties import duty_open
from welfare.services.duty_owners import ROUTED_NOTICE
from welfare.services.victim_duties import victim_care_get_or_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def owners(case) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for kind, username in Duty.objects.filter(case=case).values_list(
        "kind", "responsible__username"
    ):
        found.setdefault(kind, set()).add(username)
    return found


def routed_notices(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=ROUTED_NOTICE))


def test_an_arrest_by_the_investigator_puts_its_duties_on_the_investigator(
    case, victim, suspect, officer_north, investigator_north
):
    # given a case led by the generalist officer.north
    # when the specialist investigator records the arrest
    investigation_event_record(
        actor=investigator_north.user,
        case=case,
        suspect=suspect,
        kind=EventKind.ARRESTED,
        occurred_at=at(2026, 3, 11, 9, 0),
    )
    # then the duties that follow the arrest are the investigator's
    assert owners(case) == {
        DutyKind.WELFARE_SCREENING: {"investigator.north"},
        DutyKind.FAMILY_PACK: {"investigator.north"},
        DutyKind.FAMILY_SUPPORT_OFFER: {"investigator.north"},
        # the victim's update goes to their named contact: the lead, by default
        DutyKind.VICTIM_UPDATE: {"officer.north"},
    }
    # and the investigator's own list shows the screening
    mine = duty_list(actor=investigator_north.user, filters={"whose": "mine"})
    assert DutyKind.WELFARE_SCREENING in {duty.kind for duty in mine}
    # and the lead is told once, with no personal detail
    [notice] = routed_notices(officer_north.user)
    assert notice.message == (
        "Duties from an event in a case you lead went to the officer who recorded it."
    )
    assert notice.link == f"/cases/{case.pk}/"
    assert routed_notices(investigator_north.user) == []


def test_a_release_goes_to_whoever_recorded_it(case, suspect, officer_north, investigator_north):
    # given an arrest recorded by the lead, and a suicide flag
    investigation_event_record(
        actor=officer_north.user,
        case=case,
        suspect=suspect,
        kind=EventKind.ARRESTED,
        occurred_at=at(2026, 3, 11, 9, 0),
    )
    flag_suicide(officer_north, case, suspect)
    # when the investigator records the release
    released = investigation_event_record(
        actor=investigator_north.user,
        case=case,
        suspect=suspect,
        kind=EventKind.RELEASED_UNDER_INVESTIGATION,
        occurred_at=at(2026, 3, 11, 11, 0),
    )
    # then the release's check, plan, screening and welfare contact are the investigator's
    after_release = dict(
        Duty.objects.filter(event=released).values_list("kind", "responsible__username")
    )
    assert after_release == {
        DutyKind.WELFARE_SCREENING: "investigator.north",
        DutyKind.WELFARE_CHECK: "investigator.north",
        DutyKind.SAFETY_PLAN: "investigator.north",
        DutyKind.WELFARE_CONTACT: "investigator.north",
    }
    # and the arrest's screening stays with the lead who recorded it
    first = Duty.objects.get(kind=DutyKind.WELFARE_SCREENING, event__kind=EventKind.ARRESTED)
    assert first.responsible == officer_north.user
    # and the lead is told once, of the release
    assert len(routed_notices(officer_north.user)) == 1


def test_a_victim_update_goes_to_the_named_contact(
    case, victim, suspect, officer_north, officer_forensics
):
    # given a victim whose named contact is officer.forensics
    care = victim_care_get_or_create(victim)
    care.point_of_contact = officer_forensics.user
    care.save()
    # when the lead records the arrest
    investigation_event_record(
        actor=officer_north.user,
        case=case,
        suspect=suspect,
        kind=EventKind.ARRESTED,
        occurred_at=at(2026, 3, 11, 9, 0),
    )
    # then the update is the named contact's
    [update] = Duty.objects.filter(party=victim, kind=DutyKind.VICTIM_UPDATE)
    assert update.responsible == officer_forensics.user
    # and nobody is told of a routing: the lead recorded it, the contact was named
    assert Notification.objects.filter(kind=ROUTED_NOTICE).count() == 0


def test_a_named_contact_who_left_falls_back_to_the_lead(
    case, victim, suspect, officer_north, officer_forensics
):
    care = victim_care_get_or_create(victim)
    care.point_of_contact = officer_forensics.user
    care.save()
    officer_forensics.user.is_active = False
    officer_forensics.user.save()
    investigation_event_record(
        actor=officer_north.user,
        case=case,
        suspect=suspect,
        kind=EventKind.ARRESTED,
        occurred_at=at(2026, 3, 11, 9, 0),
    )
    [update] = Duty.objects.filter(party=victim, kind=DutyKind.VICTIM_UPDATE)
    assert update.responsible == officer_north.user


def _event_by(recorder, case, suspect) -> InvestigationEvent:
    return InvestigationEvent.objects.create(
        case=case,
        suspect=suspect,
        kind=EventKind.ARRESTED,
        occurred_at=at(2026, 3, 11, 9, 0),
        recorded_by=recorder,
    )


def _open(case, suspect, *, actor=None, event=None, kind=DutyKind.WELFARE_SCREENING, key="k"):
    return duty_open(
        actor=actor,
        case=case,
        party=suspect,
        kind=kind,
        trigger=DutyTrigger.EVENT,
        reason="Test duty",
        due_at=at(2026, 3, 11, 11, 0),
        source_key=f"test:{key}",
        event=event,
    )


def test_an_event_recorded_by_someone_who_cannot_hold_it_goes_to_the_lead(
    case, suspect, officer_north, admin_north, officer_south
):
    # an agency admin, and an officer of another force, cannot hold a duty here
    for key, recorder in (("admin", admin_north.user), ("south", officer_south.user)):
        duty = _open(case, suspect, event=_event_by(recorder, case, suspect), key=key)
        assert duty.responsible == officer_north.user
    assert routed_notices(officer_north.user) == []


def test_a_lead_who_left_gives_way_to_the_officer_who_opened_it(
    case, suspect, officer_north, investigator_north
):
    # given a lead officer who has left
    officer_north.user.is_active = False
    officer_north.user.save()
    # when a duty with no event is opened by the investigator's action
    duty = _open(case, suspect, actor=investigator_north.user, kind=DutyKind.FAMILY_PACK)
    # then the investigator holds it: never nobody while someone can
    assert duty.responsible == investigator_north.user


def test_nobody_who_can_hold_it_leaves_the_lead_named(case, suspect, officer_north):
    officer_north.user.is_active = False
    officer_north.user.save()
    duty = _open(case, suspect, kind=DutyKind.FAMILY_PACK)
    # the sweep tells the supervisors of the case's team instead
    assert duty.responsible == officer_north.user


def test_a_handler_run_twice_opens_and_tells_once(case, suspect, officer_north, investigator_north):
    event = _event_by(investigator_north.user, case, suspect)
    first = _open(case, suspect, event=event)
    again = _open(case, suspect, event=event)
    assert again.pk == first.pk
    assert first.responsible == investigator_north.user
    assert len(routed_notices(officer_north.user)) == 1
