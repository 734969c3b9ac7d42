"""The material summary: metadata only, in the material compartment, police
specialists and supervisors only. GET/PUT /api/v1/cases/{id}/material/."""

import pytest

from agencies.models import AccessLogEntry, Role
from cases.models import MaterialSummary
from cases.services.material import material_summary_put
from common.errors import (
    AccessDenied,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationError,
)
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


def _member(agency, role, username):
    membership = MembershipFactory(agency=agency, role=role, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def investigator_north(north):
    return _member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north")


@pytest.fixture
def investigator_south(south):
    return _member(south, Role.SPECIALIST_INVESTIGATOR, "investigator.south")


@pytest.fixture
def supervisor_south(south):
    return _member(south, Role.POLICE_SUPERVISOR, "supervisor.south")


@pytest.fixture
def coordinator_mash(db):
    return _member(AgencyFactory(slug="northshire-mash", mash=True), Role.MASH_COORDINATOR, "mash")


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north)


def _url(case) -> str:
    return f"/api/v1/cases/{case.id}/material/"


def _body(**overrides) -> dict:
    return {
        "category_a_count": 3,
        "category_b_count": 12,
        "category_c_count": 140,
        "first_generation": True,
        "caid_reference": "CAID-2026/00417",
        "ncmec_report_id": "184220391",
        "nca_package_reference": "NCA-PKG-88213",
        "hashes": [
            {"algorithm": "sha256", "value": SHA256},
            {"algorithm": "md5", "value": MD5},
        ],
        **overrides,
    }


def _summary(case, actor, **overrides) -> MaterialSummary:
    values = {
        "category_a_count": 1,
        "category_b_count": 2,
        "category_c_count": 3,
        "first_generation": None,
        "caid_reference": "CAID-1",
        "hashes": [{"algorithm": "sha1", "value": SHA1}],
        **overrides,
    }
    summary = MaterialSummary(case=case, updated_by=actor.user, **values)
    summary.save()
    return summary


def _stored(case) -> dict | None:
    summary = MaterialSummary.objects.filter(case=case).first()
    if summary is None:
        return None
    return {
        "version": summary.version,
        "counts": (summary.category_a_count, summary.category_b_count, summary.category_c_count),
        "first_generation": summary.first_generation,
        "caid_reference": summary.caid_reference,
        "hashes": summary.hashes,
        "history": summary.history.count(),
    }


def _hash_errors(response) -> list[str]:
    assert response.status_code == 400, response.content
    return response.json()["errors"]["hashes"]


# --- Recording and changing


def test_investigator_records_the_first_summary_without_if_match(investigator_north, case, api_for):
    # given
    client = api_for(investigator_north)
    # when
    response = client.put(_url(case), _body(), format="json")
    # then
    assert response.status_code == 201
    summary = MaterialSummary.objects.get(case=case)
    assert response["ETag"] == '"1"'
    assert response["Location"] == _url(case)
    assert response.json() == {
        "id": str(summary.id),
        "category_a_count": 3,
        "category_b_count": 12,
        "category_c_count": 140,
        "total_count": 155,
        "first_generation": True,
        "caid_reference": "CAID-2026/00417",
        "ncmec_report_id": "184220391",
        "nca_package_reference": "NCA-PKG-88213",
        "hashes": [
            {"algorithm": "sha256", "value": SHA256},
            {"algorithm": "md5", "value": MD5},
        ],
        "version": 1,
        "updated_by": {
            "username": "investigator.north",
            "full_name": summary.updated_by.get_full_name(),
        },
        "updated_at": response.json()["updated_at"],
    }
    assert summary.updated_by == investigator_north.user


