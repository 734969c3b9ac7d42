"""Risk assessments: recorded, never edited; a new one supersedes the last."""

from datetime import date
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from agencies.models import Membership
from cases.models import Case, CaseParty
from cases.services.common import case_action_require, case_open_require, log_case_access
from common.errors import ValidationError
from safeguarding.models import Assessment, SharedLevel
from safeguarding.risk_templates import level_compute, template_current
from safeguarding.services.queue import priority_refresh
from safeguarding.services.scales import agency_grade, current_scale_levels

_ERROR_ORDER = {
    name: rank
    for rank, name in enumerate(
        ("template", "subject", "review_on", "override_level", "override_rationale")
    )
}


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    case: Case,
    subject: CaseParty,
    template_key: str,
    answers: dict[str, Any],
    review_on: date,
    override_level: str = "",
    override_rationale: str = "",
) -> Assessment:
    case_action_require(actor, "safeguarding.assessment.add", case)
    case_open_require(case)
    membership = cast(Membership, access.membership_of(actor))
    template = template_current(template_key)
    if template is None:
        raise ValidationError({"template": ["No assessment template has this key."]})
    if subject.case_id != case.pk or not access.party_visible(actor, subject):
        raise ValidationError({"subject": ["Choose a party to this case."]})
    # What depends on who records it; the assessment's own rules are the model's.
    errors: dict[str, list[str]] = {}
    if membership.agency.kind not in template.agency_kinds:
        errors["template"] = [f"'{template.name}' is not used by your kind of agency."]
    if override_level in SharedLevel.values and not access.can(
        actor, "safeguarding.assessment.override", case
    ):
        errors["override_level"] = [
            "Only a specialist investigator, supervisor, social worker or MASH "
            "coordinator may override the computed level."
        ]
    assessment = Assessment(
        case=case,
        subject=subject,
        template_key=template.key,
        template_version=template.version,
        answers=answers,
        override_level=override_level or "",
        override_rationale=(override_rationale or "").strip(),
        assessor=actor,
        review_on=review_on,
    )
    try:
        assessment.full_clean(exclude=Assessment.CLEAN_EXCLUDE)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        # In the order the form asks; each factor's answer last.
        raise ValidationError(
            dict(sorted(errors.items(), key=lambda item: _ERROR_ORDER.get(item[0], 99)))
        )
    cleaned: dict[str, Any] = assessment.answers
    computation = level_compute(template, {k: v["answer"] for k, v in cleaned.items()})
    scale, scale_levels = current_scale_levels(membership.agency_id)
    effective = assessment.override_level or computation.level
    # Assessments of one party are recorded one at a time, so that two at once cannot
    # both supersede the same one. The party's row is the lock: PostgreSQL cannot lock
    # the rows of "not yet superseded", which is the nullable side of an outer join.
    list(CaseParty.objects.select_for_update().filter(pk=subject.pk).values_list("pk"))
    previous = (
        Assessment.objects.filter(
            subject=subject, template_key=template.key, superseded_by__isnull=True
        )
        .order_by("-assessed_at", "-id")
        .first()
    )
    assessment.computed_level = computation.level
    assessment.known_factors = computation.known_factors
    assessment.total_factors = computation.total_factors
    assessment.scale = scale
    assessment.agency_grade = agency_grade(scale_levels, effective)
    assessment.assessed_at = timezone.now()
    assessment.supersedes = previous
    assessment.save(force_insert=True)
    log_case_access(
        actor=actor,
        action="safeguarding.assessment.recorded",
        case=case,
        object_type="assessment",
        object_id=assessment.pk,
    )
    if case.owning_agency_id == membership.agency_id:
        priority_refresh(case)
    return assessment
