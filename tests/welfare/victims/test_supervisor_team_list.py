"""A supervisor's "team" list shows the overdue updates the sweep tells them of:
their team's, and those of officers whose team has no supervisor of its own (the
sweep escalates those to the agency's supervisors)."""

import time_machine

from agencies.models import Role
from common.models import Notification
from tests.factories import CaseFactory, MembershipFactory, PartyFactory, TeamFactory
from tests.welfare.victims.conftest import at
from welfare.deadlines import duties_sweep
from welfare.models import DutyKind, DutyTrigger, VictimCare
from welfare.services.duties import duty_open

NOW = at(2026, 3, 11, 10, 0)  # a Wednesday


def _overdue_update(case, responsible):
    victim = PartyFactory(case=case, role="victim")
    VictimCare.objects.create(party=victim, case=case, enhanced_reason="under_18")
    return duty_open(
        actor=None,
        case=case,
        party=victim,
        kind=DutyKind.VICTIM_UPDATE,
        trigger=DutyTrigger.EVENT,
        reason="Arrested (suspect), 9 March 2026",
        due_at=at(2026, 3, 10, 17, 0),
        source_key=f"test:{victim.pk}",
        responsible=responsible,
    )


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_the_supervisor_sees_overdue_updates_of_a_team_without_its_own_supervisor(
    api_for, browser_for, north, north_team, supervisor_north, officer_south
):
    # given: a response officer whose team has no supervisor, with an overdue update,
    response_team = TeamFactory(agency=north, name="North Response Team")
    officer = MembershipFactory(agency=north, team=response_team, role=Role.GENERALIST_OFFICER)
    unsupervised = _overdue_update(
        CaseFactory(owning_agency=north, team=response_team, lead_officer=officer.user),
        officer.user,
    )
    # and a response team that has its own supervisor, whose officer's update is overdue
    other_team = TeamFactory(agency=north, name="Other Team")
    MembershipFactory(agency=north, team=other_team, role=Role.POLICE_SUPERVISOR)
    other_officer = MembershipFactory(agency=north, team=other_team, role=Role.GENERALIST_OFFICER)
    supervised_elsewhere = _overdue_update(
        CaseFactory(owning_agency=north, team=other_team, lead_officer=other_officer.user),
        other_officer.user,
    )
    # and another force's overdue update
    south_case = CaseFactory(owning_agency=officer_south.agency, lead_officer=officer_south.user)
    _overdue_update(south_case, officer_south.user)
    # when: the sweep runs, and the Online CSA Team's supervisor opens their team's list
    duties_sweep(NOW)
    told = set(
        Notification.objects.filter(
            user=supervisor_north.user, kind="welfare.victim_update_overdue"
        ).values_list("dedupe_key", flat=True)
    )
    with time_machine.travel(NOW, tick=False):
        listed = _ids(
            api_for(supervisor_north).get("/api/v1/victim-updates/?due=overdue&whose=team")
        )
        home = browser_for(supervisor_north).get("/").content.decode()
    # then: they are told of the unsupervised team's update and see it in the list
    assert any(str(unsupervised.pk) in key for key in told)
    assert listed == {str(unsupervised.pk)}
    assert str(unsupervised.pk) in home
    # and not the update that another team's supervisor answers for, nor another force's
    assert str(supervised_elsewhere.pk) not in home
    # and an officer's own team list stays their team's
    with time_machine.travel(NOW, tick=False):
        assert _ids(api_for(officer).get("/api/v1/victim-updates/?whose=team")) == {
            str(unsupervised.pk)
        }