def test_a_change_needs_if_match_and_replaces_the_summary(investigator_north, case, api_for):
    # given
    client = api_for(investigator_north)
    client.put(_url(case), _body(), format="json")
    # when
    response = client.put(
        _url(case),
        _body(category_c_count=141, first_generation=None, hashes=[], reason="re-graded"),
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert "Location" not in response
    assert response.json()["total_count"] == 156
    assert _stored(case) == {
        "version": 2,
        "counts": (3, 12, 141),
        "first_generation": None,
        "caid_reference": "CAID-2026/00417",
        "hashes": [],
        "history": 2,
    }


def test_a_change_without_if_match_is_refused_with_428(investigator_north, case, api_for):
    # given
    _summary(case, investigator_north)
    before = _stored(case)
    # when
    response = api_for(investigator_north).put(_url(case), _body(), format="json")
    # then
    assert response.status_code == 428
    assert _stored(case) == before


def test_a_stale_change_is_refused_with_412(investigator_north, supervisor_north, case, api_for):
    # given
    api_for(supervisor_north).put(_url(case), _body(), format="json")
    api_for(supervisor_north).put(
        _url(case), _body(category_a_count=4), format="json", HTTP_IF_MATCH='"1"'
    )
    before = _stored(case)
    # when
    response = api_for(investigator_north).put(
        _url(case), _body(category_a_count=9), format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    assert _stored(case) == before


def test_if_match_for_a_summary_that_does_not_exist_yet_is_stale(investigator_north, case, api_for):
    # when
    response = api_for(investigator_north).put(
        _url(case), _body(), format="json", HTTP_IF_MATCH='"3"'
    )
    # then
    assert response.status_code == 412
    assert response.json()["current_version"] == 0
    assert _stored(case) is None


def test_investigator_reads_the_summary_with_its_etag(investigator_north, case, api_for):
    # given
    summary = _summary(case, investigator_north)
    # when
    response = api_for(investigator_north).get(_url(case))
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["id"] == str(summary.id)
    assert body["total_count"] == 6
    assert body["hashes"] == [{"algorithm": "sha1", "value": SHA1}]
    assert sorted(body) == [
        "caid_reference",
        "category_a_count",
        "category_b_count",
        "category_c_count",
        "first_generation",
        "hashes",
        "id",
        "nca_package_reference",
        "ncmec_report_id",
        "total_count",
        "updated_at",
        "updated_by",
        "version",
    ]


def test_reading_a_summary_not_yet_recorded_answers_404(investigator_north, case, api_for):
    # when
    response = api_for(investigator_north).get(_url(case))
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


# --- Hashes


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"algorithm": "sha256", "value": SHA256[:-1]},
            "Hash 2: a SHA-256 hash is 64 hexadecimal characters; this has 63.",
        ),
        (
            {"algorithm": "sha1", "value": SHA1 + "0"},
            "Hash 2: a SHA-1 hash is 40 hexadecimal characters; this has 41.",
        ),
        (
            {"algorithm": "md5", "value": SHA1},
            "Hash 2: an MD5 hash is 32 hexadecimal characters; this has 40.",
        ),
        (
            {"algorithm": "sha256", "value": "g" * 64},
            "Hash 2: a hash is written in hexadecimal characters (0 to 9 and a to f) only.",
        ),
        (
            {"algorithm": "sha256", "value": "https://example.test/" + "a" * 43},
            "Hash 2: a hash is written in hexadecimal characters (0 to 9 and a to f) only.",
        ),
        (
            {
                "algorithm": "sha256",
                "value": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4",
            },
            "Hash 2: a hash is written in hexadecimal characters (0 to 9 and a to f) only.",
        ),
        (
            {"algorithm": "crc32", "value": "cbf43926"},
            "Hash 2: the algorithm must be one of md5, sha1 or sha256.",
        ),
        ({"algorithm": "md5", "value": ""}, "Hash 2: enter the hash value."),
        ({"algorithm": "md5", "value": 12}, "Hash 2: give the hash as text."),
        (
            {"value": MD5},
            'Hash 2: give an "algorithm" and a "value", and nothing else.',
        ),
        (
            {"algorithm": "md5", "value": MD5, "file": "aGVsbG8="},
            'Hash 2: give an "algorithm" and a "value", and nothing else.',
        ),
        (MD5, 'Hash 2: give an "algorithm" and a "value", and nothing else.'),
    ],
    ids=[
        "sha256-short",
        "sha1-long",
        "md5-wrong-length",
        "not-hex",
        "url",
        "base64",
        "unknown-algorithm",
        "empty",
        "not-text",
        "no-algorithm",
        "extra-key",
        "not-an-object",
    ],
)
def test_a_hash_of_the_wrong_shape_is_named_by_its_position(
    investigator_north, case, api_for, entry, message
):
    # given
    hashes = [{"algorithm": "md5", "value": MD5}, entry]
    # when
    response = api_for(investigator_north).put(_url(case), _body(hashes=hashes), format="json")
    # then
    assert _hash_errors(response) == [message]
    assert _stored(case) is None


