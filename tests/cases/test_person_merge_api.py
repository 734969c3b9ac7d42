"""Person merge through the API and the pages (issue 19): POST
/api/v1/persons/{id}/merge/, POST /api/v1/person-merges/{id}/undo/, GET
/api/v1/persons/{id}/duplicates/; the person page, the merge page and the merge's
record with its undo."""

from datetime import UTC, date, datetime

import pytest

from agencies.models import AccessLogEntry
from cases.models import CaseParty, Person, PersonMerge
from tests.factories import CaseFactory, PartyFactory, PersonFactory, grant_case

NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]

REASON = "The same victim, recorded twice."


@pytest.fixture
def jess(north, supervisor_north):
    person = PersonFactory(
        recorded_by_agency=north,
        first_name="Jess",
        last_name="Taylor",
        date_of_birth=date(2011, 5, 14),
        phone="07700 900123",
    )
    PartyFactory(case=CaseFactory(owning_agency=north), person=person, role="victim")
    return person


@pytest.fixture
def jessica(north):
    return PersonFactory(
        recorded_by_agency=north,
        first_name="Jessica",
        last_name="Taylor",
        date_of_birth=date(2011, 5, 14),
        phone="+44 7700 900123",
    )


def _merge_body(other, survivor, reason=REASON) -> dict:
    return {"other_person": str(other.pk), "survivor": str(survivor.pk), "reason": reason}


# --- The API


def test_a_supervisor_merges_through_the_api(api_for, supervisor_north, jess, jessica):
    # when
    answer = api_for(supervisor_north).post(
        f"/api/v1/persons/{jess.pk}/merge/",
        _merge_body(jessica, jessica),
        format="json",
        HTTP_IDEMPOTENCY_KEY="merge-1",
    )
    # then
    assert answer.status_code == 201, answer.json()
    merge = PersonMerge.objects.get()
    assert answer["Location"] == f"/api/v1/person-merges/{merge.pk}/"
    body = answer.json()
    assert body["survivor"] == {"id": str(jessica.pk), "full_name": "Jessica Taylor"}
    assert body["merged"] == {"id": str(jess.pk), "full_name": "Jess Taylor"}
    assert body["undoable"] is True
    assert body["undo_until"] == "2026-05-05T17:00:00+01:00"
    assert body["moves"] == [{"label": "part in a case", "moved": 1, "restored": 0, "gone": 0}]
    # the same request again replays, and merges nothing more
    again = api_for(supervisor_north).post(
        f"/api/v1/persons/{jess.pk}/merge/",
        _merge_body(jessica, jessica),
        format="json",
        HTTP_IDEMPOTENCY_KEY="merge-1",
    )
    assert again.status_code == 201
    assert PersonMerge.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (lambda jess, jessica: _merge_body(jessica, jessica, reason=""), "reason"),
        (lambda jess, jessica: _merge_body(jess, jess), "other_person"),
        (
            lambda jess, jessica: {
                **_merge_body(jessica, jessica),
                "survivor": str(jess.pk)[:-1] + "0",
            },
            "survivor",
        ),
    ],
)
def test_bad_input_answers_400_naming_the_field(
    api_for, supervisor_north, jess, jessica, body, field
):
    answer = api_for(supervisor_north).post(
        f"/api/v1/persons/{jess.pk}/merge/", body(jess, jessica), format="json"
    )
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == [field]
    assert PersonMerge.objects.count() == 0
    assert CaseParty.objects.filter(person=jessica).count() == 0


def test_a_granted_record_of_another_force_is_refused_naming_the_field(
    api_for, supervisor_north, south, jess
):
    # given: a victim of Southshire's case granted to Northshire: seen, not Northshire's
    case = CaseFactory(owning_agency=south)
    theirs = PartyFactory(case=case, role="victim").person
    grant_case(case, supervisor_north.agency)
    # when
    answer = api_for(supervisor_north).post(
        f"/api/v1/persons/{jess.pk}/merge/", _merge_body(theirs, jess), format="json"
    )
    # then
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["other_person"]
    assert PersonMerge.objects.count() == 0


def test_the_undo_through_the_api_and_the_409_of_a_second(api_for, supervisor_north, jess, jessica):
    client = api_for(supervisor_north)
    merged = client.post(
        f"/api/v1/persons/{jess.pk}/merge/", _merge_body(jessica, jessica), format="json"
    ).json()
    # when
    undone = client.post(
        f"/api/v1/person-merges/{merged['id']}/undo/", {"reason": "Two girls."}, format="json"
    )
    # then
    assert undone.status_code == 200
    assert undone.json()["undone_by"]["username"] == "supervisor.north"
    assert undone.json()["moves"] == [
        {"label": "part in a case", "moved": 1, "restored": 1, "gone": 0}
    ]
    assert CaseParty.objects.filter(person=jess).count() == 1
    again = client.post(
        f"/api/v1/person-merges/{merged['id']}/undo/", {"reason": "Again."}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["state"] == "undone"


def test_an_officer_may_not_merge_and_another_force_finds_no_merge(
    api_for, officer_north, supervisor_north, officer_south, jess, jessica
):
    answer = api_for(officer_north).post(
        f"/api/v1/persons/{jess.pk}/merge/", _merge_body(jessica, jessica), format="json"
    )
    assert answer.status_code in (403, 404)
    merged = (
        api_for(supervisor_north)
        .post(f"/api/v1/persons/{jess.pk}/merge/", _merge_body(jessica, jessica), format="json")
        .json()
    )
    assert api_for(officer_south).get(f"/api/v1/person-merges/{merged['id']}/").status_code == 404


# --- Duplicates


def test_duplicates_are_listed_with_the_score_and_why(api_for, officer_north, jess, jessica):
    # when
    answer = api_for(officer_north).get(f"/api/v1/persons/{jess.pk}/duplicates/")
    # then
    assert answer.status_code == 200
    [found] = answer.json()["results"]
    assert found["person"] == {"id": str(jessica.pk), "full_name": "Jessica Taylor"}
    assert found["reasons"] == ["same date of birth", "same phone", "name similarity 95%"]
    assert found["score"] == 100
    entry = AccessLogEntry.objects.filter(action="cases.person.viewed").last()
    assert f"person:{jessica.pk}" in entry.record_ids


# --- The pages


def test_the_person_page_shows_possible_duplicates_and_the_merge_link(
    browser_for, supervisor_north, jess, jessica
):
    page = browser_for(supervisor_north).get(f"/persons/{jess.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Possible duplicates" in text
    assert "Jessica Taylor" in text
    assert "Same date of birth; same phone; name similarity 95%" in text
    assert f"/persons/{jess.pk}/merge/?other={jessica.pk}" in text


def test_the_merge_page_merges_and_the_record_undoes(browser_for, supervisor_north, jess, jessica):
    client = browser_for(supervisor_north)
    form = client.get(f"/persons/{jess.pk}/merge/?other={jessica.pk}")
    assert form.status_code == 200
    assert "The two records side by side" in form.content.decode()
    # when: no reason
    refused = client.post(
        f"/persons/{jess.pk}/merge/", {"other": str(jessica.pk), "survivor": str(jessica.pk)}
    )
    assert refused.status_code == 200
    assert "Give the reason these records are the same person." in refused.content.decode()
    assert PersonMerge.objects.count() == 0
    # when: with one
    done = client.post(
        f"/persons/{jess.pk}/merge/",
        {"other": str(jessica.pk), "survivor": str(jessica.pk), "reason": REASON},
    )
    merge = PersonMerge.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/person-merges/{merge.pk}/"
    record = client.get(done["Location"]).content.decode()
    assert "Undo the merge" in record
    assert "merged: The same victim, recorded twice." in record
    # the merged record is gone from the person search of the party form
    assert Person.objects.get(pk=jess.pk).merged_into_id == jessica.pk
    undone = client.post(f"/person-merges/{merge.pk}/undo/", {"reason": "Two girls."})
    assert undone.status_code == 302
    record = client.get(f"/person-merges/{merge.pk}/").content.decode()
    assert "Undone" in record
    assert "undone: Two girls." in record
    assert "Undo the merge" not in record


def test_an_officer_finds_no_merge_page(browser_for, officer_north, jess, jessica):
    page = browser_for(officer_north).get(f"/persons/{jess.pk}/merge/?other={jessica.pk}")
    assert page.status_code == 404


# --- Where a person is searched for and recorded (the party form)


def test_the_person_search_warns_of_possible_duplicates(browser_for, officer_north, north, jessica):
    case = CaseFactory(owning_agency=north)
    page = browser_for(officer_north).get(
        f"/cases/{case.pk}/parties/new/", {"name": "Jess Taylor", "date_of_birth": "14/05/2011"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Possible duplicates" in text
    assert "Same date of birth; name similarity 95%" in text


def test_recording_a_person_like_another_warns_after(browser_for, officer_north, north, jessica):
    case = CaseFactory(owning_agency=north, lead_officer=officer_north.user)
    client = browser_for(officer_north)
    done = client.post(
        f"/cases/{case.pk}/parties/new/",
        {
            "first_name": "Jess",
            "last_name": "Taylor",
            "date_of_birth": "14/05/2011",
            "gender": "female",
            "safe_to_phone": "not_asked",
            "safe_to_write": "not_asked",
            "safe_to_visit": "not_asked",
            "language": "English",
            "interpreter_needed": "no",
            "role": "witness",
        },
        follow=True,
    )
    text = done.content.decode()
    assert (
        "Possible duplicates of Jess Taylor: Jessica Taylor (score 78: same date of birth" in text
    )
