"""Deconfliction across forces: an intake item whose identifier is already held on
another force's case is held, both forces' supervisors are told once, each side learns
only whom to contact, every hit is logged for both auditors, and only a supervisor of
the item's force releases it by recording the coordination agreed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.access import access_log_scope
from agencies.models import AccessLogEntry, Role
from cases.models import IdentifierKind
from common.models import Notification
from intake.models import DeconflictionHit, ItemState
from intake.services.deconfliction import item_deconflict, items_deconflict
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TeamFactory,
    TOTPDeviceFactory,
)
from tests.helpers import api_client, signed_in_client
from tests.intake.factories import IntakeItemFactory, IntakeReportFactory, identifier_make

SUSPECT_EMAIL = "Jo.Suspect@Example.com"
HOLDING_REFERENCE = "SP-2026-000042"
SUSPECT_FIRST, SUSPECT_LAST = "Jordan", "Holloway"


def _member(agency, role, username, team=None):
    membership = MembershipFactory(agency=agency, role=role, team=team, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def south_team(south):
    return TeamFactory(agency=south, slug="pol-ice", name="Southshire Online Child Exploitation")


@pytest.fixture
def supervisor_south(south, south_team):
    return _member(south, Role.POLICE_SUPERVISOR, "supervisor.south", south_team)


@pytest.fixture
def auditor_south(south):
    return _member(south, Role.AUDITOR, "auditor.south")


@pytest.fixture
def holding_case(south, south_team):
    """Southshire's case, whose suspect holds the email address."""
    case = CaseFactory(
        owning_agency=south, team=south_team, reference=HOLDING_REFERENCE, title="Operation Kestrel"
    )
    party = PartyFactory(
        case=case,
        role="suspect",
        person__first_name=SUSPECT_FIRST,
        person__last_name=SUSPECT_LAST,
    )
    identifier_make(kind=IdentifierKind.EMAIL, given=SUSPECT_EMAIL, agency=south, party=party)
    return case


def _item_with(agency, *identifiers):
    """An item of `agency` with one report carrying each (kind, given, extra)."""
    item = IntakeItemFactory(agency=agency)
    report = IntakeReportFactory(agency=agency, item=item)
    for kind, given, extra in identifiers:
        identifier_make(kind=kind, given=given, agency=agency, report_id=report.id, **extra)
    return item


@pytest.fixture
def item(north, holding_case):
    return _item_with(north, (IdentifierKind.EMAIL, "jo.suspect@example.com", {}))


def test_a_hit_on_another_forces_case_holds_the_item_and_tells_both_supervisors_once(
    item, holding_case, south, south_team, supervisor_north, supervisor_south, officer_south
):
    # when
    item_deconflict(item=item)
    item_deconflict(item=item)
    # then
    item.refresh_from_db()
    assert item.state == ItemState.HELD_FOR_DECONFLICTION
    hit = DeconflictionHit.objects.get()
    assert (hit.item_id, hit.holding_case_id, hit.holding_agency_id) == (
        item.id,
        holding_case.id,
        south.id,
    )
    assert hit.holding_contact_team_id == south_team.id
    assert hit.matched_kind == IdentifierKind.EMAIL
    told_north = Notification.objects.get(user=supervisor_north.user)
    assert told_north.message == (
        "An intake item is held for deconfliction: another force holds a matching "
        "identifier: contact Southshire Online Child Exploitation (Southshire Police)."
    )
    assert told_north.link == f"/intake/items/{item.id}/coordination/"
    told_south = Notification.objects.get(user=supervisor_south.user)
    assert told_south.message == (
        "Northshire Police holds a report matching an identifier on your case "
        f"{HOLDING_REFERENCE}: contact Northshire Police intake."
    )
    assert told_south.link == "/intake/deconfliction/"
    assert not Notification.objects.filter(user=officer_south.user).exists()
    for notification in (told_north, told_south):
        for detail in (SUSPECT_FIRST, SUSPECT_LAST, "example.com", "Kestrel", "email"):
            assert detail.lower() not in notification.message.lower()
    assert HOLDING_REFERENCE not in told_north.message


