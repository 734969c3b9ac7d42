"""Flags: raised with a reason and a review date, cleared only with a reason, and
shown wherever the person appears to everyone who may see them there."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from agencies import access
from agencies.models import AccessLogEntry, Compartment, Role
from common.errors import NotFound, ValidationError
from safeguarding.models import Flag, FlagKind
from safeguarding.services.flags import flag_clear, flag_raise
from safeguarding.views.flags import flags_section
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
    grant_case,
)
from tests.safeguarding.pages import error_summary

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
REVIEW_ON = date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def childrens(db):
    return AgencyFactory(
        slug="northshire-childrens-services",
        name="Northshire Children's Services",
        childrens_services=True,
    )


@pytest.fixture
def social_worker(childrens):
    membership = MembershipFactory(
        agency=childrens, role=Role.SOCIAL_WORKER, user__username="social.worker"
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def case_a(north):
    return CaseFactory(owning_agency=north, reference="NP-2026-000001", title="Case A")


@pytest.fixture
def suspect_a(case_a):
    return PartyFactory(
        case=case_a, role="suspect", person__first_name="Sam", person__last_name="Fictional"
    )


def _raise_body(subject, **changes) -> dict:
    return {
        "party": str(subject.id),
        "kind": "suicide_self_harm",
        "reason": "Said after arrest that they had thought about ending their life.",
        "review_on": REVIEW_ON.isoformat(),
        **changes,
    }


def _flag(party, raised_by, *, kind=FlagKind.SUICIDE_SELF_HARM, **changes) -> Flag:
    return Flag.objects.create(
        **{
            "case": party.case,
            "party": party,
            "person": party.person,
            "kind": kind,
            "reason": "Said after arrest that they had thought about ending their life.",
            "raised_by": raised_by,
            "raised_at": NOW - timedelta(days=1),
            "review_on": REVIEW_ON,
            **changes,
        }
    )


# --- Raising


def test_an_officer_raises_a_flag(officer_north, case_a, suspect_a, api_for):
    # when
    response = api_for(officer_north).post(
        reverse("api:case-flags", args=[case_a.id]), _raise_body(suspect_a), format="json"
    )
    # then
    assert response.status_code == 201, response.json()
    flag = Flag.objects.get()
    assert response.json() == {
        "id": str(flag.id),
        "kind": "suicide_self_harm",
        "kind_label": "Suicide or self-harm risk",
        "person": {"id": str(suspect_a.person_id), "full_name": "Sam Fictional"},
        "party": {"id": str(suspect_a.id), "role": "suspect", "full_name": "Sam Fictional"},
        "raised_on_this_case": True,
        "raised_on_case": None,
        "raised_on_agency": None,
        "reason": "Said after arrest that they had thought about ending their life.",
        "raised_by": {
            "username": "officer.north",
            "full_name": officer_north.user.get_full_name(),
        },
        "raised_at": "2026-03-04T10:00:00Z",
        "review_on": "2026-04-01",
        "is_live": True,
        "cleared_at": None,
        "cleared_by": None,
        "clear_reason": "",
    }
    assert (flag.person_id, flag.party_id, flag.raised_by_id) == (
        suspect_a.person_id,
        suspect_a.id,
        officer_north.user_id,
    )
    assert AccessLogEntry.objects.filter(action="safeguarding.flag.raised").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
        ({"review_on": "2026-03-03"}, "review_on"),
        ({"review_on": ""}, "review_on"),
        ({"kind": "grumpy"}, "kind"),
        ({"party": "00000000-0000-0000-0000-000000000000"}, "party"),
    ],
    ids=["blank reason", "long reason", "review in the past", "no review", "kind", "party"],
)
def test_a_flag_needs_each_of_its_parts(officer_north, case_a, suspect_a, api_for, changes, field):
    # when
    response = api_for(officer_north).post(
        reverse("api:case-flags", args=[case_a.id]),
        _raise_body(suspect_a, **changes),
        format="json",
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert Flag.objects.count() == 0


def test_a_review_date_of_today_is_allowed(officer_north, case_a, suspect_a):
    flag = flag_raise(
        actor=officer_north.user,
        case=case_a,
        party=suspect_a,
        kind=FlagKind.WEAPONS,
        reason="Keeps a knife.",
        review_on=date(2026, 3, 4),
    )
    assert flag.review_on == date(2026, 3, 4)


def test_a_party_of_another_case_cannot_be_flagged_here(officer_north, case_a, north, api_for):
    # given
    elsewhere = PartyFactory(case=CaseFactory(owning_agency=north), role="suspect")
    # when
    response = api_for(officer_north).post(
        reverse("api:case-flags", args=[case_a.id]), _raise_body(elsewhere), format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"party": ["Choose a party to this case."]}
    assert Flag.objects.count() == 0


def test_the_service_refuses_a_party_of_another_case_too(officer_north, case_a, north):
    elsewhere = PartyFactory(case=CaseFactory(owning_agency=north), role="suspect")
    with pytest.raises(ValidationError) as refused:
        flag_raise(
            actor=officer_north.user,
            case=case_a,
            party=elsewhere,
            kind=FlagKind.WEAPONS,
            reason="Keeps a knife.",
            review_on=REVIEW_ON,
        )
    assert refused.value.message_dict == {"party": ["Choose a person in this case."]}
    assert Flag.objects.count() == 0


def test_a_person_has_one_live_flag_of_each_kind(
    officer_north, supervisor_north, case_a, suspect_a, north, api_for
):
    # given: the same person flagged on another case
    case_b = CaseFactory(owning_agency=north)
    part_b = PartyFactory(case=case_b, person=suspect_a.person, role="witness")
    _flag(part_b, supervisor_north.user)
    # when
    response = api_for(officer_north).post(
        reverse("api:case-flags", args=[case_a.id]), _raise_body(suspect_a), format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This person already has a live flag: Suicide or self-harm risk.",
        "state": "raised",
    }
    assert Flag.objects.count() == 1


def test_another_kind_and_a_cleared_flag_do_not_block_a_new_one(
    officer_north, case_a, suspect_a, api_for
):
    # given
    _flag(suspect_a, officer_north.user, kind=FlagKind.WEAPONS)
    _flag(suspect_a, officer_north.user, cleared_at=NOW, clear_reason="Reviewed.")
    # when
    response = api_for(officer_north).post(
        reverse("api:case-flags", args=[case_a.id]), _raise_body(suspect_a), format="json"
    )
    # then
    assert response.status_code == 201
    assert Flag.objects.filter(cleared_at__isnull=True).count() == 2


def test_another_force_cannot_raise_a_flag_on_our_case(officer_south, case_a, suspect_a, api_for):
    response = api_for(officer_south).post(
        reverse("api:case-flags", args=[case_a.id]), _raise_body(suspect_a), format="json"
    )
    assert response.status_code == 404
    assert Flag.objects.count() == 0


def test_a_charity_cannot_raise_or_read_flags(caseworker_harbour, case_a, suspect_a, api_for):
    # given
    grant_case(case_a, caseworker_harbour.agency)
    client = api_for(caseworker_harbour)
    # when
    listed = client.get(reverse("api:case-flags", args=[case_a.id]))
    raised = client.post(
        reverse("api:case-flags", args=[case_a.id]), _raise_body(suspect_a), format="json"
    )
    # then
    assert (listed.status_code, raised.status_code) == (404, 404)
    assert Flag.objects.count() == 0


# --- Who sees a flag


def test_a_flag_follows_the_person_to_another_case(
    officer_north, supervisor_north, case_a, suspect_a, north, api_for
):
    # given: the person raised on case A also appears, as a witness, in case B
    flag = _flag(suspect_a, supervisor_north.user)
    case_b = CaseFactory(owning_agency=north, reference="NP-2026-000002")
    witness_b = PartyFactory(case=case_b, person=suspect_a.person, role="witness")
    # when
    response = api_for(officer_north).get(reverse("api:case-flags", args=[case_b.id]))
    # then
    assert response.status_code == 200
    (shown,) = response.json()["results"]
    assert shown["id"] == str(flag.id)
    assert shown["party"] == {
        "id": str(witness_b.id),
        "role": "witness",
        "full_name": "Sam Fictional",
    }
    assert (
        shown["raised_on_this_case"],
        shown["raised_on_case"],
        shown["raised_on_agency"],
    ) == (False, "NP-2026-000001", "Northshire Police")


def test_a_flag_from_a_case_i_cannot_see_shows_without_its_reference(
    officer_north, case_a, suspect_a, api_for, south
):
    # given: southshire flagged the person on a case of theirs
    case_south = CaseFactory(owning_agency=south, reference="SP-2026-000009")
    part_south = PartyFactory(case=case_south, person=suspect_a.person, role="suspect")
    south_officer = MembershipFactory(agency=south).user
    _flag(part_south, south_officer)
    # when
    response = api_for(officer_north).get(reverse("api:case-flags", args=[case_a.id]))
    # then
    (shown,) = response.json()["results"]
    assert (
        shown["raised_on_this_case"],
        shown["raised_on_case"],
        shown["raised_on_agency"],
    ) == (False, None, "Southshire Police")
    assert "SP-2026-000009" not in response.content.decode()


def test_a_granted_agency_sees_and_raises_flags(
    social_worker, officer_north, case_a, suspect_a, api_for
):
    # given
    _flag(suspect_a, officer_north.user, kind=FlagKind.WEAPONS)
    victim = PartyFactory(case=case_a, role="victim")
    grant_case(case_a, social_worker.agency)
    client = api_for(social_worker)
    # when
    listed = client.get(reverse("api:case-flags", args=[case_a.id]))
    raised = client.post(
        reverse("api:case-flags", args=[case_a.id]),
        _raise_body(victim, kind="child_at_risk", reason="Contact with the suspect continues."),
        format="json",
    )
    # then
    assert listed.status_code == 200
    assert [f["kind"] for f in listed.json()["results"]] == ["weapons"]
    assert raised.status_code == 201
    assert raised.json()["raised_by"]["username"] == "social.worker"
    # and the owner sees the granted agency's flag
    owner_view = api_for(officer_north).get(reverse("api:case-flags", args=[case_a.id]))
    assert sorted(f["kind"] for f in owner_view.json()["results"]) == [
        "child_at_risk",
        "weapons",
    ]


def _without(role: Role, compartment: Compartment):
    return access.ROLE_CLEARANCES[role] - {compartment}


def test_a_flag_is_hidden_from_someone_not_cleared_for_the_persons_part(
    officer_north, supervisor_north, case_a, suspect_a, api_for, monkeypatch
):
    # given: generalist officers are (for this test) not cleared for suspects
    _flag(suspect_a, supervisor_north.user)
    monkeypatch.setitem(
        access.ROLE_CLEARANCES,
        Role.GENERALIST_OFFICER,
        _without(Role.GENERALIST_OFFICER, Compartment.SUSPECT),
    )
    # when
    response = api_for(officer_north).get(reverse("api:case-flags", args=[case_a.id]))
    # then
    assert response.status_code == 200
    assert response.json()["results"] == []
    # but the supervisor, who is cleared, sees it
    cleared = api_for(supervisor_north).get(reverse("api:case-flags", args=[case_a.id]))
    assert len(cleared.json()["results"]) == 1


def test_someone_not_cleared_for_a_part_cannot_flag_or_clear_it(
    officer_north, supervisor_north, case_a, suspect_a, api_for, monkeypatch
):
    # given
    flag = _flag(suspect_a, supervisor_north.user)
    monkeypatch.setitem(
        access.ROLE_CLEARANCES,
        Role.GENERALIST_OFFICER,
        _without(Role.GENERALIST_OFFICER, Compartment.SUSPECT),
    )
    client = api_for(officer_north)
    # when
    raised = client.post(
        reverse("api:case-flags", args=[case_a.id]),
        _raise_body(suspect_a, kind="weapons"),
        format="json",
    )
    cleared = client.post(
        reverse("api:case-flag-clear", args=[case_a.id, flag.id]),
        {"reason": "Not a risk."},
        format="json",
    )
    # then
    assert raised.status_code == 400
    assert cleared.status_code == 404
    flag.refresh_from_db()
    assert flag.is_live
    assert Flag.objects.count() == 1
    # and the service says the same without the API
    with pytest.raises(NotFound):
        flag_clear(actor=officer_north.user, flag=flag, reason="Not a risk.")


def test_live_filter(officer_north, case_a, suspect_a, api_for):
    # given
    live = _flag(suspect_a, officer_north.user, kind=FlagKind.WEAPONS)
    cleared = _flag(suspect_a, officer_north.user, cleared_at=NOW, clear_reason="Reviewed.")
    client = api_for(officer_north)
    url = reverse("api:case-flags", args=[case_a.id])
    # then
    assert [f["id"] for f in client.get(url + "?live=true").json()["results"]] == [str(live.id)]
    assert [f["id"] for f in client.get(url + "?live=false").json()["results"]] == [str(cleared.id)]
    assert len(client.get(url).json()["results"]) == 2
    assert client.get(url + "?live=maybe").status_code == 400


def test_the_list_takes_the_same_queries_however_many_flags(
    officer_north, case_a, suspect_a, north, south, api_for, django_assert_max_num_queries
):
    # given: flags raised here, on another force's case, and on another of ours
    client = api_for(officer_north)
    url = reverse("api:case-flags", args=[case_a.id])
    _flag(suspect_a, officer_north.user)
    client.get(url)
    with django_assert_max_num_queries(100) as one_flag:
        client.get(url)
    for kind in (FlagKind.WEAPONS, FlagKind.RISK_TO_STAFF, FlagKind.DOMESTIC_ABUSE):
        other_case = CaseFactory(owning_agency=south if kind == FlagKind.WEAPONS else north)
        part = PartyFactory(case=other_case, person=suspect_a.person, role="suspect")
        _flag(part, officer_north.user, kind=kind)
    PartyFactory(case=case_a, role="victim")
    # when
    with django_assert_max_num_queries(len(one_flag) + 1) as four_flags:
        response = client.get(url)
    # then: only the look-up of which other cases are visible is added
    assert len(response.json()["results"]) == 4
    assert len(four_flags) == len(one_flag) + 1


# --- Clearing


def test_clearing_a_flag_needs_a_reason(officer_north, case_a, suspect_a, api_for):
    # given
    flag = _flag(suspect_a, officer_north.user)
    # when
    response = api_for(officer_north).post(
        reverse("api:case-flag-clear", args=[case_a.id, flag.id]), {"reason": " "}, format="json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    flag.refresh_from_db()
    assert (flag.cleared_at, flag.cleared_by, flag.clear_reason) == (None, None, "")


def test_clearing_a_flag_keeps_it_on_the_record(
    officer_north, supervisor_north, case_a, suspect_a, api_for
):
    # given
    flag = _flag(suspect_a, officer_north.user)
    # when
    response = api_for(supervisor_north).post(
        reverse("api:case-flag-clear", args=[case_a.id, flag.id]),
        {"reason": "Reviewed with the mental health team: no current risk."},
        format="json",
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["is_live"], body["cleared_at"], body["cleared_by"]["username"]) == (
        False,
        "2026-03-04T10:00:00Z",
        "supervisor.north",
    )
    assert body["clear_reason"] == "Reviewed with the mental health team: no current risk."
    flag.refresh_from_db()
    assert flag.cleared_by_id == supervisor_north.user_id
    assert AccessLogEntry.objects.filter(action="safeguarding.flag.cleared").count() == 1


def test_clearing_twice_is_refused(officer_north, case_a, suspect_a, api_for):
    # given
    flag = _flag(
        suspect_a, officer_north.user, cleared_at=NOW - timedelta(hours=1), clear_reason="Done."
    )
    # when
    response = api_for(officer_north).post(
        reverse("api:case-flag-clear", args=[case_a.id, flag.id]),
        {"reason": "Again."},
        format="json",
    )
    # then
    assert response.status_code == 409
    assert response.json() == {"detail": "This flag is already cleared.", "state": "cleared"}
    flag.refresh_from_db()
    assert (flag.cleared_at, flag.clear_reason) == (NOW - timedelta(hours=1), "Done.")


def test_a_flag_is_cleared_on_the_case_it_was_raised_on(
    officer_north, case_a, suspect_a, north, api_for
):
    # given: shown on case B, raised on case A
    flag = _flag(suspect_a, officer_north.user)
    case_b = CaseFactory(owning_agency=north)
    PartyFactory(case=case_b, person=suspect_a.person, role="witness")
    # when
    response = api_for(officer_north).post(
        reverse("api:case-flag-clear", args=[case_b.id, flag.id]),
        {"reason": "Reviewed."},
        format="json",
    )
    # then
    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.is_live


def test_another_force_cannot_clear_our_flag(
    officer_south, officer_north, case_a, suspect_a, api_for
):
    flag = _flag(suspect_a, officer_north.user)
    response = api_for(officer_south).post(
        reverse("api:case-flag-clear", args=[case_a.id, flag.id]),
        {"reason": "Reviewed."},
        format="json",
    )
    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.is_live


# --- Pages


def test_the_raise_page_raises_a_flag(officer_north, case_a, suspect_a, browser_for):
    # given
    client = browser_for(officer_north)
    url = reverse("case-flag-create", args=[case_a.id])
    # when
    page = client.get(url)
    response = client.post(
        url,
        {
            "party": str(suspect_a.id),
            "kind": "risk_to_staff",
            "reason": "Threatened a visiting officer.",
            "review_on": "1/4/2026",
        },
    )
    # then
    assert page.status_code == 200
    assert "Sam Fictional (suspect)" in page.content.decode()
    assert "Risk to staff" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case_a.id}/risk/#flags"
    flag = Flag.objects.get()
    assert (flag.kind, flag.review_on, flag.reason) == (
        "risk_to_staff",
        date(2026, 4, 1),
        "Threatened a visiting officer.",
    )


def test_the_raise_page_shows_the_services_errors(officer_north, case_a, suspect_a, browser_for):
    # given
    _flag(suspect_a, officer_north.user, kind=FlagKind.WEAPONS)
    # when
    response = browser_for(officer_north).post(
        reverse("case-flag-create", args=[case_a.id]),
        {
            "party": str(suspect_a.id),
            "kind": "weapons",
            "reason": "Keeps a knife.",
            "review_on": "1/4/2026",
        },
    )
    # then
    assert response.status_code == 200
    assert "This person already has a live flag: Weapons." in response.content.decode()
    assert Flag.objects.count() == 1


def test_the_clear_page_clears_with_a_reason(officer_north, case_a, suspect_a, browser_for):
    # given
    flag = _flag(suspect_a, officer_north.user)
    client = browser_for(officer_north)
    url = reverse("case-flag-clear", args=[case_a.id, flag.id])
    # when
    blank = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Reviewed: no current risk."})
    # then
    assert blank.status_code == 200
    assert "govuk-error-summary" in blank.content.decode()
    assert done.status_code == 302
    flag.refresh_from_db()
    assert flag.clear_reason == "Reviewed: no current risk."


def test_the_case_page_include_warns_of_each_live_flag(
    officer_north, supervisor_north, case_a, suspect_a, north
):
    # given: one raised here, one raised on another case, one cleared
    _flag(suspect_a, officer_north.user, kind=FlagKind.WEAPONS, reason="Keeps a knife.")
    case_b = CaseFactory(owning_agency=north, reference="NP-2026-000002")
    part_b = PartyFactory(case=case_b, person=suspect_a.person, role="witness")
    _flag(part_b, supervisor_north.user)
    _flag(
        suspect_a,
        officer_north.user,
        kind=FlagKind.RISK_TO_STAFF,
        cleared_at=NOW,
        clear_reason="Reviewed.",
    )
    # when
    html = render_to_string(
        "safeguarding/includes/flags.html",
        {"case": case_a, **flags_section(officer_north.user, case_a)},
    )
    # then
    assert html.count('class="govuk-warning-text"') == 2
    assert "Weapons: Sam Fictional (suspect)" in html
    assert "Keeps a knife." in html
    assert "Review by 1 Apr 2026." in html
    assert "on case NP-2026-000002 of Northshire Police" in html
    assert "Risk to staff" not in html
    # only the flag raised on this case can be cleared from here
    assert html.count("/clear/") == 1


def test_a_retried_raise_records_once(officer_north, case_a, suspect_a, api_for):
    client = api_for(officer_north)
    url = reverse("api:case-flags", args=[case_a.id])
    first = client.post(url, _raise_body(suspect_a), format="json", HTTP_IDEMPOTENCY_KEY="f-1")
    retry = client.post(url, _raise_body(suspect_a), format="json", HTTP_IDEMPOTENCY_KEY="f-1")
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert Flag.objects.count() == 1


def test_an_empty_raise_names_each_missing_answer(officer_north, case_a, suspect_a, browser_for):
    # when
    response = browser_for(officer_north).post(reverse("case-flag-create", args=[case_a.id]), {})
    # then
    assert response.status_code == 200
    assert error_summary(response) == [
        ("id_party", "Select who the flag is about."),
        ("id_kind", "Select the kind of flag."),
        ("id_reason", "Give the reason for the flag."),
        ("id_review_on", "Enter the date to review the flag by."),
    ]
    assert not Flag.objects.exists()


def test_an_empty_clear_asks_for_the_reason(officer_north, case_a, suspect_a, browser_for):
    # given
    flag = _flag(suspect_a, officer_north.user)
    # when
    response = browser_for(officer_north).post(
        reverse("case-flag-clear", args=[case_a.id, flag.id]), {}
    )
    # then
    assert response.status_code == 200
    assert error_summary(response) == [("id_reason", "Give the reason for clearing the flag.")]
    flag.refresh_from_db()
    assert flag.is_live
