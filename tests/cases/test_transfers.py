"""Transfers between police forces: a request with a reason to another force,
accepted or declined by the receiving force's supervisor. On acceptance the case,
every record and every duty move; open duties pass to the named lead officer with
their due moments unchanged; the sending force keeps reading the case for 20
working days through a read-only grant; the reference stays; the history and the
access log show the move. The bad input of the issue is refused, naming the field
or the state, and nothing changes."""

from datetime import date

import pytest
from django.utils import timezone

from agencies.models import AccessLogEntry, Agency
from agencies.working_days import add_working_days
from cases.models import (
    Case,
    CaseGrant,
    CaseTransfer,
    ContactLog,
    GrantSource,
    KeyDecision,
    Offence,
    TransferState,
)
from cases.services.grants import grants_expire
from cases.services.transfers import transfer_request
from common.models import Notification
from referrals.models import Referral, ReferralState
from safeguarding.models import CasePriority
from tests.authz.rows_referrals import make_referral
from tests.cases.lifecycle import *  # noqa: F403 (the fixtures)
from tests.cases.lifecycle import open_duties
from tests.factories import grant_case
from welfare.models import Duty, DutyKind, DutyStatus, VictimCare

pytestmark = pytest.mark.django_db

ASK = "/api/v1/cases/{}/transfers/"
ACCEPT = "/api/v1/transfers/{}/accept/"
DECLINE = "/api/v1/transfers/{}/decline/"
WITHDRAW = "/api/v1/transfers/{}/withdraw/"
REASON = "The suspect lives in Southshire now; his devices are held there."


def _asked(case, officer) -> CaseTransfer:
    return transfer_request(
        actor=officer.user,
        case=case,
        to_agency=Agency.objects.get(slug="southshire-police"),
        reason=REASON,
    )


# --- Asking


def test_a_request_names_the_force_and_the_reason_and_tells_its_supervisors(
    case, officer_north, supervisor_south, south, api_for, browser_for
):
    # when
    response = api_for(officer_north).post(
        ASK.format(case.id), {"to_agency": "southshire-police", "reason": REASON}, format="json"
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["from_agency"], body["to_agency"], body["state"], body["reason"]) == (
        "northshire-police",
        "southshire-police",
        "requested",
        REASON,
    )
    assert body["case"] == {
        "id": str(case.id),
        "reference": "NP-2026-000042",
        "title": "Online grooming of a 14-year-old",
    }
    told = Notification.objects.get(user=supervisor_south.user)
    assert (told.kind, told.link) == ("cases.transfer_requested", f"/transfers/{body['id']}/")
    assert told.message == "Northshire Police asks your force to take over a case."
    # the case is still Northshire's, and its page says what waits
    case.refresh_from_db()
    assert case.owning_agency == officer_north.agency
    page = browser_for(officer_north).get(f"/cases/{case.id}/").content.decode()
    assert "Transfer requested to Southshire Police" in page
    entry = AccessLogEntry.objects.get(action="cases.transfer.requested")
    assert entry.object_agency_slug == "northshire-police"


@pytest.mark.parametrize(
    ("to_agency", "error"),
    [
        (
            "northshire-police",
            "The case already belongs to this force: choose another police force.",
        ),
        (
            "northshire-mash",
            "A case moves only between police forces: choose a police force. To share it with "
            "another agency, grant it or send a referral.",
        ),
        ("nowhere-police", "No agency has this slug."),
    ],
)
def test_a_transfer_to_ones_own_force_or_to_an_agency_that_is_not_police_is_refused(
    to_agency, error, case, mash, south, officer_north, api_for
):
    # when
    response = api_for(officer_north).post(
        ASK.format(case.id), {"to_agency": to_agency, "reason": REASON}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"to_agency": [error]}
    assert not CaseTransfer.objects.exists()


def test_a_request_without_a_reason_is_refused(case, south, officer_north, api_for):
    response = api_for(officer_north).post(
        ASK.format(case.id), {"to_agency": "southshire-police", "reason": " "}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "reason": ["Give the reason the other force should take it."]
    }
    assert not CaseTransfer.objects.exists()