def test_a_second_import_records_nothing_new(item, supervisor_north, supervisor_south):
    # given
    item_deconflict(item=item)
    hits, told, logged = (
        DeconflictionHit.objects.count(),
        Notification.objects.count(),
        AccessLogEntry.objects.filter(action="intake.deconfliction.hit").count(),
    )
    # when
    item_deconflict(item=item)
    # then
    assert (hits, told, logged) == (1, 2, 1)
    assert DeconflictionHit.objects.count() == 1
    assert Notification.objects.count() == 2
    assert AccessLogEntry.objects.filter(action="intake.deconfliction.hit").count() == 1


def test_a_match_within_the_same_agency_is_not_a_hit(north, supervisor_north):
    # given: Northshire's own case holds the address
    party = PartyFactory(case=CaseFactory(owning_agency=north), role="suspect")
    identifier_make(kind=IdentifierKind.EMAIL, given=SUSPECT_EMAIL, agency=north, party=party)
    item = _item_with(north, (IdentifierKind.EMAIL, "jo.suspect@example.com", {}))
    # when
    item_deconflict(item=item)
    # then
    item.refresh_from_db()
    assert item.state == ItemState.AWAITING_DECISION
    assert not DeconflictionHit.objects.exists()
    assert not Notification.objects.exists()


def test_another_forces_intake_report_is_not_a_hit(north, south):
    # given: Southshire received a report with the address, but holds no case with it
    other_report = IntakeReportFactory(agency=south)
    identifier_make(
        kind=IdentifierKind.EMAIL, given=SUSPECT_EMAIL, agency=south, report_id=other_report.id
    )
    item = _item_with(north, (IdentifierKind.EMAIL, SUSPECT_EMAIL, {}))
    # when
    item_deconflict(item=item)
    # then
    assert not DeconflictionHit.objects.exists()


def test_an_ip_address_matches_only_within_the_window_and_on_the_same_port(north, south):
    seen = timezone.now() - timedelta(days=3)
    case = CaseFactory(owning_agency=south)
    party = PartyFactory(case=case, role="suspect")
    identifier_make(
        kind=IdentifierKind.IP_ADDRESS,
        given="203.0.113.7",
        agency=south,
        party=party,
        seen_at=seen,
        port=4444,
    )
    far = _item_with(
        north, (IdentifierKind.IP_ADDRESS, "203.0.113.7", {"seen_at": seen + timedelta(hours=2)})
    )
    other_port = _item_with(
        north,
        (IdentifierKind.IP_ADDRESS, "203.0.113.7", {"seen_at": seen, "port": 5555}),
    )
    near = _item_with(
        north,
        (
            IdentifierKind.IP_ADDRESS,
            "203.0.113.7",
            {"seen_at": seen - timedelta(minutes=40), "port": 4444},
        ),
    )
    # when
    for item in (far, other_port, near):
        item_deconflict(item=item)
    # then
    assert list(DeconflictionHit.objects.values_list("item_id", flat=True)) == [near.id]


def test_a_username_matches_only_on_the_same_platform(north, south):
    party = PartyFactory(case=CaseFactory(owning_agency=south), role="suspect")
    identifier_make(
        kind=IdentifierKind.USERNAME,
        given="NightOwl",
        platform="Snapchat",
        agency=south,
        party=party,
    )
    elsewhere = _item_with(north, (IdentifierKind.USERNAME, "nightowl", {"platform": "Instagram"}))
    same = _item_with(north, (IdentifierKind.USERNAME, "NIGHTOWL", {"platform": "snapchat"}))
    # when
    item_deconflict(item=elsewhere)
    item_deconflict(item=same)
    # then
    assert list(DeconflictionHit.objects.values_list("item_id", flat=True)) == [same.id]


def test_a_report_or_package_number_never_deconflicts(north, south):
    case = CaseFactory(owning_agency=south)
    identifier_make(kind=IdentifierKind.PACKAGE_REFERENCE, given="NCA-1", agency=south, case=case)
    item = _item_with(north, (IdentifierKind.PACKAGE_REFERENCE, "NCA-1", {}))
    item_deconflict(item=item)
    assert not DeconflictionHit.objects.exists()