def test_every_bad_hash_is_named(investigator_north, case, api_for):
    # given
    hashes = [
        {"algorithm": "sha256", "value": SHA256[:-1]},
        {"algorithm": "md5", "value": MD5},
        {"algorithm": "sha1", "value": "xyz"},
    ]
    # when
    response = api_for(investigator_north).put(_url(case), _body(hashes=hashes), format="json")
    # then
    assert _hash_errors(response) == [
        "Hash 1: a SHA-256 hash is 64 hexadecimal characters; this has 63.",
        "Hash 3: a hash is written in hexadecimal characters (0 to 9 and a to f) only.",
    ]


def test_hashes_are_stored_in_lowercase_without_whitespace(investigator_north, case, api_for):
    # given
    spaced = " " + SHA256[:32].upper() + " " + SHA256[32:].upper() + "\n"
    hashes = [{"algorithm": "SHA-256", "value": spaced}, {"algorithm": "MD5", "value": MD5.upper()}]
    # when
    response = api_for(investigator_north).put(_url(case), _body(hashes=hashes), format="json")
    # then
    assert response.status_code == 201
    assert MaterialSummary.objects.get(case=case).hashes == [
        {"algorithm": "sha256", "value": SHA256},
        {"algorithm": "md5", "value": MD5},
    ]


def test_a_duplicate_hash_is_refused(investigator_north, case, api_for):
    # given
    hashes = [
        {"algorithm": "sha256", "value": SHA256},
        {"algorithm": "md5", "value": MD5},
        {"algorithm": "sha256", "value": SHA256.upper()},
    ]
    # when
    response = api_for(investigator_north).put(_url(case), _body(hashes=hashes), format="json")
    # then
    assert _hash_errors(response) == ["Hash 3: the same as hash 1."]
    assert _stored(case) is None


def test_hashes_must_be_a_list(investigator_north, case, api_for):
    # when
    response = api_for(investigator_north).put(
        _url(case), _body(hashes="sha256:" + SHA256), format="json"
    )
    # then
    assert _hash_errors(response) == ["Give a list of hashes."]
    assert _stored(case) is None


def test_too_many_hashes_are_refused(investigator_north, case):
    # given
    hashes = [{"algorithm": "md5", "value": f"{n:032x}"} for n in range(1001)]
    # when
    with pytest.raises(ValidationError) as refused:
        material_summary_put(
            actor=investigator_north.user,
            case=case,
            expected_version=None,
            category_a_count=0,
            category_b_count=0,
            category_c_count=0,
            first_generation=None,
            hashes=hashes,
        )
    # then
    assert refused.value.message_dict == {
        "hashes": [
            "Record at most 1,000 hashes here; this has 1,001. "
            "Keep the full list in the case file and give its reference."
        ]
    }
    assert _stored(case) is None


# --- Counts and references


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("category_a_count", -1, "Enter a whole number, 0 or more."),
        ("category_b_count", "many", "Enter a whole number, 0 or more."),
        ("category_c_count", 10_000_001, "Must be at most 10,000,000: check the number."),
    ],
)
def test_a_bad_count_is_refused(investigator_north, case, api_for, field, value, message):
    # when
    response = api_for(investigator_north).put(_url(case), _body(**{field: value}), format="json")
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert _stored(case) is None


