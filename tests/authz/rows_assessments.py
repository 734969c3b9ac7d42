from datetime import timedelta

from django.utils import timezone

from agencies.access import CASEWORK
from agencies.models import AgencyKind
from safeguarding.models import Assessment
from safeguarding.risk_templates import CHILD_SAFEGUARDING, SUSPECT_PRIORITISATION
from tests.authz import Endpoint
from tests.factories import CaseFactory, PartyFactory, UserFactory

ALL_TARGETS = ("own", "other", "granted")


def a_case_to_assess(owner, actor) -> dict:
    """A case with a suspect and a child, and the template the actor's kind of agency
    uses with the party it fits (police: the suspect; children's services and the
    hub: the child)."""
    case = CaseFactory(owning_agency=owner)
    suspect = PartyFactory(case=case, role="suspect")
    child = PartyFactory(case=case, role="victim")
    police = actor.agency.kind == AgencyKind.POLICE
    template = SUSPECT_PRIORITISATION if police else CHILD_SAFEGUARDING
    subject = suspect if police else child
    return {
        "case": case.id,
        "_case": case,
        "_subject": subject,
        "_template": template,
    }


def an_assessment(owner, actor) -> dict:
    values = a_case_to_assess(owner, actor)
    template = SUSPECT_PRIORITISATION
    subject = values["_case"].parties.get(role="suspect")
    assessment = Assessment.objects.create(
        case=values["_case"],
        subject=subject,
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
    template = values["_template"]
    return {
        "subject": str(values["_subject"].id),
        "template": template.key,
        "answers": {f.key: {"answer": "no", "note": ""} for f in template.factors},
        "review_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }


ROWS = [
    # A granted agency reads a case's assessments but never records one.
    Endpoint(
        "case-assessments",
        "GET",
        "/api/v1/cases/{case}/assessments/",
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=an_assessment,
    ),
    Endpoint(
        "case-assessments",
        "POST",
        "/api/v1/cases/{case}/assessments/",
        CASEWORK,
        ok=201,
        body=_assessment_body,
        targets=ALL_TARGETS,
        setup=a_case_to_assess,
    ),
    # Pages
    Endpoint(
        "case-assessment-create",
        "GET",
        "/cases/{case}/assessments/new/",
        CASEWORK,
        page=True,
        targets=ALL_TARGETS,
        setup=a_case_to_assess,
    ),
    Endpoint(
        "case-assessment-detail",
        "GET",
        "/cases/{case}/assessments/{assessment}/",
        CASEWORK,
        page=True,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=an_assessment,
    ),
]