def test_one_hit_per_holding_case_and_a_decided_item_stays_decided(north, south, holding_case):
    # given: a second Southshire case holds the same address
    other = CaseFactory(owning_agency=south)
    identifier_make(
        kind=IdentifierKind.EMAIL,
        given=SUSPECT_EMAIL,
        agency=south,
        party=PartyFactory(case=other, role="suspect"),
    )
    identifier_make(kind=IdentifierKind.EMAIL, given=SUSPECT_EMAIL, agency=south, case=other)
    decided = IntakeItemFactory(
        agency=north,
        state=ItemState.DECIDED,
        decision="no_further_action",
        decided_at=timezone.now(),
    )
    report = IntakeReportFactory(agency=north, item=decided)
    identifier_make(
        kind=IdentifierKind.EMAIL, given=SUSPECT_EMAIL, agency=north, report_id=report.id
    )
    # when
    item_deconflict(item=decided)
    # then
    assert set(DeconflictionHit.objects.values_list("holding_case_id", flat=True)) == {
        holding_case.id,
        other.id,
    }
    decided.refresh_from_db()
    assert decided.state == ItemState.DECIDED


def test_no_match_costs_one_query(item, django_assert_num_queries, north):
    lonely = _item_with(north, (IdentifierKind.EMAIL, "nobody@example.org", {}))
    with django_assert_num_queries(1):
        item_deconflict(item=lonely)


def _unmatched(agency, size):
    return [
        _item_with(
            agency,
            (IdentifierKind.EMAIL, f"nobody{n}@example.org", {}),
            (IdentifierKind.PHONE, f"07700 900{n:03d}", {}),
        )
        for n in range(size)
    ]


@pytest.mark.parametrize("size", [5, 30])
def test_a_batch_without_a_match_costs_one_query_whatever_its_size(
    holding_case, north, size, django_assert_num_queries
):
    items = _unmatched(north, size)
    with django_assert_num_queries(1):
        items_deconflict(items=items)
    assert not DeconflictionHit.objects.exists()


def _two_matching(north, south, ip="203.0.113.9"):
    """An item carrying the held address, and one seen on a held IP within the hour."""
    seen = timezone.now() - timedelta(days=1)
    party = PartyFactory(case=CaseFactory(owning_agency=south), role="suspect")
    identifier_make(
        kind=IdentifierKind.IP_ADDRESS, given=ip, agency=south, party=party, seen_at=seen
    )
    by_email = _item_with(north, (IdentifierKind.EMAIL, SUSPECT_EMAIL, {}))
    by_ip = _item_with(
        north,
        (IdentifierKind.IP_ADDRESS, ip, {"seen_at": seen + timedelta(minutes=20)}),
    )
    return by_email, by_ip


def test_a_batch_with_two_matches_among_30_holds_those_two(
    holding_case, north, south, supervisor_north, supervisor_south
):
    # given
    by_email, by_ip = _two_matching(north, south)
    others = _unmatched(north, 28)
    batch = [*others[:10], by_email, *others[10:20], by_ip, *others[20:]]
    # when
    items_deconflict(items=batch)
    items_deconflict(items=batch)
    # then
    assert sorted(DeconflictionHit.objects.values_list("item_id", "matched_kind")) == sorted(
        [(by_email.id, IdentifierKind.EMAIL), (by_ip.id, IdentifierKind.IP_ADDRESS)]
    )
    for item in batch:
        item.refresh_from_db()
        held = item.pk in (by_email.pk, by_ip.pk)
        assert item.state == (
            ItemState.HELD_FOR_DECONFLICTION if held else ItemState.AWAITING_DECISION
        )
        assert item.version == (2 if held else 1)
    assert by_email.history.first().history_change_reason.startswith("held for deconfliction")
    # The item's supervisor about each item; the holder's only about its teamed case.
    assert Notification.objects.filter(user=supervisor_north.user).count() == 2
    assert Notification.objects.filter(user=supervisor_south.user).count() == 2
    entries = AccessLogEntry.objects.filter(action="intake.deconfliction.hit")
    assert sorted(entry.record_ids[0] for entry in entries) == sorted(
        [f"intake_item:{by_email.id}", f"intake_item:{by_ip.id}"]
    )
    assert {entry.object_agency_slugs == sorted([north.slug, south.slug]) for entry in entries} == {
        True
    }


