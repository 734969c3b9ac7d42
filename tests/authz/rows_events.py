"""Investigation events on suspects (arrest, charge, bail...): every agency that
works a case reads them, a granted one too; only police casework records them."""

from datetime import UTC, date, datetime

from tests.authz import RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import CASEWORKERS, POLICE_CASEWORKERS
from tests.factories import CaseFactory, PartyFactory, UserFactory


def a_case_with_a_suspect(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, created_by=actor.user, received_on=date(2026, 3, 2))
    suspect = PartyFactory(
        case=case, created_by=case.created_by, person__created_by=case.created_by, role="suspect"
    )
    return {"case": case.id, "suspect": suspect.id, "_case": case, "_version": case.version}


def a_suspect_arrested(owner, actor) -> dict:
    from cases.models import InvestigationEvent

    values = a_case_with_a_suspect(owner, actor)
    InvestigationEvent.objects.create(
        case=values["_case"],
        suspect_id=values["suspect"],
        kind="arrested",
        occurred_at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
        recorded_by=UserFactory(),
    )
    return values


ROWS = [
    Endpoint(
        "case-events",
        "GET",
        "/api/v1/cases/{case}/events/",
        CASEWORKERS,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_suspect_arrested,
        listing=True,
        fields=frozenset(
            {
                "id",
                "suspect",
                "kind",
                "kind_label",
                "occurred_at",
                "bail_end_on",
                "bail_authority",
                "details",
                "recorded_by",
                "created_at",
            }
        ),
    ),
    Endpoint(
        "case-events",
        "POST",
        "/api/v1/cases/{case}/events/",
        POLICE_CASEWORKERS,
        ok=201,
        body=lambda values: {
            "suspect": str(values["suspect"]),
            "kind": "arrested",
            "occurred_at": "2026-03-10T10:00:00Z",
        },
        targets=RECORD_TARGETS,
        setup=a_case_with_a_suspect,
    ),
    # Pages
    *form_page(
        "event-create",
        "/cases/{case}/events/new/",
        POLICE_CASEWORKERS,
        setup=a_case_with_a_suspect,
    ),
]
