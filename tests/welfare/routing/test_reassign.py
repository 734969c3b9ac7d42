"""Reassigning a duty (welfare.services.duty_reassign, its API and its page): with a
reason, to someone who may hold it, by the person responsible, their supervisors or
the case's lead; both told; every refusal changes nothing."""

import pytest

from common.errors import AccessDenied, NotFound, PreconditionFailed, ValidationError
from common.models import Notification
from tests.welfare.routing.conftest import at
from welfare.models import Duty, DutyKind, DutyTrigger
from welfare.services.duties import duty_open
from welfare.services.duty_reassign import duty_reassign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def duty(case, suspect, investigator_north):
    return duty_open(
        actor=None,
        case=case,
        party=suspect,
        kind=DutyKind.WELFARE_SCREENING,
        trigger=DutyTrigger.EVENT,
        reason="Arrested, 11 March 2026",
        due_at=at(2026, 3, 11, 14, 0),
        due_by_clock=True,
        source_key="test:reassign",
        responsible=investigator_north.user,
    )


def _unchanged(duty, holder) -> None:
    duty.refresh_from_db()
    assert duty.responsible == holder.user
    assert duty.version == 1
    assert duty.history.count() == 1
    assert Notification.objects.filter(kind="welfare.duty_reassigned").count() == 0


def test_the_holder_reassigns_with_a_reason_and_both_are_told(
    duty, investigator_north, officer_forensics
):
    # when the investigator gives the screening to officer.forensics
    moved = duty_reassign(
        actor=investigator_north.user,
        duty=duty,
        to=officer_forensics.user,
        reason="On leave from tomorrow",
        expected_version=1,
    )
    # then it is theirs, a version on, with the reason in its history
    assert moved.responsible == officer_forensics.user
    assert moved.version == 2
    assert moved.history.first().history_change_reason == "reassigned: On leave from tomorrow"
    # and both people are told
    told = dict(
        Notification.objects.filter(kind="welfare.duty_reassigned").values_list(
            "user__username", "message"
        )
    )
    what = "screen the suspect for suicide risk."
    assert told == {
        "officer.forensics": f"A duty was reassigned to you: {what}",
        "investigator.north": f"A duty of yours was reassigned: {what}",
    }


@pytest.mark.parametrize("who", ["supervisor_north", "officer_north"])
def test_a_supervisor_of_the_holder_or_the_lead_may_reassign(
    request, duty, who, supervisor_north, officer_north, officer_forensics
):
    actor = request.getfixturevalue(who).user
    moved = duty_reassign(
        actor=actor, duty=duty, to=officer_forensics.user, reason="Cover", expected_version=1
    )
    assert moved.responsible == officer_forensics.user


def test_a_colleague_who_sees_it_may_not(duty, investigator_north, officer_forensics):
    with pytest.raises(AccessDenied):
        duty_reassign(
            actor=officer_forensics.user,
            duty=duty,
            to=officer_forensics.user,
            reason="Mine now",
            expected_version=1,
        )
    _unchanged(duty, investigator_north)


def test_another_force_finds_nothing(duty, investigator_north, officer_south):
    with pytest.raises(NotFound):
        duty_reassign(
            actor=officer_south.user,
            duty=duty,
            to=officer_south.user,
            reason="Mine now",
            expected_version=1,
        )
    _unchanged(duty, investigator_north)