def test_the_service_refuses_a_negative_count_from_any_caller(investigator_north, case):
    # when
    with pytest.raises(ValidationError) as refused:
        material_summary_put(
            actor=investigator_north.user,
            case=case,
            expected_version=None,
            category_a_count=-5,
            category_b_count=True,
            category_c_count=0,
            first_generation="maybe",
        )
    # then
    assert refused.value.message_dict == {
        "category_a_count": ["Enter a whole number, 0 or more."],
        "category_b_count": ["Enter a whole number, 0 or more."],
        "first_generation": ["Answer yes, no, or not known."],
    }
    assert _stored(case) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "caid_reference",
            "CAID<script>",
            "Use only letters, digits, spaces, and - _ / or . in a reference.",
        ),
        (
            "ncmec_report_id",
            "https://report.example/1",
            "Use only letters, digits, spaces, and - _ / or . in a reference.",
        ),
        ("nca_package_reference", "N" * 101, "Ensure this field has no more than 100 characters."),
    ],
)
def test_a_bad_reference_is_refused(investigator_north, case, api_for, field, value, message):
    # when
    response = api_for(investigator_north).put(_url(case), _body(**{field: value}), format="json")
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert _stored(case) is None


def test_references_are_trimmed(investigator_north, case, api_for):
    # when
    response = api_for(investigator_north).put(
        _url(case), _body(caid_reference="  CAID 17 / b.2_x-1  "), format="json"
    )
    # then
    assert response.status_code == 201
    assert MaterialSummary.objects.get(case=case).caid_reference == "CAID 17 / b.2_x-1"


# --- Who may see it


@pytest.mark.parametrize("method", ["get", "put"])
def test_a_generalist_officer_does_not_know_the_material_exists(
    officer_north, investigator_north, case, api_for, method
):
    # given
    _summary(case, investigator_north)
    before = _stored(case)
    client = api_for(officer_north)
    # when
    response = getattr(client, method)(_url(case), _body(), format="json", HTTP_IF_MATCH='"1"')
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert _stored(case) == before


def test_a_generalist_officer_cannot_record_a_first_summary(officer_north, case, api_for):
    # when
    response = api_for(officer_north).put(_url(case), _body(), format="json")
    # then
    assert response.status_code == 404
    assert _stored(case) is None


def test_the_service_refuses_a_generalist_officer(officer_north, case):
    # when / then
    with pytest.raises(AccessDenied):
        material_summary_put(
            actor=officer_north.user,
            case=case,
            expected_version=None,
            category_a_count=0,
            category_b_count=0,
            category_c_count=0,
            first_generation=None,
        )
    assert _stored(case) is None


@pytest.mark.parametrize("persona", ["investigator_north", "supervisor_north"])
def test_investigators_and_supervisors_read_and_change_it(persona, case, api_for, request):
    # given
    actor = request.getfixturevalue(persona)
    _summary(case, actor)
    client = api_for(actor)
    # when
    read = client.get(_url(case))
    changed = client.put(_url(case), _body(), format="json", HTTP_IF_MATCH='"1"')
    # then
    assert read.status_code == 200
    assert changed.status_code == 200
    assert _stored(case)["version"] == 2


@pytest.mark.parametrize("persona", ["investigator_south", "supervisor_south", "officer_south"])
@pytest.mark.parametrize("method", ["get", "put"])
def test_another_force_sees_nothing(persona, method, investigator_north, case, api_for, request):
    # given
    _summary(case, investigator_north)
    before = _stored(case)
    client = api_for(request.getfixturevalue(persona))
    # when
    response = getattr(client, method)(_url(case), _body(), format="json", HTTP_IF_MATCH='"1"')
    # then
    assert response.status_code == 404
    assert _stored(case) == before


