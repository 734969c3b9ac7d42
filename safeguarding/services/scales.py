"""Each agency's own risk scale, mapped to the shared levels, and its targets."""

from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction

from agencies import access
from agencies.audit import access_log_record
from agencies.models import Agency
from common.api.concurrency import version_check
from common.errors import NotFound, PreconditionRequired, ValidationError
from safeguarding.models import (
    LEVEL_RANK,
    ActionTarget,
    RiskScale,
    RiskScaleLevel,
    SharedLevel,
)

# When an agency's scale has no grade for a level, the grade shown is the nearest
# more severe one (a charity's Red stands for critical too), else the nearest less
# severe; unknown is never given a grade that is not its own.
_NOT_GRADED = "Not yet graded"


def _own_agency_require(actor: User, action: str, agency: Agency) -> None:
    membership = access.require(actor, action)
    if membership.agency_id != agency.pk:
        raise NotFound()


def _grades_validated(levels: list[dict[str, Any]]) -> list[RiskScaleLevel]:
    """Each grade, checked by its model; across the grades, each has its own name.
    Every problem is named by the grade's place from 1: `levels[2].label`."""
    if not levels:
        raise ValidationError({"levels": ["A scale needs at least one level."]})
    errors: dict[str, list[str]] = {}
    seen_labels: set[str] = set()
    grades = []
    for position, level in enumerate(levels, start=1):
        grade = RiskScaleLevel(
            position=position,
            label=(level.get("label") or "").strip(),
            definition=(level.get("definition") or "").strip(),
            shared_level=level.get("shared_level") or "",
        )
        grade_errors: dict[str, list[str]] = {}
        try:
            grade.full_clean(exclude=RiskScaleLevel.CLEAN_EXCLUDE)
        except ValidationError as error:
            grade_errors = error.message_dict
        if "label" not in grade_errors and grade.label.lower() in seen_labels:
            grade_errors = {"label": ["Each grade needs its own name."], **grade_errors}
        seen_labels.add(grade.label.lower())
        errors.update(
            {f"levels[{position}].{field}": messages for field, messages in grade_errors.items()}
        )
        grades.append(grade)
    if errors:
        raise ValidationError(errors)
    return grades


@transaction.atomic
def scale_put(
    *,
    actor: User,
    agency: Agency,
    name: str,
    levels: list[dict[str, Any]],
    expected_version: int | None,
    reason: str = "",
) -> RiskScale:
    """A new version of the agency's scale. The old versions stay, unchanged."""
    _own_agency_require(actor, "safeguarding.scale.manage", agency)
    RiskScale(name=name).full_clean(exclude=RiskScale.CLEAN_EXCLUDE)
    grades = _grades_validated(levels)
    current = RiskScale.objects.select_for_update().filter(agency=agency, is_current=True).first()
    if current is not None:
        if expected_version is None:
            raise PreconditionRequired()
        version_check(current, expected_version)
        current.is_current = False
        current.save(update_fields=["is_current"])
    scale = RiskScale.objects.create(
        agency=agency,
        version=(current.version + 1) if current else 1,
        name=name.strip(),
        is_current=True,
        created_by=actor,
        change_reason=reason.strip()[:300],
    )
    for grade in grades:
        grade.scale = scale
    RiskScaleLevel.objects.bulk_create(grades)
    # The queue shows each case's grade in the agency's current words.
    _agency_vocabulary_changed(
        actor=actor,
        agency=agency,
        action="safeguarding.scale.changed",
        logged=("risk_scale", scale.pk),
        justification=reason or f"version {scale.version}",
    )
    return scale


def _agency_vocabulary_changed(
    *,
    actor: User,
    agency: Agency,
    action: str,
    logged: tuple[str, UUID | int],
    justification: str,
) -> None:
    """After an agency changes its scale or its targets: the change logged (`logged`
    names the object type and id) and its work queue brought up to date."""
    from safeguarding.services.queue import priorities_refresh_for_agency

    object_type, object_id = logged
    access_log_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_agency_slug=agency.slug,
        justification=justification,
    )
    priorities_refresh_for_agency(agency_id=agency.pk)


def agency_grade(scale_levels: list[RiskScaleLevel], level: str) -> str:
    """The agency's own word for a shared level, from one version of its scale."""
    if not scale_levels:
        return ""
    exact = [grade for grade in scale_levels if grade.shared_level == level]
    if exact:
        return exact[0].label
    if level == SharedLevel.UNKNOWN:
        return _NOT_GRADED
    rank = LEVEL_RANK[level]
    graded = [g for g in scale_levels if g.shared_level != SharedLevel.UNKNOWN]
    more_severe = [g for g in graded if LEVEL_RANK[g.shared_level] < rank]
    if more_severe:
        return max(more_severe, key=lambda g: LEVEL_RANK[g.shared_level]).label
    less_severe = [g for g in graded if LEVEL_RANK[g.shared_level] > rank]
    return min(less_severe, key=lambda g: LEVEL_RANK[g.shared_level]).label if less_severe else ""


def current_scale_levels(agency_id: UUID) -> tuple[RiskScale | None, list[RiskScaleLevel]]:
    scale = (
        RiskScale.objects.filter(agency_id=agency_id, is_current=True)
        .prefetch_related("levels")
        .first()
    )
    return scale, (list(scale.levels.all()) if scale else [])


def action_targets(agency_id: UUID) -> dict[str, int]:
    targets = dict(ActionTarget.DEFAULTS)
    targets.update(
        ActionTarget.objects.filter(agency_id=agency_id).values_list("level", "working_days")
    )
    return targets


@transaction.atomic
def action_targets_put(*, actor: User, agency: Agency, targets: dict[str, int]) -> dict[str, int]:
    """Set the agency's targets; the due dates of its waiting cases follow at once."""

    _own_agency_require(actor, "safeguarding.scale.manage", agency)
    errors = {}
    for level, days in targets.items():
        if level not in SharedLevel.values:
            errors[f"targets.{level}"] = [f"Choose one of: {', '.join(SharedLevel.values)}."]
        elif not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 260:
            errors[f"targets.{level}"] = ["Give a whole number of working days from 0 to 260."]
    if errors:
        raise ValidationError(errors)
    for level, days in targets.items():
        ActionTarget.objects.update_or_create(
            agency=agency, level=level, defaults={"working_days": days}
        )
    _agency_vocabulary_changed(
        actor=actor,
        agency=agency,
        action="safeguarding.targets.changed",
        logged=("agency", agency.pk),
        justification=", ".join(f"{k} {v}" for k, v in sorted(targets.items())),
    )
    return action_targets(agency.pk)
