"""Risk assessments: every agency that works a case reads and records them; a
granted agency does both (risk is shared, and a statutory partner assesses the
children named in what it was granted)."""

from datetime import timedelta

from django.utils import timezone

from safeguarding.models import Assessment
from safeguarding.risk_templates import CHILD_SAFEGUARDING, SUSPECT_PRIORITISATION
from tests.authz import EVERY_OWNER, RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import CASEWORKERS
from tests.factories import CaseFactory, PartyFactory, UserFactory


def a_case_to_assess(owner, actor) -> dict:
    """A case with a suspect and a child."""
    case = CaseFactory(owning_agency=owner, created_by=actor.user)
    suspect = PartyFactory(
        case=case, created_by=case.created_by, person__created_by=case.created_by, role="suspect"
    )
    child = PartyFactory(
        case=case, created_by=case.created_by, person__created_by=case.created_by, role="victim"
    )
    return {"case": case.id, "_case": case, "_suspect": suspect, "_child": child}


def an_assessment(owner, actor) -> dict:
    values = a_case_to_assess(owner, actor)
    template = SUSPECT_PRIORITISATION
    assessment = Assessment.objects.create(
        case=values["_case"],
        subject=values["_suspect"],
        template_key=template.key,
        template_version=template.version,
        answers={f.key: {"answer": "no", "note": ""} for f in template.factors},
        computed_level="low",
        known_factors=len(template.factors),
        total_factors=len(template.factors),
        assessor=UserFactory(),
        assessed_at=timezone.now(),
        review_on=timezone.localdate() + timedelta(days=90),
    )
    return {**values, "assessment": assessment.id}


def _assessment_body(values) -> dict:
    """The template the caller's kind of agency uses, with the party it fits (police:
    the suspect; children's services and the hub: the child)."""
    police = values["_column"].agency == "police"
    template = SUSPECT_PRIORITISATION if police else CHILD_SAFEGUARDING
    subject = values["_suspect"] if police else values["_child"]
    return {
        "subject": str(subject.id),
        "template": template.key,
        "answers": {f.key: {"answer": "no", "note": ""} for f in template.factors},
        "review_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }


ROWS = [
    Endpoint(
        "case-assessments",
        "GET",
        "/api/v1/cases/{case}/assessments/",
        CASEWORKERS,
        targets=EVERY_OWNER,
        granted_ok=True,
        setup=an_assessment,
        listing=True,
        fields=frozenset(
            {
                "id",
                "subject",
                "template",
                "answers",
                "computed_level",
                "completeness",
                "override_level",
                "override_rationale",
                "level",
                "agency_grade",
                "scale",
                "assessor",
                "assessed_at",
                "review_on",
                "supersedes",
                "superseded_by",
            }
        ),
    ),
    Endpoint(
        "case-assessments",
        "POST",
        "/api/v1/cases/{case}/assessments/",
        CASEWORKERS,
        ok=201,
        body=_assessment_body,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case_to_assess,
    ),
    # Pages
    *form_page(
        "case-assessment-create",
        "/cases/{case}/assessments/new/",
        CASEWORKERS,
        granted_ok=True,
        setup=a_case_to_assess,
    ),
    Endpoint(
        "case-assessment-detail",
        "GET",
        "/cases/{case}/assessments/{assessment}/",
        CASEWORKERS,
        page=True,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=an_assessment,
    ),
]