@pytest.mark.parametrize(
    "reason, to, field",
    [
        ("", "officer_forensics", "reason"),
        ("   ", "officer_forensics", "reason"),
        ("Cover", "admin_north", "responsible"),
        ("Cover", "officer_south", "responsible"),
        ("Cover", None, "responsible"),
        ("Cover", "investigator_north", "responsible"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_changes(
    request, duty, investigator_north, reason, to, field
):
    person = request.getfixturevalue(to).user if to else None
    with pytest.raises(ValidationError) as refused:
        duty_reassign(
            actor=investigator_north.user,
            duty=duty,
            to=person,
            reason=reason,
            expected_version=1,
        )
    assert list(refused.value.message_dict) == [field]
    _unchanged(duty, investigator_north)


def test_a_stale_version_is_refused(duty, investigator_north, officer_forensics):
    with pytest.raises(PreconditionFailed):
        duty_reassign(
            actor=investigator_north.user,
            duty=duty,
            to=officer_forensics.user,
            reason="Cover",
            expected_version=7,
        )
    _unchanged(duty, investigator_north)


# --- The API


def test_the_api_reassigns_against_if_match(api_for, duty, investigator_north, officer_forensics):
    client = api_for(investigator_north)
    url = f"/api/v1/duties/{duty.pk}/reassign/"
    body = {"responsible": "officer.forensics", "reason": "On leave"}
    # without If-Match: 428, nothing changed
    assert client.post(url, body, format="json").status_code == 428
    # stale: 412
    assert client.post(url, body, format="json", HTTP_IF_MATCH='"9"').status_code == 412
    # no reason: 400 naming it
    response = client.post(url, {**body, "reason": ""}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert (
        "reason" in response.json()["errors"]
        if "errors" in response.json()
        else "reason" in response.json()
    )
    _unchanged(duty, investigator_north)
    # with it: 200, the new holder and the new ETag
    response = client.post(url, body, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["responsible"]["username"] == "officer.forensics"


def test_the_api_names_responsible_for_someone_who_cannot_hold_it(
    api_for, duty, investigator_north, admin_north
):
    response = api_for(investigator_north).post(
        f"/api/v1/duties/{duty.pk}/reassign/",
        {"responsible": "admin.north", "reason": "Cover"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["responsible"]
    _unchanged(duty, investigator_north)


# --- The page


def test_the_page_reassigns_without_javascript(
    browser_for, duty, investigator_north, officer_forensics
):
    client = browser_for(investigator_north)
    url = f"/duties/{duty.pk}/reassign/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Who should hold this duty?" in page.content.decode()
    refused = client.post(url, {"version": 1, "responsible": "", "reason": ""})
    assert refused.status_code == 200
    assert "Say why the duty is reassigned." in refused.content.decode()
    _unchanged(duty, investigator_north)
    done = client.post(
        url + "?next=/team-duties/",
        {"version": 1, "responsible": officer_forensics.user.pk, "reason": "On leave"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/team-duties/"
    assert Duty.objects.get(pk=duty.pk).responsible == officer_forensics.user


def test_the_page_is_not_there_for_a_colleague_who_may_not(
    browser_for, duty, investigator_north, officer_forensics
):
    client = browser_for(officer_forensics)
    assert client.get(f"/duties/{duty.pk}/reassign/").status_code == 404
    response = client.post(
        f"/duties/{duty.pk}/reassign/",
        {"version": 1, "responsible": officer_forensics.user.pk, "reason": "Mine"},
    )
    assert response.status_code == 404
    _unchanged(duty, investigator_north)


def test_the_duty_links_to_its_reassign_page_where_it_is_listed(
    browser_for, case, suspect, investigator_north, officer_forensics
):
    # given a 48-hour check held by the investigator
    check = duty_open(
        actor=None,
        case=case,
        party=suspect,
        kind=DutyKind.WELFARE_CHECK,
        trigger=DutyTrigger.EVENT,
        reason="Released at risk of suicide",
        due_at=at(2026, 3, 12, 14, 0),
        due_by_clock=True,
        source_key="test:listed",
        responsible=investigator_north.user,
    )
    link = f"/duties/{check.pk}/reassign/"
    # the holder sees the link on the case page's suspect welfare panel
    page = browser_for(investigator_north).get(f"/cases/{case.pk}/welfare/").content.decode()
    assert link in page
    # a colleague who may not reassign it is not offered it
    page = browser_for(officer_forensics).get(f"/cases/{case.pk}/welfare/").content.decode()
    assert link not in page
