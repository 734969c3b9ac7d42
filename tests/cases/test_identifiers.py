"""A party's identifiers, added and seen on the case within its compartment: the
service, the selectors, /api/v1/cases/{id}/parties/{id}/identifiers/ and
/api/v1/cases/{id}/identifiers/, and the case page's people section with its form."""

from datetime import UTC, date, datetime, timedelta

import pytest

from agencies.models import AccessLogEntry, Role
from cases.models import CaseStatus
from cases.models.identifier import Identifier, IdentifierKind
from cases.selectors import identifiers as identifier_selectors
from cases.services import grants as grant_services
from cases.services import identifiers as identifier_services
from common.errors import InvalidState, NotFound, ValidationError
from tests.factories import AgencyFactory, CaseFactory, MembershipFactory, PartyFactory
from tests.intake.factories import identifier_make

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
SEEN = datetime(2026, 6, 1, 22, 15, tzinfo=UTC)

pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, received_on=date(2026, 3, 2))


@pytest.fixture
def victim(case):
    return PartyFactory(case=case, role="victim")


@pytest.fixture
def suspect(case):
    return PartyFactory(case=case, role="suspect")


@pytest.fixture
def hub(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def coordinator_hub(hub):
    return MembershipFactory(agency=hub, role=Role.MASH_COORDINATOR, user__username="coord.hub")


def _party_url(case, party) -> str:
    return f"/api/v1/cases/{case.id}/parties/{party.id}/identifiers/"


def _case_url(case) -> str:
    return f"/api/v1/cases/{case.id}/identifiers/"


def _add(actor, party, kind=IdentifierKind.EMAIL, given="Jo.Bloggs@Example.com", **extra):
    return identifier_services.party_identifier_add(
        actor=actor.user, party=party, kind=kind, given=given, **extra
    )


def _log(action: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action=action).order_by("sequence"))


# --- The service


def test_an_identifier_is_added_normalised_in_the_partys_compartment(officer_north, suspect):
    # when
    identifier = _add(officer_north, suspect)
    # then
    identifier.refresh_from_db()
    assert (identifier.kind, identifier.value, identifier.given) == (
        "email",
        "jo.bloggs@example.com",
        "Jo.Bloggs@Example.com",
    )
    assert identifier.party == suspect
    assert identifier.person == suspect.person
    assert identifier.case == suspect.case
    assert identifier.compartment == "suspect"
    assert identifier.agency == suspect.case.owning_agency
    assert identifier.created_by == officer_north.user
    [entry] = _log("cases.identifier.added")
    assert entry.object_id == str(identifier.pk)
    assert "email address of party" in entry.justification


def test_an_ip_address_is_added_with_its_moment_and_port(officer_north, suspect):
    # when
    identifier = _add(
        officer_north,
        suspect,
        kind=IdentifierKind.IP_ADDRESS,
        given="::ffff:203.0.113.7",
        seen_at=SEEN,
        port=50123,
    )
    # then
    identifier.refresh_from_db()
    assert (identifier.value, identifier.seen_at, identifier.port) == ("203.0.113.7", SEEN, 50123)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "shoe_size"}, "kind"),
        ({"kind": IdentifierKind.SOURCE_REPORT, "given": "12345"}, "kind"),
        ({"given": "not an email"}, "value"),
        ({"kind": IdentifierKind.USERNAME, "given": "jo"}, "platform"),
        ({"kind": IdentifierKind.IP_ADDRESS, "given": "203.0.113.7"}, "seen_at"),
        (
            {
                "kind": IdentifierKind.IP_ADDRESS,
                "given": "203.0.113.7",
                "seen_at": NOW + timedelta(days=1),
            },
            "seen_at",
        ),
        (
            {
                "kind": IdentifierKind.IP_ADDRESS,
                "given": "203.0.113.7",
                "seen_at": SEEN,
                "port": -1,
            },
            "port",
        ),
    ],
)
def test_a_refused_identifier_names_its_field_and_records_nothing(
    officer_north, suspect, values, field
):
    # when
    with pytest.raises(ValidationError) as refused:
        _add(officer_north, suspect, **values)
    # then
    assert list(refused.value.message_dict) == [field]
    assert Identifier.objects.count() == 0
    assert _log("cases.identifier.added") == []