def test_the_cost_of_two_matches_does_not_grow_with_the_batch(
    holding_case, north, south, supervisor_north, supervisor_south
):
    counts = []
    for size, ip in ((3, "203.0.113.9"), (28, "203.0.113.10")):
        DeconflictionHit.objects.all().delete()
        Notification.objects.all().delete()
        matching = _two_matching(north, south, ip)
        batch = [*matching, *_unmatched(north, size)]
        with CaptureQueriesContext(connection) as queries:
            items_deconflict(items=batch)
        counts.append(len(queries))
        assert DeconflictionHit.objects.count() == 2
    assert counts[0] == counts[1]


def test_every_hit_is_logged_for_both_auditors(
    item, auditor_north, auditor_south, holding_case, north, south
):
    # given
    item_deconflict(item=item)
    # then
    entry = AccessLogEntry.objects.get(action="intake.deconfliction.hit")
    assert entry.agency_slug == north.slug
    assert entry.object_agency_slug == south.slug
    assert entry.object_id == str(holding_case.id)
    assert f"intake_item:{item.id}" in entry.record_ids
    for auditor in (auditor_north, auditor_south):
        seen = access_log_scope(auditor.user, AccessLogEntry.objects.all())
        assert seen.filter(pk=entry.pk).exists(), auditor.user.username


# --- What each side is shown


def _absent(body: str) -> None:
    for secret in (
        HOLDING_REFERENCE,
        SUSPECT_FIRST,
        SUSPECT_LAST,
        "jo.suspect@example.com",
        SUSPECT_EMAIL,
        "Kestrel",
        str(DeconflictionHit.objects.get().holding_case_id),
    ):
        assert secret.lower() not in body.lower(), secret


def test_the_item_sides_api_reveals_nothing_beyond_the_contact(item, officer_north):
    # given
    item_deconflict(item=item)
    # when
    response = api_client(officer_north).get(f"/api/v1/intake/items/{item.id}/hits/")
    # then
    assert response.status_code == 200
    (hit,) = response.json()["results"]
    assert hit["message"] == (
        "Another force holds a matching identifier: contact Southshire Online Child "
        "Exploitation (Southshire Police)"
    )
    assert hit["holding_agency"] == "Southshire Police"
    assert hit["contact"] == "Southshire Online Child Exploitation"
    assert set(hit) == {
        "id",
        "message",
        "holding_agency",
        "contact",
        "found_at",
        "coordinated_at",
        "coordinated_by",
        "coordination_note",
    }
    _absent(response.content.decode())
    assert "email" not in response.content.decode().lower()


def test_the_item_sides_page_reveals_nothing_beyond_the_contact(item, supervisor_north):
    # given
    item_deconflict(item=item)
    # when
    response = signed_in_client(supervisor_north).get(f"/intake/items/{item.id}/coordination/")
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "Another force holds a matching identifier: contact Southshire Online Child "
        "Exploitation (Southshire Police)" in body
    )
    _absent(body)


def test_the_contact_is_the_agency_when_the_case_has_no_team(north, south, supervisor_north):
    party = PartyFactory(case=CaseFactory(owning_agency=south, team=None), role="suspect")
    identifier_make(kind=IdentifierKind.DEVICE_ID, given="IMEI-1234", agency=south, party=party)
    item = _item_with(north, (IdentifierKind.DEVICE_ID, " imei-1234", {}))
    item_deconflict(item=item)
    response = api_client(supervisor_north).get(f"/api/v1/intake/items/{item.id}/hits/")
    assert response.json()["results"][0]["message"] == (
        "Another force holds a matching identifier: contact Southshire Police"
    )


def test_the_holder_sees_its_case_the_requesting_force_and_its_contact(
    item, supervisor_south, holding_case
):
    # given
    item_deconflict(item=item)
    # when
    page = signed_in_client(supervisor_south).get("/intake/deconfliction/")
    answer = api_client(supervisor_south).get("/api/v1/intake/deconfliction/")
    # then
    assert page.status_code == 200
    assert (
        "Northshire Police holds a report matching an identifier on your case "
        f'<a class="govuk-link" href="/cases/{holding_case.id}/">{HOLDING_REFERENCE}</a>: '
        "contact Northshire Police intake" in page.content.decode()
    )
    (row,) = answer.json()["results"]
    assert row["case"] == {"id": str(holding_case.id), "reference": HOLDING_REFERENCE}
    assert (row["requesting_agency"], row["contact"], row["coordinated"]) == (
        "Northshire Police",
        "Northshire Police intake",
        False,
    )
    for body in (page.content.decode(), answer.content.decode()):
        assert "jo.suspect@example.com" not in body.lower()
        assert str(item.id) not in body


