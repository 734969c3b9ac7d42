"""The agency's rules of good practice for staff who review abuse material
(Recommendation 6): the daily limit of review, the final minutes of a shift kept
free of it, and how often a debrief and a welfare review are due.

An agency admin of a police force changes the rules of their own agency, saying
why. The bounds of each number (`welfare.models.staff.EXPOSURE_RULE_BOUNDS`) are
shared with the API and the page that edit them. How a session is checked against the rules is in
`welfare.services.staff_sessions`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from agencies import access
from agencies.audit import access_log_record
from common.api.concurrency import version_check
from common.errors import PreconditionRequired, ValidationError
from common.history import history_note
from welfare.models import ExposureRules
from welfare.models.staff import EXPOSURE_RULE_BOUNDS as EXPOSURE_RULE_BOUNDS
from welfare.selectors.staff_exposure import exposure_rules_get_or_create
from welfare.services.validation import clean_errors


def exposure_rule_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with each of the four numbers (ExposureRules.clean): missing,
    not a whole number, or outside its bounds (the bounds themselves are allowed)."""
    rules = ExposureRules(**{name: values.get(name) for name in EXPOSURE_RULE_BOUNDS})
    return clean_errors(rules, exclude=["agency"])


@transaction.atomic
def exposure_rules_update(
    *,
    actor: User,
    expected_version: int | None,
    max_review_minutes_per_day: int | None,
    no_review_final_minutes: int | None,
    debrief_every_months: int | None,
    welfare_review_every_months: int | None,
    reason: str,
) -> ExposureRules:
    """Change the rules of good practice of the actor's own agency (an agency admin
    of a police force), from the version they last read, saying why.

    Bounds (each inclusive): the daily limit 30 to 720 minutes; no review in the
    final 0 to 240 minutes of a shift (0 turns that rule off); a debrief every 1 to
    12 months; a welfare review every 1 to 24 months.

    The new rules apply to sessions logged from now on and to the due dates of the
    next debrief and welfare review. Sessions already logged keep the breaches
    decided when they were logged: nothing is re-marked. A change that leaves every
    number as it was changes nothing (no new version, no history)."""
    membership = access.require(actor, "staff.rules.manage")
    values = {
        "max_review_minutes_per_day": max_review_minutes_per_day,
        "no_review_final_minutes": no_review_final_minutes,
        "debrief_every_months": debrief_every_months,
        "welfare_review_every_months": welfare_review_every_months,
    }
    errors = exposure_rule_errors(values)  # the rules' own, before the reason's
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["Enter why you are changing the rules."]
    elif len(reason) > 500:
        errors["reason"] = ["The reason must be 500 characters or fewer."]
    if errors:
        raise ValidationError(errors)
    if expected_version is None:
        raise PreconditionRequired()
    exposure_rules_get_or_create(membership.agency_id)
    locked = ExposureRules.objects.select_for_update().get(agency_id=membership.agency_id)
    version_check(locked, int(expected_version))
    if all(getattr(locked, name) == value for name, value in values.items()):
        return locked
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.full_clean()
    history_note(locked, actor=actor, reason=reason)
    locked.save()
    access_log_record(
        actor=actor,
        action="staff.rules.changed",
        object_type="exposure_rules",
        object_id=locked.pk,
        object_agency_slug=membership.agency.slug,
        justification=reason,
    )
    return locked
