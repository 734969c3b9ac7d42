"""Risk assessments: recorded, never edited; a new one supersedes the last."""

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from cases.models import Case, CaseParty, PartyRole
from cases.services.common import case_action_require, case_open_require, log_case_access
from common.errors import ValidationError
from safeguarding.models import Assessment, FactorAnswer, SharedLevel
from safeguarding.risk_templates import Template, level_compute, template_current
from safeguarding.services.queue import priority_refresh
from safeguarding.services.scales import agency_grade, current_scale_levels

NOTE_MAX_LENGTH = 1000


def _answers_validated(template: Template, answers: dict, errors: dict) -> dict:
    """Each factor's answer and note, cleaned; every problem goes into `errors`,
    named `answers.<factor key>`."""
    if not isinstance(answers, dict):
        errors["answers"] = ["Give an answer for each factor of the template."]
        return {}
    factor_keys = {factor.key for factor in template.factors}
    for key in sorted(set(answers) - factor_keys, key=str):
        errors[f"answers.{key}"] = [f"The template '{template.name}' has no factor '{key}'."]
    cleaned = {}
    for factor in template.factors:
        given = answers.get(factor.key)
        field = f"answers.{factor.key}"
        if given is None:
            errors[field] = [f"Answer '{factor.label}': yes, no or not known."]
            continue
        answer = given.get("answer") if isinstance(given, dict) else given
        note = given.get("note") if isinstance(given, dict) else ""
        if not isinstance(answer, str) or answer not in FactorAnswer.values:
            errors[field] = [f"Choose one of: {', '.join(FactorAnswer.values)}."]
            continue
        if note is None:
            note = ""
        if not isinstance(note, str):
            errors[field] = ["A note must be text."]
            continue
        note = note.strip()
        if len(note) > NOTE_MAX_LENGTH:
            errors[field] = [f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer."]
            continue
        cleaned[factor.key] = {"answer": answer, "note": note}
    return cleaned


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    case: Case,
    subject: CaseParty,
    template_key: str,
    answers: dict,
    review_on: date,
    override_level: str = "",
    override_rationale: str = "",
) -> Assessment:
    case_action_require(actor, "safeguarding.assessment.add", case)
    case_open_require(case)
    membership = access.membership_of(actor)
    errors: dict[str, list[str]] = {}
    template = template_current(template_key)
    if template is None:
        raise ValidationError({"template": ["No assessment template has this key."]})
    if membership.agency.kind not in template.agency_kinds:
        errors["template"] = [f"'{template.name}' is not used by your kind of agency."]
    if subject.case_id != case.pk or not access.party_visible(actor, subject):
        raise ValidationError({"subject": ["Choose a party to this case."]})
    if subject.role not in template.subject_roles:
        roles = [
            str(label).lower()
            for role, label in PartyRole.choices
            if role in template.subject_roles
        ]
        errors["subject"] = [f"'{template.name}' assesses a {' or '.join(roles)}."]
    if review_on is None or review_on < timezone.localdate():
        errors["review_on"] = ["Set a review date from today onwards."]
    override_level = override_level or ""
    if override_level:
        if override_level not in SharedLevel.values:
            errors["override_level"] = [f"Choose one of: {', '.join(SharedLevel.values)}."]
        elif not access.can(actor, "safeguarding.assessment.override", case):
            errors["override_level"] = [
                "Only a specialist investigator, supervisor, social worker or MASH "
                "coordinator may override the computed level."
            ]
        if not (override_rationale or "").strip():
            errors["override_rationale"] = ["Write the rationale for the professional judgement."]
    elif (override_rationale or "").strip():
        errors["override_level"] = [
            "Choose the level your judgement sets, or leave out the rationale."
        ]
    cleaned = _answers_validated(template, answers, errors)
    if errors:
        raise ValidationError(errors)
    computation = level_compute(template, {k: v["answer"] for k, v in cleaned.items()})
    scale, scale_levels = current_scale_levels(membership.agency_id)
    effective = override_level or computation.level
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
    assessment = Assessment.objects.create(
        case=case,
        subject=subject,
        template_key=template.key,
        template_version=template.version,
        answers=cleaned,
        computed_level=computation.level,
        known_factors=computation.known_factors,
        total_factors=computation.total_factors,
        override_level=override_level,
        override_rationale=(override_rationale or "").strip(),
        scale=scale,
        agency_grade=agency_grade(scale_levels, effective),
        assessor=actor,
        assessed_at=timezone.now(),
        review_on=review_on,
        supersedes=previous,
    )
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