def test_the_holders_list_shows_nothing_of_another_force(item, officer_north, officer_south):
    item_deconflict(item=item)
    # Northshire holds no case that matched: its list is empty.
    assert api_client(officer_north).get("/api/v1/intake/deconfliction/").json()["results"] == []
    assert (
        len(api_client(officer_south).get("/api/v1/intake/deconfliction/").json()["results"]) == 1
    )


def test_the_holders_list_is_paged_and_its_queries_pinned(
    north, south, supervisor_south, django_assert_max_num_queries
):
    for n in range(3):
        party = PartyFactory(case=CaseFactory(owning_agency=south), role="suspect")
        identifier_make(
            kind=IdentifierKind.EMAIL, given=f"held{n}@example.com", agency=south, party=party
        )
        item_deconflict(item=_item_with(north, (IdentifierKind.EMAIL, f"held{n}@example.com", {})))
    client = api_client(supervisor_south)
    with django_assert_max_num_queries(8):
        first = client.get("/api/v1/intake/deconfliction/?page_size=2").json()
    assert len(first["results"]) == 2
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    found = [row["found_at"] for row in first["results"] + second["results"]]
    assert found == sorted(found, reverse=True)


def test_the_item_side_reads_nothing_of_another_forces_item(item, officer_south):
    item_deconflict(item=item)
    response = api_client(officer_south).get(f"/api/v1/intake/items/{item.id}/hits/")
    assert response.status_code == 404


# --- Recording the coordination agreed


NOTE = "Spoke to DS Patel at Southshire POLICE on 7 Dec: they lead; we hold off."


def test_the_supervisor_records_coordination_and_the_item_awaits_its_decision(
    item, supervisor_north, supervisor_south
):
    # given
    item_deconflict(item=item)
    before = Notification.objects.filter(user=supervisor_south.user).count()
    # when
    response = api_client(supervisor_north).post(
        f"/api/v1/intake/items/{item.id}/coordination/", {"note": NOTE}, format="json"
    )
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "awaiting_decision"
    item.refresh_from_db()
    assert item.state == ItemState.AWAITING_DECISION
    hit = DeconflictionHit.objects.get()
    assert (hit.coordinated_by_id, hit.coordination_note) == (supervisor_north.user_id, NOTE)
    assert hit.coordinated_at is not None
    assert item.history.first().history_change_reason == "deconfliction: coordination recorded"
    told = Notification.objects.filter(user=supervisor_south.user).order_by("created_at")
    assert told.count() == before + 1
    assert told.last().message == (
        "Northshire Police recorded the coordination agreed about a report matching an "
        f"identifier on your case {HOLDING_REFERENCE}."
    )
    assert "Patel" not in told.last().message
    answer = api_client(supervisor_south).get("/api/v1/intake/deconfliction/").json()
    assert answer["results"][0]["coordinated"] is True
    assert "Patel" not in str(answer)


