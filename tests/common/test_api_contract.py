"""The API answers as its OpenAPI schema says (issue #12, item 5): bad paging and
filters are refused naming the parameter, every 400 has the ValidationError shape
with flat field paths, JSON bodies are taken at their types, `If-Match: *` is
refused, paths that match no endpoint answer the API's JSON 404, and the schema
documents what the code answers. `.ci/schemathesis.sh` checks the same against a
served demo."""

from base64 import b64encode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from cases.models import Case
from common.api.errors import exception_handler
from tests.authz.rows_referrals import make_referral
from tests.factories import CaseFactory

CASES = "/api/v1/cases/"
PAGE_SIZE_ERROR = {"page_size": ["Give a whole number from 1 to 100."]}
CURSOR_ERROR = {"cursor": ["This cursor is not one Tideline gave: follow `next` or `previous`."]}


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, title="Before")


def _cursor(querystring: str) -> str:
    return b64encode(querystring.encode()).decode()


# --- Paging


@pytest.mark.parametrize("page_size", ["abc", "-1", "0", "101", "", "2.5"])
def test_a_page_size_that_is_not_1_to_100_is_refused_naming_page_size(
    officer_north, api_for, case, page_size
):
    # when
    response = api_for(officer_north).get(CASES, {"page_size": page_size})
    # then
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": PAGE_SIZE_ERROR}


@pytest.mark.parametrize("page_size", ["1", "100"])
def test_a_page_size_from_1_to_100_is_accepted(officer_north, api_for, case, page_size):
    # when
    response = api_for(officer_north).get(CASES, {"page_size": page_size})
    # then
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(case.id)]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        "é",
        _cursor("o=-3"),
        # Decodes, but its position is not a date, as the list's ordering needs.
        _cursor("p=not-a-date"),
    ],
)
def test_a_cursor_tideline_did_not_give_is_refused_with_400_naming_cursor(
    officer_north, api_for, case, cursor
):
    # when
    response = api_for(officer_north).get(CASES, {"cursor": cursor})
    # then
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": CURSOR_ERROR}


def test_the_next_link_still_pages(officer_north, api_for, north):
    # given
    CaseFactory.create_batch(3, owning_agency=north)
    client = api_for(officer_north)
    first = client.get(CASES, {"page_size": 2}).json()
    # when
    second = client.get(first["next"])
    # then
    assert second.status_code == 200
    assert len(second.json()["results"]) == 1


# --- Filters


@pytest.mark.parametrize("team", ["abc", "", "12"])
def test_a_team_that_is_not_a_uuid_is_refused_naming_team(officer_north, api_for, case, team):
    # when
    response = api_for(officer_north).get(CASES, {"team": team})
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"team": ["Must be a valid UUID."]},
    }


@pytest.mark.parametrize(
    ("path", "parameter", "value"),
    [
        (CASES, "status", "bogus"),
        (CASES, "status", ""),
        (CASES, "received_from", "yesterday"),
        ("/api/v1/duties/", "due", "soon"),
        ("/api/v1/duties/", "whose", ""),
        ("/api/v1/victim-updates/", "whose", "everyone"),
        ("/api/v1/suspect-welfare/checks/", "status", "late"),
        ("/api/v1/referrals/", "direction", "sideways"),
    ],
)
def test_an_unknown_filter_value_is_refused_naming_the_parameter(
    officer_north, api_for, path, parameter, value
):
    # when
    response = api_for(officer_north).get(path, {parameter: value})
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_a_flag_filter_that_is_not_a_boolean_is_refused_naming_live(officer_north, api_for, case):
    # when
    response = api_for(officer_north).get(f"{CASES}{case.id}/flags/", {"live": ""})
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["live"]


# --- Bodies and the 400 shape


def test_a_body_that_is_not_json_is_refused_with_the_validation_error_shape(officer_north, api_for):
    # given
    cases_before = Case.objects.count()
    # when
    response = api_for(officer_north).post(
        CASES, data='{"title": ', content_type="application/json"
    )
    # then
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"].startswith("Malformed request body: JSON parse error")
    assert list(body["errors"]) == ["non_field_errors"]
    assert body["errors"]["non_field_errors"][0].startswith("JSON parse error")
    assert Case.objects.count() == cases_before


