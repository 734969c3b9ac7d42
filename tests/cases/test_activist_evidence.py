"""How an online activist group obtained its evidence (Recommendation 12):
GET/PUT /api/v1/cases/{id}/activist-evidence/."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from agencies.models import AccessLogEntry, Role
from cases.models import ActivistEvidence, CaseSource
from cases.services.material import activist_evidence_put
from common.errors import InvalidState, ValidationError
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    TOTPDeviceFactory,
    grant_case,
)

HANDED_OVER_AT = "2026-03-01T19:45:00Z"


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, source=CaseSource.ACTIVIST_GROUP)


@pytest.fixture
def coordinator_mash(db):
    membership = MembershipFactory(
        agency=AgencyFactory(slug="northshire-mash", mash=True), role=Role.MASH_COORDINATOR
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


def _url(case) -> str:
    return f"/api/v1/cases/{case.id}/activist-evidence/"


def _body(**overrides) -> dict:
    return {
        "group_name": "Fictional Watch Group",
        "decoy_posed_as_child": True,
        "suspect_confronted": True,
        "confrontation_streamed_live": True,
        "handed_over": "Screenshots of chats and a recording of the confrontation.",
        "handed_over_at": HANDED_OVER_AT,
        "chain_of_custody": "Group lead to PC 1234 at the front desk, sealed bag TL-001.",
        "suspect_alerted_risk": "High: the confrontation was streamed; devices may be wiped.",
        **overrides,
    }


def _evidence(case, actor, **overrides) -> ActivistEvidence:
    values = {
        "group_name": "Fictional Watch Group",
        "decoy_posed_as_child": True,
        "suspect_confronted": False,
        "confrontation_streamed_live": False,
        "handed_over": "Chat logs.",
        "handed_over_at": datetime(2026, 3, 1, 19, 45, tzinfo=UTC),
        "chain_of_custody": "Emailed to the force.",
        "suspect_alerted_risk": "Low.",
        **overrides,
    }
    return ActivistEvidence.objects.create(case=case, updated_by=actor.user, **values)


def _stored(case) -> tuple | None:
    evidence = ActivistEvidence.objects.filter(case=case).first()
    if evidence is None:
        return None
    return (
        evidence.version,
        evidence.group_name,
        evidence.suspect_confronted,
        evidence.history.count(),
    )


def test_an_officer_records_the_evidence_of_an_activist_group_case(officer_north, case, api_for):
    # when
    response = api_for(officer_north).put(_url(case), _body(), format="json")
    # then
    assert response.status_code == 201
    assert response["ETag"] == '"1"'
    evidence = ActivistEvidence.objects.get(case=case)
    assert response.json() == {
        "id": str(evidence.id),
        "group_name": "Fictional Watch Group",
        "decoy_posed_as_child": True,
        "suspect_confronted": True,
        "confrontation_streamed_live": True,
        "handed_over": "Screenshots of chats and a recording of the confrontation.",
        "handed_over_at": "2026-03-01T19:45:00Z",
        "chain_of_custody": "Group lead to PC 1234 at the front desk, sealed bag TL-001.",
        "suspect_alerted_risk": "High: the confrontation was streamed; devices may be wiped.",
        "version": 1,
        "updated_by": {
            "username": "officer.north",
            "full_name": officer_north.user.get_full_name(),
        },
        "updated_at": response.json()["updated_at"],
    }


def test_a_change_needs_if_match(officer_north, case, api_for):
    # given
    _evidence(case, officer_north)
    before = _stored(case)
    client = api_for(officer_north)
    # when
    missing = client.put(_url(case), _body(group_name="Renamed"), format="json")
    stale = client.put(_url(case), _body(group_name="Renamed"), format="json", HTTP_IF_MATCH='"7"')
    # then
    assert missing.status_code == 428
    assert stale.status_code == 412
    assert _stored(case) == before


def test_a_change_with_if_match_replaces_it_and_keeps_history(officer_north, case, api_for):
    # given
    _evidence(case, officer_north)
    # when
    response = api_for(officer_north).put(
        _url(case),
        _body(reason="statement taken from the group lead"),
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert _stored(case) == (2, "Fictional Watch Group", True, 2)
    latest = ActivistEvidence.history.filter(case=case).latest("history_date")
    assert latest.history_change_reason == "statement taken from the group lead"
    assert latest.history_user == officer_north.user


@pytest.mark.parametrize("source", [s for s in CaseSource.values if s != CaseSource.ACTIVIST_GROUP])
def test_only_a_case_from_an_activist_group_has_this_evidence(
    officer_north, north, api_for, source
):
    # given
    case = CaseFactory(owning_agency=north, source=source)
    # when
    response = api_for(officer_north).put(_url(case), _body(), format="json")
    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Activist-group evidence is recorded only for a case whose source is an "
        "online activist group.",
        "state": source,
    }
    assert _stored(case) is None


def test_every_missing_field_is_named(officer_north, case, api_for):
    # when
    response = api_for(officer_north).put(_url(case), {}, format="json")
    # then
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == [
        "chain_of_custody",
        "confrontation_streamed_live",
        "decoy_posed_as_child",
        "group_name",
        "handed_over",
        "handed_over_at",
        "suspect_alerted_risk",
        "suspect_confronted",
    ]
    assert _stored(case) is None


def test_the_service_names_each_blank_text_field(officer_north, case):
    # when
    with pytest.raises(ValidationError) as refused:
        activist_evidence_put(
            actor=officer_north.user,
            case=case,
            expected_version=None,
            group_name="  ",
            decoy_posed_as_child=None,
            suspect_confronted=False,
            confrontation_streamed_live=False,
            handed_over="",
            handed_over_at=datetime(2026, 3, 1, 12, 0),
            chain_of_custody="\n",
            suspect_alerted_risk="",
        )
    # then
    assert refused.value.message_dict == {
        "group_name": ["Enter the name of the group."],
        "decoy_posed_as_child": ["Answer yes or no."],
        "handed_over": ["Say what the group handed over."],
        "handed_over_at": ["Enter the date and time the evidence was handed over."],
        "chain_of_custody": ["Describe the chain of custody."],
        "suspect_alerted_risk": ["Describe the risk that the suspect was alerted."],
    }
    assert _stored(case) is None


def test_a_handover_in_the_future_is_refused(officer_north, case, api_for):
    # given
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    # when
    response = api_for(officer_north).put(_url(case), _body(handed_over_at=tomorrow), format="json")
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"handed_over_at": ["Must not be in the future."]}
    assert _stored(case) is None


def test_a_confrontation_that_did_not_happen_was_not_streamed(officer_north, case, api_for):
    # when
    response = api_for(officer_north).put(
        _url(case),
        _body(suspect_confronted=False, confrontation_streamed_live=True),
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "confrontation_streamed_live": [
            "A confrontation that did not happen cannot have been streamed: answer no here, "
            "or say that the suspect was confronted."
        ]
    }
    assert _stored(case) is None


def test_reading_it_is_logged(officer_north, case, api_for):
    # given
    evidence = _evidence(case, officer_north)
    # when
    response = api_for(officer_north).get(_url(case))
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["group_name"] == "Fictional Watch Group"
    assert list(
        AccessLogEntry.objects.filter(object_type="activist_evidence").values_list(
            "action", "username", "object_id"
        )
    ) == [("cases.activist_evidence.viewed", "officer.north", str(evidence.pk))]


def test_changing_it_is_logged(officer_north, case, api_for):
    # when
    api_for(officer_north).put(_url(case), _body(), format="json")
    # then
    evidence = ActivistEvidence.objects.get(case=case)
    assert list(
        AccessLogEntry.objects.filter(object_type="activist_evidence").values_list(
            "action", "username", "object_id"
        )
    ) == [("cases.activist_evidence.changed", "officer.north", str(evidence.pk))]


def test_nothing_recorded_yet_answers_404(officer_north, case, api_for):
    # when
    response = api_for(officer_north).get(_url(case))
    # then
    assert response.status_code == 404


def test_a_granted_agency_reads_it_but_cannot_change_it(
    officer_north, coordinator_mash, case, api_for
):
    # given
    _evidence(case, officer_north)
    grant_case(case, coordinator_mash.agency)
    before = _stored(case)
    client = api_for(coordinator_mash)
    # when
    read = client.get(_url(case))
    changed = client.put(_url(case), _body(), format="json", HTTP_IF_MATCH='"1"')
    # then
    assert read.status_code == 200
    assert read.json()["group_name"] == "Fictional Watch Group"
    assert changed.status_code == 404
    assert _stored(case) == before


def test_the_service_refuses_a_granted_agency(coordinator_mash, officer_north, case):
    # given
    grant_case(case, coordinator_mash.agency)
    # when / then
    from common.errors import AccessDenied

    with pytest.raises(AccessDenied):
        activist_evidence_put(
            actor=coordinator_mash.user,
            case=case,
            expected_version=None,
            **{k: v for k, v in _body().items() if k != "handed_over_at"},
            handed_over_at=timezone.now(),
        )
    assert _stored(case) is None


@pytest.mark.parametrize("persona", ["officer_south", "caseworker_harbour", "auditor_north"])
def test_others_see_nothing(persona, officer_north, case, api_for, request):
    # given
    _evidence(case, officer_north)
    before = _stored(case)
    client = api_for(request.getfixturevalue(persona))
    # when
    read = client.get(_url(case))
    changed = client.put(_url(case), _body(), format="json", HTTP_IF_MATCH='"1"')
    # then
    assert read.status_code == 404
    assert changed.status_code == 404
    assert _stored(case) == before


def test_the_service_checks_the_source_before_anything_else(officer_north, north):
    # given
    case = CaseFactory(owning_agency=north, source=CaseSource.SCHOOL)
    # when / then
    with pytest.raises(InvalidState) as refused:
        activist_evidence_put(
            actor=officer_north.user,
            case=case,
            expected_version=None,
            group_name="",
            decoy_posed_as_child=False,
            suspect_confronted=False,
            confrontation_streamed_live=False,
            handed_over="",
            handed_over_at=timezone.now(),
            chain_of_custody="",
            suspect_alerted_risk="",
        )
    assert refused.value.state == "school"