def test_a_second_request_while_one_waits_is_refused(case, south, officer_north, api_for):
    _asked(case, officer_north)
    response = api_for(officer_north).post(
        ASK.format(case.id), {"to_agency": "southshire-police", "reason": REASON}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["state"] == "requested"
    assert CaseTransfer.objects.count() == 1


def test_a_generalist_officer_asks_only_for_a_case_they_lead(case, south, north, api_for):
    from agencies.models import Role
    from tests.factories import MembershipFactory

    other_officer = MembershipFactory(agency=north, role=Role.GENERALIST_OFFICER)
    response = api_for(other_officer).post(
        ASK.format(case.id), {"to_agency": "southshire-police", "reason": REASON}, format="json"
    )
    assert response.status_code == 403
    assert not CaseTransfer.objects.exists()


# --- Accepting: everything moves


@pytest.fixture
def full_case(arrested, victim, suspect, officer_north, north, mash, lighthouse):
    """The arrested case with one of each kind of record, a duty already met, a
    referral still open and one completed, and its place in the queue."""
    case = arrested
    Offence.objects.create(
        case=case,
        offence_type="sexual_communication",
        committed_from=date(2026, 1, 5),
        created_by=officer_north.user,
    )
    ContactLog.objects.create(
        case=case,
        party=victim,
        contacted_at=timezone.now(),
        channel="phone",
        made_by=officer_north.user,
        summary="Explained what happens next.",
    )
    KeyDecision.objects.create(
        case=case,
        decision="Seize devices",
        rationale="Risk of further offending.",
        decided_by=officer_north.user,
        decided_at=timezone.now(),
    )
    met = open_duties(case).get(kind=DutyKind.FAMILY_PACK)
    met.status, met.resolved_at, met.resolution_note = "not_needed", timezone.now(), "No family."
    met.save()
    make_referral(from_agency=north, to_agency=lighthouse, state=ReferralState.ACCEPTED, case=case)
    make_referral(from_agency=north, to_agency=mash, state=ReferralState.COMPLETED, case=case)
    return case


def test_accepting_moves_the_case_every_record_and_every_duty(
    full_case,
    officer_north,
    supervisor_south,
    investigator_south,
    south,
    south_team,
    north,
    api_for,
):
    # given
    case = full_case
    transfer = _asked(case, officer_north)
    open_before = {duty.pk: duty.due_at for duty in open_duties(case)}
    assert len(open_before) == 3
    met_before = Duty.objects.get(case=case, status="not_needed")
    records = {
        "parties": case.parties.count(),
        "offences": case.offences.count(),
        "contacts": case.contacts.count(),
        "decisions": case.decisions.count(),
        "events": case.events.count(),
    }
    # when
    response = api_for(supervisor_south).post(
        ACCEPT.format(transfer.id), {"lead_officer": "investigator.south"}, format="json"
    )
    # then: the transfer
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "accepted"
    assert response.json()["lead_officer"]["username"] == "investigator.south"
    # the case: Southshire's, same reference, the new lead and their team
    case.refresh_from_db()
    assert (case.owning_agency, case.reference, case.lead_officer, case.team) == (
        south,
        "NP-2026-000042",
        investigator_south.user,
        south_team,
    )
    assert case.status == "open"
    # its records follow it
    assert {
        "parties": case.parties.count(),
        "offences": case.offences.count(),
        "contacts": case.contacts.count(),
        "decisions": case.decisions.count(),
        "events": case.events.count(),
    } == records
    south_api = api_for(investigator_south)
    for path in ("parties/", "offences/", "contacts/", "decisions/", "events/"):
        listed = south_api.get(f"/api/v1/cases/{case.id}/{path}")
        assert listed.status_code == 200, path
    assert len(south_api.get(f"/api/v1/cases/{case.id}/contacts/").json()["results"]) == 1
    # every open duty passes to the new lead, due when it was due
    for duty in Duty.objects.filter(pk__in=open_before):
        assert duty.status == DutyStatus.OPEN
        assert (duty.agency, duty.team, duty.responsible) == (
            south,
            south_team,
            investigator_south.user,
        )
        assert duty.due_at == open_before[duty.pk]
        assert duty.history.first().history_change_reason == "transferred to southshire-police"
    # a duty already ended keeps who ended it, and belongs to the case's force now
    met_after = Duty.objects.get(pk=met_before.pk)
    assert (met_after.agency, met_after.status, met_after.responsible) == (
        south,
        "not_needed",
        met_before.responsible,
    )
    # the victim's named contact is the new lead, who owes her the news
    care = VictimCare.objects.get(party__case=case)
    assert care.point_of_contact == investigator_south.user
    news = Duty.objects.get(case=case, trigger="new_point_of_contact")
    assert (news.kind, news.responsible, news.status) == (
        DutyKind.VICTIM_UPDATE,
        investigator_south.user,
        DutyStatus.OPEN,
    )
    assert "moved to Southshire Police" in news.reason
    # Southshire's supervisor sees the duties in its own lists
    assert south_api.get("/api/v1/duties/", {"whose": "mine"}).json()["results"]
    # the work queue: Southshire's
    assert CasePriority.objects.get(case=case).agency == south
    # the referral still open is Southshire's to follow up; the finished one stays
    # Northshire's record
    assert dict(Referral.objects.filter(case=case).values_list("state", "from_agency")) == {
        ReferralState.ACCEPTED: south.pk,
        ReferralState.COMPLETED: north.pk,
    }
    # the history shows the move
    assert case.history.first().history_change_reason == (
        "transferred from northshire-police to southshire-police"
    )
    history = south_api.get(f"/api/v1/cases/{case.id}/history/").json()["results"]
    assert history[0]["reason"] == "transferred from northshire-police to southshire-police"
    # and both forces' access logs
    moved = AccessLogEntry.objects.get(action="cases.case.transferred")
    assert moved.object_agency_slug == "northshire-police"
    assert "from northshire-police to southshire-police" in moved.justification
    accepted = AccessLogEntry.objects.get(action="cases.transfer.accepted")
    assert accepted.object_agency_slug == "southshire-police"
    assert "3 open duties passed to them" in accepted.justification
    # the one who asked, and the new lead, are told
    assert Notification.objects.get(user=officer_north.user, kind="cases.transfer_accepted")
    assert Notification.objects.get(user=investigator_south.user, kind="cases.transfer_lead")


def test_the_sending_force_keeps_reading_for_20_working_days_and_adds_nothing(
    case, victim, officer_north, supervisor_south, investigator_south, api_for, browser_for
):
    # given
    transfer = _asked(case, officer_north)
    accepted_at = timezone.now()
    api_for(supervisor_south).post(
        ACCEPT.format(transfer.id), {"lead_officer": "investigator.south"}, format="json"
    )
    # then: a read-only grant, ending by itself 20 working days on
    grant = CaseGrant.objects.get(case=case, agency=officer_north.agency)
    assert grant.source_kind == GrantSource.TRANSFER
    assert grant.source_id == transfer.pk
    assert grant.source_label == "Transferred to Southshire Police"
    assert not grant.party_scoped
    assert (add_working_days(accepted_at, 20) - grant.expires_at).total_seconds() < 60
    north_api = api_for(officer_north)
    assert north_api.get(f"/api/v1/cases/{case.id}/").status_code == 200
    assert north_api.get(f"/api/v1/cases/{case.id}/parties/").status_code == 200
    contact = north_api.post(
        f"/api/v1/cases/{case.id}/contacts/",
        {"party": str(victim.id), "channel": "phone", "summary": "Rang."},
        format="json",
    )
    assert contact.status_code == 403
    north_browser = browser_for(officer_north)
    assert north_browser.get(f"/cases/{case.id}/").status_code == 200
    assert north_browser.get(f"/cases/{case.id}/contacts/new/").status_code == 404
    form = {"party": str(victim.id), "channel": "phone", "summary": "Rang."}
    assert north_browser.post(f"/cases/{case.id}/contacts/new/", form).status_code == 404
    assert not case.contacts.exists()
    # when: its time runs out
    assert grants_expire(now=grant.expires_at) == 1
    # then
    assert north_api.get(f"/api/v1/cases/{case.id}/").status_code == 404
    grant.refresh_from_db()
    assert grant.revoke_reason == (
        "Ended by itself 20 working days after the case was transferred."
    )


def test_a_grant_the_receiving_force_held_ends_when_it_owns_the_case(
    case, south, officer_north, supervisor_south, investigator_south, api_for
):
    # given
    grant_case(case, south)
    transfer = _asked(case, officer_north)
    # when
    api_for(supervisor_south).post(
        ACCEPT.format(transfer.id), {"lead_officer": "investigator.south"}, format="json"
    )
    # then
    own = CaseGrant.objects.get(case=case, agency=south)
    assert own.revoked_at is not None
    assert own.revoke_reason == "The case was transferred to this agency: it owns the case now."


def test_accepting_twice_is_refused_naming_the_state(
    case, officer_north, supervisor_south, investigator_south, api_for
):
    # given
    transfer = _asked(case, officer_north)
    client = api_for(supervisor_south)
    client.post(ACCEPT.format(transfer.id), {"lead_officer": "investigator.south"}, format="json")
    case.refresh_from_db()
    version = case.version
    # when
    again = client.post(
        ACCEPT.format(transfer.id), {"lead_officer": "investigator.south"}, format="json"
    )
    # then
    assert again.status_code == 409
    assert again.json() == {"detail": "This transfer is already accepted.", "state": "accepted"}
    case.refresh_from_db()
    assert case.version == version
    assert CaseGrant.objects.filter(case=case).count() == 1


def test_the_lead_officer_must_be_a_police_caseworker_of_the_receiving_force(
    case, officer_north, supervisor_south, south, api_for
):
    # given
    transfer = _asked(case, officer_north)
    # when: a Northshire officer, and a name nobody has
    for lead in ("officer.north", "nobody"):
        response = api_for(supervisor_south).post(
            ACCEPT.format(transfer.id), {"lead_officer": lead}, format="json"
        )
        # then
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "lead_officer": [
                "Choose an active officer, investigator or supervisor of your force to lead "
                "the case."
            ]
        }
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert (transfer.state, case.owning_agency) == ("requested", officer_north.agency)


