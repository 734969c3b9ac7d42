"""Recording a request and its moves: the deadline stored, bad input refused naming
the field with nothing changed, the state machine's refusals naming the state, the
extension (UK GDPR only), and the history of who moved it and why."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from agencies.models import AccessLogEntry
from common.errors import AccessDenied, InvalidState
from subject_access.models import RequestState, SubjectAccessRequest
from subject_access.services import requests as services
from tests.factories import PersonFactory
from tests.factories_subject_access import a_request
from tests.subject_access.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def test_a_request_is_recorded_with_its_deadline_stored(manager, world):
    # given a request received on 10 April 2026
    # when the records manager records it
    request = a_request(manager, [world.person], received_on=date(2026, 4, 10))
    # then its deadline is a calendar month on, stored, and it is received
    request.refresh_from_db()
    assert request.due_on == date(2026, 5, 11)  # 10 May 2026 is a Sunday
    assert request.response_due_on == date(2026, 5, 11)
    assert request.state == RequestState.RECEIVED
    assert list(request.subjects.all()) == [world.person]
    assert request.reference.startswith("SAR-2026-")
    assert request.history.count() == 1
    assert AccessLogEntry.objects.filter(
        action="subject_access.request.created", object_id=str(request.pk)
    ).exists()


def test_a_received_date_in_the_future_is_refused_naming_it(manager, world):
    with pytest.raises(ValidationError) as refused:
        a_request(manager, [world.person], received_on=date(2026, 5, 13))
    assert list(refused.value.message_dict) == ["received_on"]
    assert SubjectAccessRequest.objects.count() == 0


def test_a_request_about_another_agencys_person_is_refused_naming_subjects(manager, south):
    # given a person only Southshire holds
    theirs = PersonFactory(recorded_by_agency=south)
    with pytest.raises(ValidationError) as refused:
        a_request(manager, [theirs], received_on=date(2026, 5, 1))
    assert list(refused.value.message_dict) == ["subjects"]
    assert SubjectAccessRequest.objects.count() == 0


def test_only_a_records_manager_records_one(officer_north, world):
    with pytest.raises(AccessDenied):
        a_request(officer_north, [world.person], received_on=date(2026, 5, 1))
    assert SubjectAccessRequest.objects.count() == 0


def test_moves_follow_the_table_and_refuse_naming_the_state(manager, world):
    request = a_request(manager, [world.person], received_on=date(2026, 5, 1))
    # release from received: 409 naming the state, nothing changed
    with pytest.raises(InvalidState) as refused:
        services.sar_release(actor=manager.user, request=request)
    assert refused.value.state == "received"
    request = services.sar_start(actor=manager.user, request=request)
    assert request.state == RequestState.GATHERING
    with pytest.raises(InvalidState) as again:
        services.sar_start(actor=manager.user, request=request)
    assert again.value.state == "gathering"
    request = services.sar_export_build(actor=manager.user, request=request)
    assert request.state == RequestState.IN_REVIEW
    request = services.sar_withdraw(
        actor=manager.user, request=request, reason="Withdrawn by email on 11 May."
    )
    assert request.state == RequestState.WITHDRAWN
    assert request.state_reason == "Withdrawn by email on 11 May."
    reasons = [h.history_change_reason for h in request.history.order_by("history_date")]
    assert reasons == [
        "subject access request recorded",
        "gathering records",
        "export gathered",
        "withdrawn: Withdrawn by email on 11 May.",
    ]


def test_a_refusal_needs_a_reason(manager, world):
    request = a_request(manager, [world.person], received_on=date(2026, 5, 1))
    with pytest.raises(ValidationError) as refused:
        services.sar_refuse(actor=manager.user, request=request, reason="  ")
    assert list(refused.value.message_dict) == ["reason"]
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED


def test_a_uk_gdpr_request_is_extended_by_two_months_once(manager, world):
    request = a_request(manager, [world.person], received_on=date(2026, 3, 31))
    request = services.sar_extend(
        actor=manager.user, request=request, reason="Twelve cases over six years."
    )
    assert request.extended_due_on == date(2026, 6, 30)
    assert request.response_due_on == date(2026, 6, 30)
    assert request.due_on == date(2026, 4, 30)
    with pytest.raises(ValidationError) as refused:
        services.sar_extend(actor=manager.user, request=request, reason="Again.")
    assert list(refused.value.message_dict) == ["extension_reason"]


def test_a_section_45_request_cannot_be_extended(manager, world):
    request = a_request(
        manager, [world.person], received_on=date(2026, 5, 1), legal_basis="dpa_2018_section_45"
    )
    with pytest.raises(ValidationError) as refused:
        services.sar_extend(actor=manager.user, request=request, reason="Complex.")
    assert list(refused.value.message_dict) == ["legal_basis"]
    request.refresh_from_db()
    assert request.extended_due_on is None
    assert request.version == 1


def test_another_agencys_records_manager_cannot_move_it(manager, manager_south, world):
    request = a_request(manager, [world.person], received_on=date(2026, 5, 1))
    from common.errors import NotFound

    with pytest.raises(NotFound):
        services.sar_start(actor=manager_south.user, request=request)
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED
