"""Victims' Code duties and victim care: police casework of the owning force only
(never through a grant: the force that owns the case owes the duties)."""

from datetime import date, timedelta

from django.utils import timezone

from tests.authz import EVERY_OWNER, RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import POLICE_CASEWORKERS
from tests.factories import CaseFactory, PartyFactory
from welfare.models import DutyKind, DutyTrigger, VictimCare
from welfare.services.duties import duty_open

ALL_TARGETS = RECORD_TARGETS


DUTY_FIELDS = frozenset(
    {
        "id",
        "case",
        "party",
        "kind",
        "kind_label",
        "trigger",
        "reason",
        "status",
        "status_label",
        "due_at",
        "due_by_clock",
        "made_late_by_hours",
        "overdue",
        "service_level",
        "wants_updates",
        "spoken_for_by",
        "responsible",
        "resolution",
        "links",
        "created_at",
        "version",
    }
)
CARE_FIELDS = frozenset(
    {
        "id",
        "party",
        "service_level",
        "service_level_label",
        "enhanced_reason",
        "enhanced_reason_label",
        "wants_updates",
        "opt_out_note",
        "spoken_for_by",
        "point_of_contact",
        "regular_update_working_days",
        "updated_at",
        "version",
    }
)


def a_victim_with_an_update_owed(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, created_by=actor.user, received_on=date(2026, 3, 2))
    victim = PartyFactory(
        case=case, created_by=case.created_by, person__created_by=case.created_by, role="victim"
    )
    care = VictimCare.objects.create(case=case, party=victim, enhanced_reason="sexual_offence")
    duty = duty_open(
        actor=None,
        case=case,
        party=victim,
        kind=DutyKind.VICTIM_UPDATE,
        trigger=DutyTrigger.NEW_POINT_OF_CONTACT,
        reason="Tell the victim who their new named contact is",
        due_at=timezone.now() + timedelta(days=1),
        source_key=f"matrix:{victim.pk}",
        # The caller's duty when the case is their agency's: "my updates" lists it.
        responsible=actor.user if owner == actor.agency else None,
    )
    return {
        "case": case.id,
        "party": victim.id,
        "duty": duty.id,
        "_case": case,
        "_version": care.version,
    }


ROWS = [
    Endpoint(
        "victim-updates",
        "GET",
        "/api/v1/victim-updates/?due=week",
        POLICE_CASEWORKERS,
        setup=a_victim_with_an_update_owed,
        per_actor=True,
        listing=True,
        fields=DUTY_FIELDS,
    ),
    Endpoint(
        "duty-list",
        "GET",
        "/api/v1/duties/",
        POLICE_CASEWORKERS,
        setup=a_victim_with_an_update_owed,
        per_actor=True,
        listing=True,
        fields=DUTY_FIELDS,
    ),
    Endpoint(
        "duty-detail",
        "GET",
        "/api/v1/duties/{duty}/",
        POLICE_CASEWORKERS,
        targets=EVERY_OWNER,
        setup=a_victim_with_an_update_owed,
        fields=DUTY_FIELDS,
    ),
    Endpoint(
        "duty-log-contact",
        "POST",
        "/api/v1/duties/{duty}/log-contact/",
        POLICE_CASEWORKERS,
        body={"channel": "phone", "summary": "Told them of the change."},
        targets=ALL_TARGETS,
        setup=a_victim_with_an_update_owed,
    ),
    Endpoint(
        "victim-care",
        "GET",
        "/api/v1/cases/{case}/victims/{party}/care/",
        POLICE_CASEWORKERS,
        targets=ALL_TARGETS,
        setup=a_victim_with_an_update_owed,
        fields=CARE_FIELDS,
    ),
    Endpoint(
        "victim-care",
        "PATCH",
        "/api/v1/cases/{case}/victims/{party}/care/",
        POLICE_CASEWORKERS,
        body={"spoken_for_by": "Father, John Smith"},
        needs_version=True,
        targets=ALL_TARGETS,
        setup=a_victim_with_an_update_owed,
    ),
    # Pages
    Endpoint("victim-updates", "GET", "/victim-updates/", POLICE_CASEWORKERS, page=True),
    *form_page(
        "duty-log-contact",
        "/duties/{duty}/log-contact/",
        POLICE_CASEWORKERS,
        setup=a_victim_with_an_update_owed,
    ),
    *form_page(
        "victim-care",
        "/cases/{case}/victims/{party}/care/",
        POLICE_CASEWORKERS,
        setup=a_victim_with_an_update_owed,
    ),
]