def test_only_the_receiving_forces_supervisor_decides(
    case, officer_north, supervisor_north, supervisor_south, investigator_south, api_for
):
    # given
    from agencies.models import Role
    from tests.factories import AgencyFactory, MembershipFactory

    transfer = _asked(case, officer_north)
    third = MembershipFactory(
        agency=AgencyFactory(slug="westshire-police"), role=Role.POLICE_SUPERVISOR
    )
    body = {"lead_officer": "investigator.south"}
    # then: the sender's supervisor sees it but may not decide; a third force does not
    # know it; the receiving investigator's role may not decide
    assert (
        api_for(supervisor_north).post(ACCEPT.format(transfer.id), body, format="json").status_code
        == 403
    )
    assert (
        api_for(supervisor_north)
        .post(DECLINE.format(transfer.id), {"reason": "No."}, format="json")
        .status_code
        == 403
    )
    assert api_for(third).post(ACCEPT.format(transfer.id), body, format="json").status_code == 404
    assert (
        api_for(investigator_south)
        .post(ACCEPT.format(transfer.id), body, format="json")
        .status_code
        == 404
    )
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REQUESTED


def test_declining_needs_a_reason_and_tells_the_sender(
    case, officer_north, supervisor_south, api_for
):
    # given
    transfer = _asked(case, officer_north)
    client = api_for(supervisor_south)
    # when
    refused = client.post(DECLINE.format(transfer.id), {"reason": ""}, format="json")
    declined = client.post(
        DECLINE.format(transfer.id), {"reason": "He is in prison in Northshire."}, format="json"
    )
    # then
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"reason": ["Give the reason your force declines the case."]}
    assert declined.status_code == 200
    assert (declined.json()["state"], declined.json()["decision_reason"]) == (
        "declined",
        "He is in prison in Northshire.",
    )
    case.refresh_from_db()
    assert case.owning_agency == officer_north.agency
    told = Notification.objects.get(user=officer_north.user)
    assert told.kind == "cases.transfer_declined"
    assert told.message == "Southshire Police declined the transfer of case NP-2026-000042."
    # and declining twice names the state
    again = client.post(DECLINE.format(transfer.id), {"reason": "Still no."}, format="json")
    assert again.status_code == 409
    assert again.json()["state"] == "declined"


def test_the_sender_withdraws_a_request_and_the_receiver_cannot(
    case, officer_north, supervisor_south, api_for
):
    # given
    transfer = _asked(case, officer_north)
    # when
    by_receiver = api_for(supervisor_south).post(
        WITHDRAW.format(transfer.id), {"reason": "No."}, format="json"
    )
    by_sender = api_for(officer_north).post(
        WITHDRAW.format(transfer.id), {"reason": "He moved back."}, format="json"
    )
    # then
    assert by_receiver.status_code == 403
    assert by_sender.status_code == 200
    assert by_sender.json()["state"] == "withdrawn"
    assert Notification.objects.filter(
        user=supervisor_south.user, kind="cases.transfer_withdrawn"
    ).exists()


def test_a_closed_case_is_not_transferred(case, south, officer_north, api_for):
    Case.objects.filter(pk=case.pk).update(
        status="closed", closing_reason="no_crime", closed_on=timezone.localdate()
    )
    response = api_for(officer_north).post(
        ASK.format(case.id), {"to_agency": "southshire-police", "reason": REASON}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["state"] == "closed"


# --- The lists


def test_the_receiving_supervisor_lists_incoming_transfers_paged_and_logged(
    north, officer_north, supervisor_south, south, api_for, django_assert_max_num_queries
):
    # given: three cases asked of Southshire
    from tests.factories import CaseFactory

    for _ in range(3):
        _asked(CaseFactory(owning_agency=north, lead_officer=officer_north.user), officer_north)
    client = api_for(supervisor_south)
    # when
    with django_assert_max_num_queries(12):
        first = client.get("/api/v1/transfers/", {"direction": "incoming", "page_size": 2})
    # then
    assert first.status_code == 200
    assert set(first.json()) == {"next", "previous", "results"}
    assert len(first.json()["results"]) == 2
    second = client.get(first.json()["next"])
    assert len(second.json()["results"]) == 1
    entry = AccessLogEntry.objects.filter(action="cases.case_transfer.listed").first()
    assert entry is not None
    assert entry.agency_slug == "southshire-police"
    # Northshire sees them as outgoing; nobody else sees them
    assert (
        len(
            api_for(officer_north)
            .get("/api/v1/transfers/", {"direction": "outgoing"})
            .json()["results"]
        )
        == 3
    )
    assert (
        api_for(officer_north)
        .get("/api/v1/transfers/", {"direction": "incoming"})
        .json()["results"]
        == []
    )


def test_another_force_lists_none_of_them(north, officer_north, case, south, api_for):
    from agencies.models import Role
    from tests.factories import AgencyFactory, MembershipFactory

    _asked(case, officer_north)
    west = MembershipFactory(
        agency=AgencyFactory(slug="westshire-police"), role=Role.POLICE_SUPERVISOR
    )
    assert api_for(west).get("/api/v1/transfers/").json()["results"] == []


# --- The pages


def test_the_request_page_offers_only_other_police_forces_and_names_a_refusal(
    case, south, mash, officer_north, browser_for
):
    # given
    browser = browser_for(officer_north)
    page = browser.get(f"/cases/{case.id}/transfer/").content.decode()
    assert 'value="southshire-police"' in page
    assert 'value="northshire-mash"' not in page
    assert 'value="northshire-police"' not in page
    # when: a hub is sent anyway
    refused = browser.post(
        f"/cases/{case.id}/transfer/", {"to_agency": "northshire-mash", "reason": REASON}
    )
    # then
    assert refused.status_code == 200
    assert "A case moves only between police forces" in refused.content.decode()
    assert not CaseTransfer.objects.exists()
    # when: Southshire
    asked = browser.post(
        f"/cases/{case.id}/transfer/", {"to_agency": "southshire-police", "reason": REASON}
    )
    # then
    transfer = CaseTransfer.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == f"/transfers/{transfer.pk}/"


def test_the_receiving_supervisor_declines_through_the_page(
    case, officer_north, supervisor_south, browser_for
):
    # given
    transfer = _asked(case, officer_north)
    browser = browser_for(supervisor_south)
    # when: no reason
    refused = browser.post(f"/transfers/{transfer.pk}/decline/", {"decline-reason": ""})
    # then
    assert refused.status_code == 400
    assert "Give the reason your force declines the case." in refused.content.decode()
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REQUESTED
    # when: a reason
    declined = browser.post(
        f"/transfers/{transfer.pk}/decline/", {"decline-reason": "He is in prison up north."}
    )
    # then
    assert declined.status_code == 302
    transfer.refresh_from_db()
    assert (transfer.state, transfer.decision_reason) == ("declined", "He is in prison up north.")
    # and the page names the state to whoever opens it again
    again = browser.post(
        f"/transfers/{transfer.pk}/accept/", {"lead_officer": str(supervisor_south.user_id)}
    )
    assert again.status_code == 302
    follow = browser.get(again["Location"]).content.decode()
    assert "This transfer is already declined." in follow
