"""The dates of a retention rule: pure functions of the rule, the closing date and
the subject's date of birth, so that they can be tested on their own."""

from datetime import date
from typing import Any

from cases.models import Case, CaseParty, PartyRole
from records.models import CaseRetention, RetentionRule

# Whose date of birth a rule's ages count from. "The subject would be 100" is the
# youngest suspect's: the last of them to reach the age. A child's is the youngest
# child's in the case (a victim or a child in the suspect's household).
SUBJECT_ROLES = {
    "suspect": (PartyRole.SUSPECT,),
    "child": (PartyRole.VICTIM, PartyRole.CHILD_IN_HOUSEHOLD),
}


def years_after(start: date, years: int) -> date:
    """The same day `years` later. A 29 February becomes 1 March in a year with no
    29 February: the later of the two days, so a record is never let go a day early."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def rule_for_case(case: Case) -> RetentionRule:
    """The rule of the case's owning agency's kind that its offences fall under: the
    lowest rank whose offence types meet the case's, else the kind's default."""
    rules = list(RetentionRule.objects.filter(agency_kind=case.owning_agency.kind))
    offences = set(case.offences.values_list("offence_type", flat=True))
    for rule in sorted(rules, key=lambda rule: rule.rank):
        if offences & set(rule.offence_types):
            return rule
    default = next((rule for rule in rules if rule.is_default), None)
    if default is None:
        # The rules are seeded by migration 0002; a database emptied since (a test
        # that flushes it) has them again rather than failing every closure.
        if retention_rules_seed():
            return rule_for_case(case)
        raise LookupError(f"No default retention rule for {case.owning_agency.kind}.")
    return default


def retention_rules_seed() -> int:
    """Write the seeded rules that are missing (none are changed). Returns how many."""
    from records.models.retention_seed import RULES

    missing = [
        rule for rule in RULES if not RetentionRule.objects.filter(code=rule["code"]).exists()
    ]
    for rule in missing:
        RetentionRule.objects.create(**rule)
    return len(missing)


def subject_born_on(case_id: Any, rule: RetentionRule) -> date | None:
    """The youngest subject's date of birth, for a rule that counts an age (None
    when the rule counts none, or when any subject's date of birth is not recorded:
    an unknown subject may be the youngest, and a disposal cannot be undone)."""
    roles = SUBJECT_ROLES.get(rule.age_of)
    if not roles:
        return None
    births: list[date | None] = list(
        CaseParty.objects.filter(case_id=case_id, role__in=roles).values_list(
            "person__date_of_birth", flat=True
        )
    )
    known = [born for born in births if born is not None]
    if not births or len(known) < len(births):
        return None
    return max(known)


def first_review_on(rule: RetentionRule, *, closed_on: date, born_on: date | None) -> date:
    """The first review: `first_review_years` after closing, or the subject's
    birthday at `first_review_not_before_age` when that is later."""
    review = years_after(closed_on, rule.first_review_years)
    if rule.first_review_not_before_age is not None and born_on is not None:
        review = max(review, years_after(born_on, rule.first_review_not_before_age))
    return review


def next_review_suggested(rule: RetentionRule, *, reviewed_on: date) -> date:
    """The date a review that keeps the record suggests for the next one."""
    return years_after(reviewed_on, rule.review_every_years)


class AgeUnknown(Exception):
    """The rule keeps the record until the subject reaches an age, and not every
    subject's date of birth is recorded."""


def keep_until(rule: RetentionRule, *, born_on: date | None) -> date | None:
    """The day before which the record may not be disposed of (None: no such floor).
    AgeUnknown when the rule has one and the subject's date of birth is not known:
    whether they are past the age cannot be judged, so the record is kept."""
    if rule.keep_until_age is None:
        return None
    if born_on is None:
        raise AgeUnknown(rule.age_of)
    return years_after(born_on, rule.keep_until_age)


def retention_keep_until(retention: CaseRetention) -> tuple[date | None, bool]:
    """The date before which the case may not be disposed of under its rule, and
    whether it is unknown (the rule counts an age and a subject's date of birth is not
    held)."""
    try:
        return keep_until(
            retention.rule, born_on=subject_born_on(retention.case_id, retention.rule)
        ), False
    except AgeUnknown:
        return None, True
