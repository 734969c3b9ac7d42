"""The agency's rules of good practice for staff who review abuse material
(Recommendation 6): the daily limit of review, the final minutes of a shift kept
free of it, and how often a debrief and a welfare review are due.

An agency admin of a police force changes the rules of their own agency, saying
why. The bounds of each number (`EXPOSURE_RULE_BOUNDS`) are shared with the API
and the page that edit them. How a session is checked against the rules is in
`welfare.services.staff_sessions`."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from agencies import access
from agencies.audit import access_log_record
from common.api.concurrency import version_check
from common.errors import PreconditionRequired, ValidationError
from common.history import history_note
from welfare.models import ExposureRules
from welfare.selectors.staff_exposure import exposure_rules_get_or_create

# Each rule: (lowest, highest, what it is called, its unit, what to ask when it is missing).
EXPOSURE_RULE_BOUNDS: dict[str, tuple[int, int, str, str, str]] = {
    "max_review_minutes_per_day": (
        30,
        720,
        "The daily limit of review",
        "minutes",
        "Enter the daily limit of review, in minutes.",
    ),
    "no_review_final_minutes": (
        0,
        240,
        "The end of a shift kept free of review",
        "minutes",
        "Enter how many minutes at the end of a shift are kept free of review.",
    ),
    "debrief_every_months": (
        1,
        12,
        "The time between debriefs",
        "months",
        "Enter how often a debrief is due, in months.",
    ),
    "welfare_review_every_months": (
        1,
        24,
        "The time between welfare reviews",
        "months",
        "Enter how often a welfare review is due, in months.",
    ),
}


def exposure_rule_errors(values: dict) -> dict[str, list[str]]:
    """What is wrong with each of the four numbers: missing, not a whole number, or
    outside its bounds (the bounds themselves are allowed)."""
    errors: dict[str, list[str]] = {}
    for name, (lowest, highest, called, unit, missing) in EXPOSURE_RULE_BOUNDS.items():
        value = values.get(name)
        if value is None or value == "":
            errors[name] = [missing]
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[name] = [f"{called} must be a whole number of {unit}."]
        elif not lowest <= value <= highest:
            errors[name] = [f"{called} must be between {lowest} and {highest} {unit}."]
    return errors


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
    errors = exposure_rule_errors(values)
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