@pytest.mark.parametrize("method", ["get", "put"])
def test_a_granted_force_sees_nothing_even_as_supervisor(
    method, supervisor_south, investigator_north, south, case, api_for
):
    # given
    _summary(case, investigator_north)
    grant_case(case, south)
    before = _stored(case)
    # when
    response = getattr(api_for(supervisor_south), method)(
        _url(case), _body(), format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert response.status_code == 404
    assert _stored(case) == before
    # and the case itself is readable to them: only its material is walled off
    assert api_for(supervisor_south).get(f"/api/v1/cases/{case.id}/").status_code == 200


def test_a_granted_mash_coordinator_sees_nothing(
    coordinator_mash, investigator_north, case, api_for
):
    # given
    _summary(case, investigator_north)
    grant_case(case, coordinator_mash.agency)
    # when
    read = api_for(coordinator_mash).get(_url(case))
    changed = api_for(coordinator_mash).put(_url(case), _body(), format="json")
    # then
    assert read.status_code == 404
    assert changed.status_code == 404
    assert _stored(case)["version"] == 1


@pytest.mark.parametrize("persona", ["caseworker_harbour", "caseworker_lighthouse"])
def test_a_charity_sees_nothing(persona, investigator_north, case, api_for, request):
    # given
    _summary(case, investigator_north)
    before = _stored(case)
    client = api_for(request.getfixturevalue(persona))
    # when
    read = client.get(_url(case))
    changed = client.put(_url(case), _body(), format="json", HTTP_IF_MATCH='"1"')
    # then
    assert read.status_code == 404
    assert changed.status_code == 404
    assert _stored(case) == before


def test_the_selector_refuses_a_user_not_cleared(officer_north, case):
    from cases.selectors import material_get_for_actor

    with pytest.raises(NotFound):
        material_get_for_actor(actor=officer_north.user, case=case)


# --- The record of who did what


def test_every_read_and_change_goes_to_the_access_log(investigator_north, case, api_for):
    # given
    client = api_for(investigator_north)
    # when
    client.put(_url(case), _body(), format="json")
    client.get(_url(case))
    client.put(_url(case), _body(reason="re-graded"), format="json", HTTP_IF_MATCH='"1"')
    # then
    summary = MaterialSummary.objects.get(case=case)
    entries = list(
        AccessLogEntry.objects.filter(object_type="material_summary")
        .order_by("sequence")
        .values_list("action", "outcome", "username", "object_id", "object_agency_slug")
    )
    assert entries == [
        (
            "cases.material.changed",
            "allowed",
            "investigator.north",
            str(summary.pk),
            "northshire-police",
        ),
        (
            "cases.material.viewed",
            "allowed",
            "investigator.north",
            str(summary.pk),
            "northshire-police",
        ),
        (
            "cases.material.changed",
            "allowed",
            "investigator.north",
            str(summary.pk),
            "northshire-police",
        ),
    ]


def test_a_refused_read_is_logged_as_denied(officer_north, case, api_for):
    # when
    api_for(officer_north).get(_url(case))
    # then
    assert list(
        AccessLogEntry.objects.filter(username="officer.north").values_list("action", "outcome")
    ) == [("cases.material.view", "denied")]


def test_history_keeps_each_version_with_its_reason(investigator_north, case, api_for):
    # given
    client = api_for(investigator_north)
    # when
    client.put(_url(case), _body(), format="json")
    client.put(
        _url(case),
        _body(category_a_count=4, reason="one more found"),
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    rows = list(
        MaterialSummary.history.filter(case=case)
        .order_by("history_date")
        .values_list(
            "history_type", "history_change_reason", "history_user__username", "category_a_count"
        )
    )
    assert rows == [
        ("+", "material summary recorded", "investigator.north", 3),
        ("~", "one more found", "investigator.north", 4),
    ]


def test_material_history_reaches_the_case_history_of_cleared_readers_only(
    investigator_north, officer_north, case, api_for
):
    # given
    api_for(investigator_north).put(_url(case), _body(), format="json")
    history = f"/api/v1/cases/{case.id}/history/"
    # when
    cleared = api_for(investigator_north).get(history).json()["results"]
    uncleared = api_for(officer_north).get(history).json()["results"]
    # then
    assert [e["record_type"] for e in cleared if e["record_type"] == "material"] == ["material"]
    assert [e for e in uncleared if e["record_type"] == "material"] == []


# --- The service directly


def test_the_service_wants_the_version_once_a_summary_exists(investigator_north, case):
    # given
    _summary(case, investigator_north)
    arguments = {
        "actor": investigator_north.user,
        "case": case,
        "category_a_count": 0,
        "category_b_count": 0,
        "category_c_count": 0,
        "first_generation": False,
    }
    # when / then
    with pytest.raises(PreconditionRequired):
        material_summary_put(expected_version=None, **arguments)
    with pytest.raises(PreconditionFailed):
        material_summary_put(expected_version=0, **arguments)
    assert _stored(case)["version"] == 1