def test_the_same_identifier_twice_for_a_party_is_refused_naming_the_value(officer_north, suspect):
    # given
    _add(officer_north, suspect, given="jo.bloggs@example.com")
    # when
    with pytest.raises(ValidationError) as refused:
        _add(officer_north, suspect, given=" JO.BLOGGS@example.com ")
    # then
    assert refused.value.message_dict == {
        "value": ["This identifier is already recorded for this person."]
    }
    assert Identifier.objects.count() == 1


def test_the_same_ip_address_seen_at_another_moment_is_another_identifier(officer_north, suspect):
    # given
    ip = {"kind": IdentifierKind.IP_ADDRESS, "given": "203.0.113.7"}
    _add(officer_north, suspect, seen_at=SEEN, **ip)
    # when
    _add(officer_north, suspect, seen_at=SEEN + timedelta(hours=1), **ip)
    # then
    assert Identifier.objects.count() == 2


def test_another_agency_cannot_add_to_a_party(officer_south, suspect):
    with pytest.raises(NotFound):
        _add(officer_south, suspect)
    assert Identifier.objects.count() == 0


def test_a_granted_agency_reads_but_does_not_add(officer_south, suspect, case):
    # given
    from tests.factories import grant_case

    grant_case(case, officer_south.agency)
    # when
    from agencies.access import AccessDenied

    with pytest.raises(AccessDenied):
        _add(officer_south, suspect)
    # then
    assert Identifier.objects.count() == 0


def test_a_closed_case_takes_no_new_identifier(officer_north, suspect, case):
    # given
    case.status, case.closing_reason, case.closed_on = CaseStatus.CLOSED, "no_crime", NOW.date()
    case.save(update_fields=["status", "closing_reason", "closed_on"])
    # when
    with pytest.raises(InvalidState):
        _add(officer_north, suspect)
    # then
    assert Identifier.objects.count() == 0


def test_removing_an_identifier_keeps_a_trace_with_the_reason(officer_north, suspect):
    # given
    identifier = _add(officer_north, suspect)
    identifier_id = identifier.pk
    # when
    identifier_services.party_identifier_remove(
        actor=officer_north.user, identifier=identifier, reason="Typed on the wrong person."
    )
    # then
    assert Identifier.objects.count() == 0
    [entry] = _log("cases.identifier.removed")
    assert entry.object_id == str(identifier_id)
    assert entry.justification.endswith(
        f"email address of party {suspect.pk}: Typed on the wrong person."
    )
    assert "jo.bloggs" not in entry.justification


def test_removing_without_a_reason_is_refused(officer_north, suspect):
    # given
    identifier = _add(officer_north, suspect)
    # when
    with pytest.raises(ValidationError) as refused:
        identifier_services.party_identifier_remove(
            actor=officer_north.user, identifier=identifier, reason="  "
        )
    # then
    assert list(refused.value.message_dict) == ["reason"]
    assert Identifier.objects.count() == 1


def test_a_cases_own_numbers_cannot_be_removed_as_a_partys(officer_north, case, north):
    # given
    number = identifier_make(
        kind=IdentifierKind.SOURCE_REPORT, given="123456", agency=north, case=case
    )
    # when
    with pytest.raises(NotFound):
        identifier_services.party_identifier_remove(
            actor=officer_north.user, identifier=number, reason="No."
        )
    # then
    assert Identifier.objects.count() == 1


# --- The selectors: within the party's compartment and visibility


def test_a_case_lists_its_parties_and_its_own_identifiers(officer_north, case, victim, north):
    # given
    mine = _add(officer_north, victim)
    number = identifier_make(
        kind=IdentifierKind.SOURCE_REPORT, given="123456", agency=north, case=case
    )
    identifier_make(
        kind=IdentifierKind.EMAIL, given="else@example.com", agency=north, case=CaseFactory()
    )
    # when
    found = list(identifier_selectors.identifier_list_of_case(actor=officer_north.user, case=case))
    # then
    assert found == [mine, number]


