"""Reads about outcomes beyond one case: the outcome report for a year, and the
conditional cautions whose conditions went unmet and now need a prosecution
decision. Scoped by the access policy in the database, like cases.selectors."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from agencies import access
from agencies.models import Agency
from cases.models import Case, Outcome, OutcomeCode
from cases.outcome_groups import GROUP_OF_CODE, OUTCOME_GROUPS
from cases.selectors import case_scope, visible_parties
from common.errors import ValidationError
from common.replica import replica_reads

# --- Prosecution decisions after unmet caution conditions


def _prosecution_decision_due_q(today: date) -> Q:
    """A conditional caution whose conditions were not met by their date: either the
    date has passed with nothing recorded (the partial index outcome_conditions_due
    covers exactly these rows), or they were recorded as not met."""
    return Q(is_conditional_caution=True) & (
        Q(conditions_met__isnull=True, conditions_due_on__lt=today) | Q(conditions_met=False)
    )


def prosecution_decision_due(outcome: Outcome, *, today: date | None = None) -> bool:
    """The same rule for one outcome already in hand (no query)."""
    today = today or timezone.localdate()
    if not outcome.is_conditional_caution or outcome.conditions_met is True:
        return False
    if outcome.conditions_met is False:
        return True
    return outcome.conditions_due_on is not None and outcome.conditions_due_on < today


def prosecution_decisions_due(*, actor: User) -> QuerySet[Outcome]:
    """The actor's own force's conditional cautions now needing a prosecution
    decision, oldest due first. Only the force that recorded them acts on them."""
    return (
        Outcome.objects.filter(
            _prosecution_decision_due_q(timezone.localdate()),
            case__in=case_scope(actor, action="cases.outcome.add"),
            suspect__in=visible_parties(actor),
        )
        .select_related("case", "suspect__person")
        .order_by("conditions_due_on", "id")
    )


def case_needs_prosecution_decision(case: Case) -> bool:
    """For a case the caller has already read through its selector."""
    return Outcome.objects.filter(
        _prosecution_decision_due_q(timezone.localdate()), case=case
    ).exists()


# --- The outcome report


@dataclass(frozen=True)
class GroupCount:
    key: str
    label: str
    count: int
    percentage: Decimal


@dataclass(frozen=True)
class CodeCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class OutcomeReport:
    year: int
    agency: Agency
    total: int
    groups: list[GroupCount]
    codes: list[CodeCount]


def percentage_of(count: int, total: int) -> Decimal:
    """To one decimal place, halves rounded up; 0.0 when there is nothing to divide."""
    if not total:
        return Decimal("0.0")
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def report_year_check(year: int | None) -> int:
    if year is None:
        raise ValidationError({"year": ["Enter a year, such as 2026."]})
    if year > timezone.localdate().year:
        raise ValidationError({"year": ["The year must not be in the future."]})
    if year < 2000:
        raise ValidationError({"year": ["Enter a year from 2000 onwards."]})
    return year


# A statistical return: its counts may come from the read replica, if any.
@replica_reads()
def outcome_report(*, actor: User, year: int | None) -> OutcomeReport:
    """The actor's own agency's outcomes with a date in `year`, grouped as in the
    report behind this product. Counted in the database, in one query.

    The report is a statistical return of counts by code, with no record in it, so
    it is not narrowed by compartment: an auditor (cleared for no casework) may read
    it, as the access policy says."""
    membership = access.require(actor, "cases.report.outcomes")
    year = report_year_check(year)
    counted = dict(
        Outcome.objects.filter(
            case__owning_agency_id=membership.agency_id,
            outcome_on__gte=date(year, 1, 1),
            outcome_on__lte=date(year, 12, 31),
        )
        .order_by()
        .values("code")
        .annotate(count=Count("id"))
        .values_list("code", "count")
    )
    total = sum(counted.values())
    by_group = dict.fromkeys(OUTCOME_GROUPS, 0)
    for code, count in counted.items():
        # Every code the service accepts has a group; a row written some other way
        # still counts, under "other", so that the total stays true.
        by_group[GROUP_OF_CODE.get(code, "other")] += count
    groups = [
        GroupCount(
            key=key,
            label=group.label,
            count=by_group[key],
            percentage=percentage_of(by_group[key], total),
        )
        for key, group in OUTCOME_GROUPS.items()
    ]
    codes = [
        CodeCount(code=code.value, label=code.label, count=counted.get(code.value, 0))
        for code in OutcomeCode
    ]
    return OutcomeReport(
        year=year, agency=membership.agency, total=total, groups=groups, codes=codes
    )