def test_nested_field_errors_are_named_by_their_path(officer_north, api_for, case):
    # when
    response = api_for(officer_north).post(
        "/api/v1/referrals/",
        {
            "case": str(case.id),
            "to_agency": "northshire-mash",
            "purpose": "safeguarding",
            "urgency": "routine",
            "lawful_basis": "law_enforcement",
            "sensitive_condition": "safeguarding",
            "consent": {"status": "bogus"},
            "parties": [{"party": "not-a-uuid"}],
        },
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "consent.status": ['"bogus" is not a valid choice.'],
        "parties.0.party": ["Must be a valid UUID."],
    }


def test_a_change_to_a_draft_sends_each_nested_choice_whole(officer_north, api_for, north, harbour):
    # given: a change may leave out any choice, but not part of one it sends
    referral = make_referral(
        from_agency=north, to_agency=harbour, state="draft", created_by=officer_north.user
    )
    # when
    response = api_for(officer_north).patch(
        f"/api/v1/referrals/{referral.id}/",
        {"parties": [{"fields": []}], "consent": {}},
        format="json",
        headers={"If-Match": f'"{referral.version}"'},
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "parties.0.party": ["This field is required."],
        "consent.status": ["This field is required."],
    }
    version_before = referral.version
    referral.refresh_from_db()
    assert referral.version == version_before


