"""Matrix rows for the material summary (police specialists and supervisors of the
owning force only; never a granted agency) and activist-group evidence (ordinary
case information: a granted agency may read it, not change it)."""

from datetime import UTC, datetime

from agencies.models import Role
from cases.models import ActivistEvidence, CaseSource, MaterialSummary
from tests.authz import EVERY_OWNER, RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import CASEWORKERS
from tests.factories import CaseFactory

ALL_TARGETS = RECORD_TARGETS
# Cleared for the material compartment: police specialists and supervisors.
MATERIAL_READERS = frozenset({Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR})
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def a_case_with_material(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, created_by=actor.user)
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
    case = CaseFactory(owning_agency=owner, created_by=actor.user, source=CaseSource.ACTIVIST_GROUP)
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
        targets=EVERY_OWNER,
        setup=a_case_with_material,
        fields=frozenset(
            {
                "id",
                "category_a_count",
                "category_b_count",
                "category_c_count",
                "total_count",
                "first_generation",
                "caid_reference",
                "ncmec_report_id",
                "nca_package_reference",
                "hashes",
                "updated_by",
                "updated_at",
                "version",
            }
        ),
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
        CASEWORKERS,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=an_activist_group_case,
        fields=frozenset(
            {
                "id",
                "group_name",
                "decoy_posed_as_child",
                "suspect_confronted",
                "confrontation_streamed_live",
                "handed_over",
                "handed_over_at",
                "chain_of_custody",
                "suspect_alerted_risk",
                "updated_by",
                "updated_at",
                "version",
            }
        ),
    ),
    Endpoint(
        "case-activist-evidence",
        "PUT",
        "/api/v1/cases/{case}/activist-evidence/",
        CASEWORKERS,
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
    *form_page(
        "case-material-edit",
        "/cases/{case}/material/",
        MATERIAL_READERS,
        setup=a_case_with_material,
    ),
    *form_page(
        "case-activist-evidence-edit",
        "/cases/{case}/activist-evidence/",
        CASEWORKERS,
        setup=an_activist_group_case,
    ),
]