def test_a_party_scoped_grant_shows_only_the_named_partys_identifiers(
    supervisor_north, coordinator_hub, hub, case, victim, suspect
):
    # given: the hub is granted the victim alone
    shown = _add(supervisor_north, victim)
    _add(supervisor_north, suspect, given="suspect@example.com")
    grant_services.case_grant(
        actor=supervisor_north.user, case=case, agency=hub, reason="Strategy.", parties=[victim]
    )
    # when
    found = list(
        identifier_selectors.identifier_list_of_case(actor=coordinator_hub.user, case=case)
    )
    # then
    assert found == [shown]
    assert (
        list(
            identifier_selectors.identifier_list_of_party(actor=coordinator_hub.user, party=suspect)
        )
        == []
    )


def test_another_agency_sees_no_identifier_of_a_case_it_does_not_hold(
    officer_north, officer_south, case, victim
):
    # given
    _add(officer_north, victim)
    # then
    assert (
        list(identifier_selectors.identifier_list_of_case(actor=officer_south.user, case=case))
        == []
    )
    assert (
        list(identifier_selectors.identifier_list_of_party(actor=officer_south.user, party=victim))
        == []
    )


def test_a_victim_support_partner_sees_no_identifier(
    officer_north, caseworker_harbour, case, victim, harbour
):
    # given: even with the case granted, a partner does not do casework
    from tests.factories import grant_case

    _add(officer_north, victim)
    grant_case(case, harbour)
    # then
    assert (
        list(identifier_selectors.identifier_list_of_case(actor=caseworker_harbour.user, case=case))
        == []
    )


# --- The API


def test_adding_an_identifier_through_the_api(officer_north, api_for, case, suspect):
    # when
    response = api_for(officer_north).post(
        _party_url(case, suspect),
        {"kind": "username", "value": "@JoBloggs", "platform": "Snapchat"},
        format="json",
    )
    # then
    assert response.status_code == 201
    body = response.json()
    identifier = Identifier.objects.get()
    assert body == {
        "id": str(identifier.id),
        "party": str(suspect.id),
        "kind": "username",
        "value": "jobloggs",
        "given": "@JoBloggs",
        "platform": "snapchat",
        "seen_at": None,
        "port": None,
        "created_at": body["created_at"],
    }


