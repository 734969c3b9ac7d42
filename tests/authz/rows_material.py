"""Matrix rows for the material summary (police specialists and supervisors of the
owning force only; never a granted agency) and activist-group evidence (ordinary
case information: a granted agency may read it, not change it)."""

from datetime import UTC, datetime

from agencies.access import CASEWORK, MATERIAL_READERS
from cases.models import ActivistEvidence, CaseSource, MaterialSummary
from tests.authz import Endpoint
from tests.factories import CaseFactory

ALL_TARGETS = ("own", "other", "granted")
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def a_case_with_material(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner)
    summary = MaterialSummary.objects.create(
        case=case,
        category_a_count=1,
        category_b_count=2,
        category_c_count=3,
        hashes=[{"algorithm": "sha256", "value": SHA256}],
        updated_by=case.created_by,
    )
    return {"case": case.id, "_case": case, "_version": summary.version}


def an_activist_group_case(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, source=CaseSource.ACTIVIST_GROUP)
    evidence = ActivistEvidence.objects.create(
        case=case,
        group_name="Fictional Watch Group",
        decoy_posed_as_child=True,
        suspect_confronted=False,
        confrontation_streamed_live=False,
        handed_over="Chat logs.",
        handed_over_at=datetime(2026, 3, 1, 19, 45, tzinfo=UTC),
        chain_of_custody="Emailed to the force.",
        suspect_alerted_risk="Low.",
        updated_by=case.created_by,
    )
    return {"case": case.id, "_case": case, "_version": evidence.version}


ROWS = [
    Endpoint(
        "case-material",
        "GET",
        "/api/v1/cases/{case}/material/",
        MATERIAL_READERS,
        targets=ALL_TARGETS,
        setup=a_case_with_material,
    ),
    Endpoint(
        "case-material",
        "PUT",
        "/api/v1/cases/{case}/material/",
        MATERIAL_READERS,
        body={
            "category_a_count": 2,
            "category_b_count": 2,
            "category_c_count": 3,
            "first_generation": False,
            "hashes": [{"algorithm": "sha256", "value": SHA256}],
            "reason": "re-graded",
        },
        needs_version=True,
        targets=ALL_TARGETS,
        setup=a_case_with_material,
    ),
    Endpoint(
        "case-activist-evidence",
        "GET",
        "/api/v1/cases/{case}/activist-evidence/",
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=an_activist_group_case,
    ),
    Endpoint(
        "case-activist-evidence",
        "PUT",
        "/api/v1/cases/{case}/activist-evidence/",
        CASEWORK,
        body={
            "group_name": "Fictional Watch Group",
            "decoy_posed_as_child": True,
            "suspect_confronted": True,
            "confrontation_streamed_live": False,
            "handed_over": "Chat logs and screenshots.",
            "handed_over_at": "2026-03-01T19:45:00Z",
            "chain_of_custody": "Group lead to the front desk, sealed bag TL-001.",
            "suspect_alerted_risk": "Medium: he was confronted at his door.",
        },
        needs_version=True,
        targets=ALL_TARGETS,
        setup=an_activist_group_case,
    ),
    Endpoint(
        "case-material-edit",
        "GET",
        "/cases/{case}/material/",
        MATERIAL_READERS,
        page=True,
        targets=ALL_TARGETS,
        setup=a_case_with_material,
    ),
    Endpoint(
        "case-activist-evidence-edit",
        "GET",
        "/cases/{case}/activist-evidence/",
        CASEWORK,
        page=True,
        targets=ALL_TARGETS,
        setup=an_activist_group_case,
    ),
]