def test_coordination_needs_a_note(item, supervisor_north):
    item_deconflict(item=item)
    response = api_client(supervisor_north).post(
        f"/api/v1/intake/items/{item.id}/coordination/", {"note": "  "}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["note"]
    item.refresh_from_db()
    assert item.state == ItemState.HELD_FOR_DECONFLICTION


def test_coordination_on_an_item_not_held_is_409_naming_the_state(north, supervisor_north):
    item = _item_with(north, (IdentifierKind.EMAIL, "free@example.org", {}))
    response = api_client(supervisor_north).post(
        f"/api/v1/intake/items/{item.id}/coordination/", {"note": NOTE}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["state"] == "awaiting_decision"


@pytest.mark.parametrize("who", ["officer_north", "supervisor_south"])
def test_only_the_item_forces_supervisor_records_coordination(item, who, request):
    # given
    item_deconflict(item=item)
    caller = request.getfixturevalue(who)
    # when
    response = api_client(caller).post(
        f"/api/v1/intake/items/{item.id}/coordination/", {"note": NOTE}, format="json"
    )
    page = signed_in_client(caller).post(f"/intake/items/{item.id}/coordination/", {"note": NOTE})
    # then
    assert response.status_code == 404
    assert page.status_code == 404
    item.refresh_from_db()
    assert item.state == ItemState.HELD_FOR_DECONFLICTION
    assert DeconflictionHit.objects.get().coordinated_at is None


def test_the_coordination_page_records_it(item, supervisor_north):
    item_deconflict(item=item)
    client = signed_in_client(supervisor_north)
    refused = client.post(f"/intake/items/{item.id}/coordination/", {"note": ""})
    assert refused.status_code == 400
    assert "Enter the coordination agreed with the other force." in refused.content.decode()
    response = client.post(f"/intake/items/{item.id}/coordination/", {"note": NOTE})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.AWAITING_DECISION
    shown = client.get(f"/intake/items/{item.id}/coordination/").content.decode()
    assert "The item is not held for deconfliction: it is awaiting a decision." in shown


def test_a_new_hit_after_coordination_holds_the_item_again(item, south, supervisor_north):
    item_deconflict(item=item)
    api_client(supervisor_north).post(
        f"/api/v1/intake/items/{item.id}/coordination/", {"note": NOTE}, format="json"
    )
    # given: another Southshire case takes the address later
    party = PartyFactory(case=CaseFactory(owning_agency=south), role="suspect")
    identifier_make(kind=IdentifierKind.EMAIL, given=SUSPECT_EMAIL, agency=south, party=party)
    item.refresh_from_db()
    # when
    item_deconflict(item=item)
    # then
    item.refresh_from_db()
    assert item.state == ItemState.HELD_FOR_DECONFLICTION
    assert DeconflictionHit.objects.filter(coordinated_at__isnull=True).count() == 1


# --- Through the bundling, as the import runs it


def test_the_bundling_deconflicts_what_it_bundles(north, holding_case, supervisor_north):
    from intake.services.bundling import reports_bundle

    # given: two reports, one carrying the held address, folded by a shared phone
    first = IntakeReportFactory(agency=north)
    second = IntakeReportFactory(agency=north)
    for report in (first, second):
        identifier_make(
            kind=IdentifierKind.PHONE, given="07700 900123", agency=north, report_id=report.id
        )
    identifier_make(
        kind=IdentifierKind.EMAIL, given=SUSPECT_EMAIL, agency=north, report_id=first.id
    )
    # when
    reports_bundle(reports=[first, second])
    reports_bundle(reports=[])
    # then
    first.refresh_from_db()
    item = first.item
    assert item.state == ItemState.HELD_FOR_DECONFLICTION
    assert list(item.hits.values_list("holding_case_id", flat=True)) == [holding_case.id]
    assert Notification.objects.filter(user=supervisor_north.user).count() == 1


# --- Every read is logged


def test_reading_the_items_hits_is_logged(item, officer_north, north):
    item_deconflict(item=item)
    api_client(officer_north).get(f"/api/v1/intake/items/{item.id}/hits/")
    entry = AccessLogEntry.objects.filter(username="officer.north").latest("sequence")
    assert entry.object_id == str(item.id)
    assert entry.object_agency_slug == north.slug
    assert f"deconfliction_hit:{DeconflictionHit.objects.get().id}" in entry.record_ids


def test_reading_the_hits_on_my_cases_is_logged(item, supervisor_south):
    item_deconflict(item=item)
    signed_in_client(supervisor_south).get("/intake/deconfliction/")
    entry = AccessLogEntry.objects.filter(username="supervisor.south").latest("sequence")
    assert entry.action == "intake.deconfliction_hit.listed"
    assert entry.record_ids == [f"deconfliction_hit:{DeconflictionHit.objects.get().id}"]


def test_an_officer_sees_whom_to_contact_but_is_not_offered_the_form(item, officer_north):
    item_deconflict(item=item)
    response = signed_in_client(officer_north).get(f"/intake/items/{item.id}/coordination/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "contact Southshire Online Child Exploitation (Southshire Police)" in body
    assert "until a supervisor records the coordination agreed" in body
    assert 'name="note"' not in body
    _absent(body)
