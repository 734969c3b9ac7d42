from datetime import date, timedelta

from django.utils import timezone

from agencies.access import POLICE_CASEWORK
from tests.authz import Endpoint
from tests.factories import CaseFactory, PartyFactory
from welfare.models import DutyKind, DutyTrigger, VictimCare
from welfare.services.duties import duty_open

ALL_TARGETS = ("own", "other", "granted")


def a_victim_with_an_update_owed(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, received_on=date(2026, 3, 2))
    victim = PartyFactory(case=case, role="victim")
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
    )
    return {
        "case": case.id,
        "party": victim.id,
        "duty": duty.id,
        "_case": case,
        "_version": care.version,
    }


ROWS = [
    Endpoint("victim-updates", "GET", "/api/v1/victim-updates/?due=week", POLICE_CASEWORK),
    Endpoint("duty-list", "GET", "/api/v1/duties/", POLICE_CASEWORK),
    Endpoint(
        "duty-detail",
        "GET",
        "/api/v1/duties/{duty}/",
        POLICE_CASEWORK,
        targets=ALL_TARGETS,
        setup=a_victim_with_an_update_owed,
    ),
    Endpoint(
        "duty-log-contact",
        "POST",
        "/api/v1/duties/{duty}/log-contact/",
        POLICE_CASEWORK,
        body={"channel": "phone", "summary": "Told them of the change."},
        targets=ALL_TARGETS,
        setup=a_victim_with_an_update_owed,
    ),
    Endpoint(
        "victim-care",
        "GET",
        "/api/v1/cases/{case}/victims/{party}/care/",
        POLICE_CASEWORK,
        targets=ALL_TARGETS,
        setup=a_victim_with_an_update_owed,
    ),
    Endpoint(
        "victim-care",
        "PATCH",
        "/api/v1/cases/{case}/victims/{party}/care/",
        POLICE_CASEWORK,
        body={"spoken_for_by": "Father, John Smith"},
        needs_version=True,
        targets=ALL_TARGETS,
        setup=a_victim_with_an_update_owed,
    ),
    # Pages
    Endpoint("victim-updates", "GET", "/victim-updates/", POLICE_CASEWORK, page=True),
    Endpoint(
        "duty-log-contact",
        "GET",
        "/duties/{duty}/log-contact/",
        POLICE_CASEWORK,
        page=True,
        targets=ALL_TARGETS,
        setup=a_victim_with_an_update_owed,
    ),
    Endpoint(
        "victim-care",
        "GET",
        "/cases/{case}/victims/{party}/care/",
        POLICE_CASEWORK,
        page=True,
        targets=ALL_TARGETS,
        setup=a_victim_with_an_update_owed,
    ),
]
