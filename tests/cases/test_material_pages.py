"""The material summary page (/cases/{id}/material/) and the activist-group
evidence page (/cases/{id}/activist-evidence/)."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from agencies.models import AccessLogEntry, Role
from cases.models import ActivistEvidence, CaseSource, MaterialSummary
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    TOTPDeviceFactory,
    grant_case,
)

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
NOTICE = "Tideline never holds the material itself: record counts, references and hashes only."
STALE = "Someone else has changed this record since you read it"


def _member(agency, role, username):
    membership = MembershipFactory(agency=agency, role=role, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def investigator_north(north):
    return _member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north")


@pytest.fixture
def supervisor_south(south):
    return _member(south, Role.POLICE_SUPERVISOR, "supervisor.south")


@pytest.fixture
def coordinator_mash(db):
    return _member(
        AgencyFactory(slug="northshire-mash", mash=True), Role.MASH_COORDINATOR, "coordinator.mash"
    )


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north)


@pytest.fixture
def activist_case(north):
    return CaseFactory(owning_agency=north, source=CaseSource.ACTIVIST_GROUP)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _title(response) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", response.content.decode()).group(1))


def _material_page(case) -> str:
    return f"/cases/{case.id}/material/"


def _activist_page(case) -> str:
    return f"/cases/{case.id}/activist-evidence/"


def _material_form(**overrides) -> dict:
    return {
        "category_a_count": "3",
        "category_b_count": "0",
        "category_c_count": "12",
        "first_generation": "unknown",
        "caid_reference": " CAID-2026/00417 ",
        "ncmec_report_id": "184220391",
        "nca_package_reference": "",
        "hashes": f"sha256:{SHA256}\n\n{MD5.upper()}\n  {SHA1}  \n",
        "reason": "",
        "version": "0",
        **overrides,
    }


def _summary(case, actor) -> MaterialSummary:
    return MaterialSummary.objects.create(
        case=case,
        category_a_count=1,
        category_b_count=2,
        category_c_count=3,
        first_generation=False,
        hashes=[{"algorithm": "sha1", "value": SHA1}],
        updated_by=actor.user,
    )


def _material_stored(case) -> tuple | None:
    summary = MaterialSummary.objects.filter(case=case).first()
    if summary is None:
        return None
    return (summary.version, summary.category_a_count, summary.hashes, summary.history.count())


# --- The material summary page


def test_the_material_page_says_the_material_itself_is_never_held(
    investigator_north, case, browser_for
):
    # when
    response = browser_for(investigator_north).get(_material_page(case))
    # then
    assert response.status_code == 200
    page = _text(response)
    assert NOTICE in page
    assert _title(response) == f"Material summary: {case.reference} \N{EN DASH} Tideline"
    assert 'name="version" value="0"' in page
    assert 'name="category_a_count" value="0"' in page
    assert 'type="file"' not in page
    assert 'enctype="multipart/form-data"' not in page


def test_recording_a_summary_on_the_page(investigator_north, case, browser_for):
    # when
    response = browser_for(investigator_north).post(_material_page(case), _material_form())
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/events/#material"
    summary = MaterialSummary.objects.get(case=case)
    assert summary.version == 1
    assert (summary.category_a_count, summary.category_b_count, summary.category_c_count) == (
        3,
        0,
        12,
    )
    assert summary.first_generation is None
    assert summary.caid_reference == "CAID-2026/00417"
    assert summary.hashes == [
        {"algorithm": "sha256", "value": SHA256},
        {"algorithm": "md5", "value": MD5},
        {"algorithm": "sha1", "value": SHA1},
    ]
    assert summary.updated_by == investigator_north.user


def test_the_page_shows_the_summary_to_change(investigator_north, case, browser_for):
    # given
    summary = _summary(case, investigator_north)
    # when
    response = browser_for(investigator_north).get(_material_page(case))
    # then
    page = _text(response)
    assert f"sha1:{SHA1}" in page
    assert 'name="version" value="1"' in page
    assert re.search(r'value="no"\s+checked', page)
    assert list(
        AccessLogEntry.objects.filter(action="cases.material.viewed").values_list(
            "username", "object_id"
        )
    ) == [("investigator.north", str(summary.pk))]


def test_changing_a_summary_on_the_page(investigator_north, case, browser_for):
    # given
    _summary(case, investigator_north)
    # when
    response = browser_for(investigator_north).post(
        _material_page(case),
        _material_form(version="1", hashes="", first_generation="yes", reason="re-graded"),
    )
    # then
    assert response.status_code == 302
    summary = MaterialSummary.objects.get(case=case)
    assert (summary.version, summary.first_generation, summary.hashes) == (2, True, [])
    assert summary.history.latest("history_date").history_change_reason == "re-graded"


@pytest.mark.parametrize(
    ("hashes", "errors"),
    [
        (
            f"{MD5}\nsha256:{SHA256[:-1]}",
            ["Line 2: a SHA-256 hash is 64 hexadecimal characters; this has 63."],
        ),
        (
            f"{MD5}\n\n{SHA256[:50]}",
            [
                "Line 3: start the line with md5:, sha1: or sha256:, or give a hash of 32, "
                "40 or 64 hexadecimal characters; this has 50."
            ],
        ),
        (
            "data:image/png;base64,iVBORw0KGgo=",
            ["Line 1: the algorithm must be one of md5, sha1 or sha256."],
        ),
        (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
            ["Line 1: a hash is written in hexadecimal characters (0 to 9 and a to f) only."],
        ),
        (
            f"sha256:{SHA256}\n{MD5}\n{SHA256.upper()}",
            ["Line 3: the same as line 1."],
        ),
        (
            f"sha1:{MD5}\ncrc32:cbf43926",
            [
                "Line 1: a SHA-1 hash is 40 hexadecimal characters; this has 32.",
                "Line 2: the algorithm must be one of md5, sha1 or sha256.",
            ],
        ),
    ],
    ids=["wrong-length", "unknown-length", "data-uri", "base64", "duplicate", "two-errors"],
)
def test_bad_hash_lines_are_named_by_line_and_nothing_is_stored(
    investigator_north, case, browser_for, hashes, errors
):
    # when
    response = browser_for(investigator_north).post(
        _material_page(case), _material_form(hashes=hashes)
    )
    # then
    assert response.status_code == 200
    assert _title(response).startswith("Error: ")
    assert response.context["form"].errors["hashes"] == errors
    page = _text(response)
    for message in errors:
        assert message in page
    assert _material_stored(case) is None


def test_a_bad_count_or_missing_answer_is_named(investigator_north, case, browser_for):
    # when
    response = browser_for(investigator_north).post(
        _material_page(case),
        _material_form(category_a_count="-1", category_c_count="", first_generation=""),
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "category_a_count": ["Enter a whole number, 0 or more."],
        "category_c_count": ["Enter the number of category C images, or 0."],
        "first_generation": ["Say whether any of it is first generation, or not known."],
    }
    assert _material_stored(case) is None


def test_a_bad_reference_comes_back_from_the_service_on_its_field(
    investigator_north, case, browser_for
):
    # when
    response = browser_for(investigator_north).post(
        _material_page(case), _material_form(ncmec_report_id="https://example.test/r")
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "ncmec_report_id": ["Use only letters, digits, spaces, and - _ / or . in a reference."]
    }
    assert _material_stored(case) is None


def test_a_stale_form_says_someone_else_changed_it(investigator_north, case, browser_for):
    # given: the page was read before anything was recorded, then someone recorded it
    _summary(case, investigator_north)
    before = _material_stored(case)
    # when
    response = browser_for(investigator_north).post(
        _material_page(case), _material_form(version="0")
    )
    # then
    assert response.status_code == 200
    assert STALE in _text(response)
    assert _material_stored(case) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_generalist_officer_gets_no_material_page(officer_north, case, browser_for, method):
    # when
    response = getattr(browser_for(officer_north), method)(_material_page(case), _material_form())
    # then
    assert response.status_code == 404
    assert _material_stored(case) is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_force_gets_no_material_page(supervisor_south, south, case, browser_for, method):
    # given: even with the case granted to them
    grant_case(case, south)
    # when
    response = getattr(browser_for(supervisor_south), method)(
        _material_page(case), _material_form()
    )
    # then
    assert response.status_code == 404
    assert _material_stored(case) is None


# --- The activist-group evidence page


def _activist_form(**overrides) -> dict:
    return {
        "group_name": "Fictional Watch Group",
        "decoy_posed_as_child": "yes",
        "suspect_confronted": "yes",
        "confrontation_streamed_live": "no",
        "handed_over": "Screenshots of chats.",
        "handed_over_on": "1/3/2026",
        "handed_over_time": "19:45",
        "chain_of_custody": "Group lead to PC 1234, sealed bag TL-001.",
        "suspect_alerted_risk": "Medium: he was confronted at his door.",
        "reason": "",
        "version": "0",
        **overrides,
    }


def _activist_stored(case) -> tuple | None:
    evidence = ActivistEvidence.objects.filter(case=case).first()
    if evidence is None:
        return None
    return (evidence.version, evidence.group_name, evidence.history.count())


def test_recording_activist_evidence_on_the_page(officer_north, activist_case, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    form = client.get(_activist_page(activist_case))
    response = client.post(_activist_page(activist_case), _activist_form())
    # then
    assert form.status_code == 200
    assert 'id="id_decoy_posed_as_child"' in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{activist_case.id}/events/#activist-evidence"
    evidence = ActivistEvidence.objects.get(case=activist_case)
    # 1 March 2026 is in GMT: 19:45 in London is 19:45 UTC.
    assert evidence.handed_over_at == datetime(2026, 3, 1, 19, 45, tzinfo=UTC)
    assert (evidence.decoy_posed_as_child, evidence.suspect_confronted) == (True, True)
    assert evidence.confrontation_streamed_live is False
    assert evidence.updated_by == officer_north.user


def test_the_page_shows_recorded_evidence_in_london_time(officer_north, activist_case, browser_for):
    # given: 18:30 UTC in summer is 19:30 in London
    ActivistEvidence.objects.create(
        case=activist_case,
        group_name="Fictional Watch Group",
        decoy_posed_as_child=False,
        suspect_confronted=False,
        confrontation_streamed_live=False,
        handed_over="Chat logs.",
        handed_over_at=datetime(2025, 7, 1, 18, 30, tzinfo=UTC),
        chain_of_custody="Emailed.",
        suspect_alerted_risk="Low.",
        updated_by=officer_north.user,
    )
    # when
    response = browser_for(officer_north).get(_activist_page(activist_case))
    # then
    page = _text(response)
    assert 'value="01/07/2025"' in page
    assert 'value="19:30"' in page
    assert 'name="version" value="1"' in page


def test_the_activist_page_of_another_kind_of_case_has_no_form(officer_north, case, browser_for):
    # when
    read = browser_for(officer_north).get(_activist_page(case))
    posted = browser_for(officer_north).post(_activist_page(case), _activist_form())
    # then
    assert read.status_code == 200
    assert "This case did not come from an online activist group" in _text(read)
    assert '<form method="post" novalidate>' not in read.content.decode()
    assert posted.status_code == 409
    assert (
        "Activist-group evidence is recorded only for a case whose source is an online "
        "activist group." in _text(posted)
    )
    assert _activist_stored(case) is None


def test_missing_answers_are_named_on_the_page(officer_north, activist_case, browser_for):
    # when
    response = browser_for(officer_north).post(
        _activist_page(activist_case),
        {"version": "0", "handed_over_on": "31/2/2026"},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "group_name": ["Enter the name of the group."],
        "decoy_posed_as_child": ["Say whether a decoy posed as a child."],
        "suspect_confronted": ["Say whether the suspect was confronted."],
        "confrontation_streamed_live": ["Say whether the confrontation was streamed live."],
        "handed_over": ["Say what the group handed over."],
        "handed_over_on": ["Enter a real date, such as 27/03/2026."],
        "handed_over_time": ["Enter the time the evidence was handed over."],
        "chain_of_custody": ["Describe the chain of custody."],
        "suspect_alerted_risk": ["Describe the risk that the suspect was alerted."],
    }
    assert _activist_stored(activist_case) is None


def test_a_future_handover_is_refused_on_the_date(officer_north, activist_case, browser_for):
    # given
    tomorrow = timezone.localdate() + timedelta(days=1)
    # when
    response = browser_for(officer_north).post(
        _activist_page(activist_case),
        _activist_form(handed_over_on=tomorrow.strftime("%d/%m/%Y")),
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"handed_over_on": ["Must not be in the future."]}
    assert _activist_stored(activist_case) is None


def test_a_stale_activist_form_says_someone_else_changed_it(
    officer_north, activist_case, browser_for
):
    # given
    client = browser_for(officer_north)
    client.post(_activist_page(activist_case), _activist_form())
    client.post(_activist_page(activist_case), _activist_form(version="1", group_name="Renamed"))
    before = _activist_stored(activist_case)
    # when
    response = client.post(
        _activist_page(activist_case), _activist_form(version="1", group_name="Again")
    )
    # then
    assert response.status_code == 200
    assert STALE in _text(response)
    assert _activist_stored(activist_case) == before == (2, "Renamed", 2)


def test_a_granted_agency_cannot_change_activist_evidence_on_the_page(
    coordinator_mash, activist_case, browser_for
):
    # given
    grant_case(activist_case, coordinator_mash.agency)
    # when
    response = browser_for(coordinator_mash).post(_activist_page(activist_case), _activist_form())
    # then
    assert response.status_code == 404
    assert _activist_stored(activist_case) is None