def test_a_refused_identifier_through_the_api_names_the_field(
    officer_north, api_for, case, suspect
):
    # when
    response = api_for(officer_north).post(
        _party_url(case, suspect), {"kind": "ip_address", "value": "203.0.113.7"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["seen_at"]
    assert Identifier.objects.count() == 0


def test_the_same_idempotency_key_adds_an_identifier_once(officer_north, api_for, case, suspect):
    # given
    client = api_for(officer_north)
    body = {"kind": "phone", "value": "07700 900123"}
    first = client.post(_party_url(case, suspect), body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    # when
    again = client.post(_party_url(case, suspect), body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    # then
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["value"] == "+447700900123"
    assert Identifier.objects.count() == 1


def test_removing_an_identifier_through_the_api(officer_north, api_for, case, suspect):
    # given
    identifier = _add(officer_north, suspect)
    url = f"{_party_url(case, suspect)}{identifier.id}/remove/"
    # when
    refused = api_for(officer_north).post(url, {}, format="json")
    response = api_for(officer_north).post(url, {"reason": "Wrong person."}, format="json")
    # then
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    assert response.status_code == 204
    assert Identifier.objects.count() == 0


def test_removing_another_partys_identifier_answers_404(
    officer_north, api_for, case, suspect, victim
):
    # given
    identifier = _add(officer_north, suspect)
    # when
    response = api_for(officer_north).post(
        f"{_party_url(case, victim)}{identifier.id}/remove/", {"reason": "x"}, format="json"
    )
    # then
    assert response.status_code == 404
    assert Identifier.objects.count() == 1


def test_another_agency_gets_404_for_a_partys_identifiers(
    officer_north, officer_south, api_for, case, suspect
):
    # given
    _add(officer_north, suspect)
    # when
    listed = api_for(officer_south).get(_party_url(case, suspect))
    added = api_for(officer_south).post(
        _party_url(case, suspect), {"kind": "email", "value": "x@example.com"}, format="json"
    )
    # then
    assert (listed.status_code, added.status_code) == (404, 404)
    assert Identifier.objects.count() == 1


def test_reading_a_partys_identifiers_is_logged(officer_north, api_for, case, suspect):
    # given
    identifier = _add(officer_north, suspect)
    # when
    response = api_for(officer_north).get(_party_url(case, suspect))
    # then
    assert [i["id"] for i in response.json()["results"]] == [str(identifier.id)]
    entries = AccessLogEntry.objects.filter(action="cases.identifier.listed")
    assert [e.record_ids for e in entries] == [[f"identifier:{identifier.id}"]]


@pytest.mark.parametrize("count", [2, 20])
def test_the_case_identifier_list_takes_the_same_queries_for_2_or_20(
    officer_north, api_for, case, north, django_assert_max_num_queries, count
):
    # given
    for n in range(count):
        party = PartyFactory(case=case, role="victim" if n % 2 else "suspect")
        identifier_make(
            kind=IdentifierKind.EMAIL, given=f"p{n}@example.com", agency=north, party=party
        )
    client = api_for(officer_north)
    # when / then
    with django_assert_max_num_queries(9):
        response = client.get(_case_url(case))
    assert len(response.json()["results"]) == count


# --- The pages


def test_the_case_page_lists_each_partys_identifiers(
    officer_north, browser_for, case, suspect, victim
):
    # given
    _add(
        officer_north,
        suspect,
        kind=IdentifierKind.IP_ADDRESS,
        given="203.0.113.7",
        seen_at=SEEN,
        port=443,
    )
    _add(officer_north, victim, kind=IdentifierKind.USERNAME, given="JoB", platform="Snapchat")
    # when
    page = browser_for(officer_north).get(f"/cases/{case.id}/parties/").content.decode()
    # then
    assert "IP address:</span> 203.0.113.7, seen 1 Jun 2026, 23:15 port 443" in page
    assert "Username or screen name:</span> JoB on snapchat" in page
    assert f"/cases/{case.id}/parties/{suspect.id}/identifiers/new/" in page


def test_adding_an_identifier_through_the_page(officer_north, browser_for, case, suspect):
    # given
    client = browser_for(officer_north)
    url = f"/cases/{case.id}/parties/{suspect.id}/identifiers/new/"
    # when
    form = client.get(url)
    response = client.post(
        url,
        {
            "kind": "ip_address",
            "value": "2001:DB8::1",
            "seen_on": "1/6/2026",
            "seen_time": "23:15",
            "port": "443",
        },
    )
    # then
    assert form.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/parties/#party-{suspect.id}"
    identifier = Identifier.objects.get()
    assert (identifier.value, identifier.seen_at, identifier.port) == ("2001:db8::1", SEEN, 443)


def test_the_page_shows_a_refusal_on_its_field(officer_north, browser_for, case, suspect):
    # when
    response = browser_for(officer_north).post(
        f"/cases/{case.id}/parties/{suspect.id}/identifiers/new/",
        {"kind": "ip_address", "value": "203.0.113.7"},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["seen_on"] == [
        "Give the moment the IP address was seen: without it, it identifies nobody."
    ]
    assert Identifier.objects.count() == 0


def test_the_page_is_not_there_for_another_agency(officer_south, browser_for, case, suspect):
    response = browser_for(officer_south).get(
        f"/cases/{case.id}/parties/{suspect.id}/identifiers/new/"
    )
    assert response.status_code == 404


def test_removing_an_identifier_through_the_page(officer_north, browser_for, case, suspect):
    # given
    identifier = _add(officer_north, suspect)
    client = browser_for(officer_north)
    url = f"/cases/{case.id}/parties/{suspect.id}/identifiers/{identifier.id}/remove/"
    assert url in client.get(f"/cases/{case.id}/parties/").content.decode()
    # when
    refused = client.post(url, {"reason": ""})
    response = client.post(url, {"reason": "Recorded on the wrong person."})
    # then
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"] == [
        "Give the reason the identifier is being removed."
    ]
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/parties/#party-{suspect.id}"
    assert Identifier.objects.count() == 0
    [entry] = _log("cases.identifier.removed")
    assert entry.justification.endswith("Recorded on the wrong person.")


def test_the_removal_page_is_not_there_for_another_partys_identifier(
    officer_north, browser_for, case, suspect, victim
):
    # given
    identifier = _add(officer_north, suspect)
    # when
    response = browser_for(officer_north).post(
        f"/cases/{case.id}/parties/{victim.id}/identifiers/{identifier.id}/remove/",
        {"reason": "x"},
    )
    # then
    assert response.status_code == 404
    assert Identifier.objects.count() == 1