def test_the_exception_handler_flattens_every_shape_drf_nests_errors_in():
    # given: a nested serializer, a many=True list (an item without errors is {}),
    # a list field (errors keyed by index) and a nested cross-field error
    error = serializers.ValidationError(
        {
            "consent": {"given_on": ["Enter a date."], "non_field_errors": ["Give a reason."]},
            "people": [{}, {"name": ["This field is required."]}],
            "hashes": {0: {"value": ["Not hexadecimal."]}},
            "non_field_errors": ["Choose one."],
        }
    )
    # when
    response = exception_handler(error, {})
    # then
    assert response.status_code == 400
    assert response.data == {
        "detail": "Invalid input.",
        "errors": {
            "consent.given_on": ["Enter a date."],
            "consent": ["Give a reason."],
            "people.1.name": ["This field is required."],
            "hashes.0.value": ["Not hexadecimal."],
            "non_field_errors": ["Choose one."],
        },
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", 0, "Not a valid string."),
        ("source", 1, '"1" is not a valid choice.'),
        ("team", 5, "Must be a valid UUID."),
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused_not_converted(
    officer_north, api_for, field, value, message
):
    # given
    body = {"title": "A title", "source": "school", "received_on": "2026-03-02", field: value}
    cases_before = Case.objects.count()
    # when
    response = api_for(officer_north).post(CASES, body, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert Case.objects.count() == cases_before


def test_a_boolean_sent_as_text_in_json_is_refused(officer_north, api_for, case):
    # when
    response = api_for(officer_north).post(
        "/api/v1/referrals/",
        {
            "case": str(case.id),
            "to_agency": "northshire-mash",
            "purpose": "safeguarding",
            "urgency": "routine",
            "lawful_basis": "law_enforcement",
            "sensitive_condition": "safeguarding",
            "consent": {"status": "not_sought"},
            "share_risk": "yes",
        },
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"share_risk": ["Must be a valid boolean."]}


def test_query_strings_are_still_read_as_text(officer_north, api_for, case):
    # when: numbers and booleans in a query string are text, as always
    response = api_for(officer_north).get(f"{CASES}{case.id}/flags/", {"live": "true"})
    # then
    assert response.status_code == 200


# --- If-Match


def _patch(client, case, if_match: str | None):
    headers = {"If-Match": if_match} if if_match is not None else {}
    return client.patch(f"{CASES}{case.id}/", {"title": "After"}, format="json", headers=headers)


def test_if_match_star_is_refused_with_428_explaining_a_version_is_needed(
    officer_north, api_for, case
):
    # when
    response = _patch(api_for(officer_north), case, "*")
    # then
    assert response.status_code == 428
    assert response.json() == {
        "detail": 'If-Match must name the version you last read, such as "3": `*` is not '
        "accepted, as it would overwrite changes you have not seen."
    }
    case.refresh_from_db()
    assert (case.title, case.version) == ("Before", 1)


def test_an_if_match_that_is_not_an_etag_is_refused_with_400_naming_it(
    officer_north, api_for, case
):
    # when
    response = _patch(api_for(officer_north), case, "yesterday's")
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "If-Match": ['Send the ETag of the version you last read, such as "3".']
    }
    case.refresh_from_db()
    assert case.title == "Before"


def test_without_if_match_428_and_with_the_current_etag_the_change_is_made(
    officer_north, api_for, case
):
    # given
    client = api_for(officer_north)
    # when
    missing = _patch(client, case, None)
    changed = _patch(client, case, '"1"')
    # then
    assert missing.status_code == 428
    assert changed.status_code == 200
    assert changed["ETag"] == '"2"'


# --- Found by the fuzzer


def test_an_admin_cannot_reset_their_own_authenticator(admin_north, api_for):
    # given: it would end the admin's own token, with no way back but a new link
    client = api_for(admin_north)
    devices_before = TOTPDevice.objects.filter(user=admin_north.user).count()
    # when
    response = client.post(
        f"/api/v1/members/{admin_north.id}/reset-mfa/", {"reason": "lost phone"}, format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "You cannot reset your own authenticator: ask another admin of your agency."
    )
    assert TOTPDevice.objects.filter(user=admin_north.user).count() == devices_before


# --- Paths that match no endpoint


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_id_that_is_not_a_uuid_answers_the_api_json_404(officer_north, api_for, method):
    # when
    response = getattr(api_for(officer_north), method)(f"{CASES}null,null/close/", format="json")
    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


# --- The schema says what the code answers


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _ref(response: dict) -> str:
    return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def test_every_operation_documents_the_errors_it_gives_by_construction(schema):
    missing = []
    for name, operation in _operations(schema):
        codes = set(operation["responses"])
        parameters = operation.get("parameters", [])
        expected = set()
        if operation.get("security"):
            expected |= {"401"}
        if any(parameter["in"] == "path" for parameter in parameters):
            expected |= {"404"}
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        if any(parameter["name"] == "If-Match" for parameter in parameters):
            expected |= {"400", "412", "428"}
        if expected - codes:
            missing.append((name, sorted(expected - codes)))
    assert missing == []


def test_every_400_is_documented_as_a_validation_error(schema):
    shapes = {
        name: _ref(operation["responses"]["400"])
        for name, operation in _operations(schema)
        if "400" in operation["responses"]
    }
    assert shapes
    assert {name: shape for name, shape in shapes.items() if shape != "ValidationError"} == {}
    errors = schema["components"]["schemas"]["ValidationError"]["properties"]["errors"]
    assert errors["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_no_list_is_documented_as_a_bare_array(schema):
    # Every list answers an object: `{"next", "previous", "results"}` or `{"results"}`.
    arrays = [
        name
        for name, operation in _operations(schema)
        for code, response in operation["responses"].items()
        if code.startswith("2")
        and response.get("content", {}).get("application/json", {}).get("schema", {}).get("type")
        == "array"
    ]
    assert arrays == []


def test_the_two_views_of_a_referral_are_told_apart_by_side(schema):
    components = schema["components"]["schemas"]
    sides = {
        view: components[
            components[view]["properties"]["side"]["allOf"][0]["$ref"].rsplit("/")[-1]
        ]["enum"]
        for view in ("SentReferral", "ReceivedReferral")
    }
    assert sides == {"SentReferral": ["sender"], "ReceivedReferral": ["receiver"]}


def test_paging_parameters_say_their_bounds(schema):
    page_size = next(
        parameter
        for parameter in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]
        if parameter["name"] == "page_size"
    )
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}


def test_an_email_that_may_be_empty_is_documented_so(schema):
    # A member created without an email answers "", which the `email` format refuses.
    email = schema["components"]["schemas"]["Member"]["properties"]["email"]
    assert email == {
        "oneOf": [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}]
    }
