"""Anonymised statistics on suspect welfare, for publication: for the caller's own
agency's cases and a calendar year (Europe/London), how many suspects learnt of the
investigation, how many were screened for suicide risk and with what result, how
many safety plans were made, whether 48-hour checks and welfare contacts were made
on time, and the incidents of self-harm, attempted suicide and death by stage and
by kind.

Everything is counted in the database (four grouped queries, whatever the number
of suspects) and nothing about a person leaves this module: no name, no case
reference, no id.

The figures are published under the disclosure control of
`welfare.report_suppression`: small counts suppressed, and shares only where both
counts are published.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from agencies import access
from agencies.models import Agency
from cases.models import CaseParty, InvestigationEvent
from cases.models.event import FIRST_CONTACT_EVENTS
from common.errors import ValidationError
from common.replica import replica_reads
from welfare.models import (
    Duty,
    DutyKind,
    DutyStatus,
    DutyTrigger,
    IncidentKind,
    IncidentStage,
    SafetyPlan,
    ScreeningResult,
    WelfareIncident,
    WelfareScreening,
)
from welfare.report_suppression import SUPPRESSION_THRESHOLD, Figure, _figures

FIRST_YEAR = 2000


@dataclass(frozen=True)
class DutyFigures:
    """Duties of one kind that fell due in the year, by how they went."""

    due: Figure
    on_time: Figure
    late: Figure
    not_reached: Figure
    declined: Figure
    missed: Figure
    not_yet_due: Figure

    @property
    def parts(self) -> list[Figure]:
        return [getattr(self, part) for part in DUTY_PARTS]


@dataclass(frozen=True)
class SuspectWelfareStatistics:
    year: int
    agency: Agency
    suspects: Figure
    screened: Figure
    not_screened: Figure
    at_risk_or_unknown: Figure
    at_risk: Figure
    unknown: Figure
    not_at_risk: Figure
    safety_plans: Figure
    welfare_checks: DutyFigures
    welfare_contacts: DutyFigures
    incidents: Figure
    incidents_by_stage: list[Figure] = field(default_factory=list)
    incidents_by_kind: list[Figure] = field(default_factory=list)
    threshold: int = SUPPRESSION_THRESHOLD


# --- The year


def report_year_check(year: int | None, *, today: date) -> int:
    if year is None:
        raise ValidationError({"year": ["Enter a year, such as 2026."]})
    if year > today.year:
        raise ValidationError({"year": ["The year must not be in the future."]})
    if year < FIRST_YEAR:
        raise ValidationError({"year": [f"Enter a year from {FIRST_YEAR} onwards."]})
    return year


def _start_of_year(year: int) -> datetime:
    """Midnight on 1 January, Europe/London (GMT then, so no clock change at it)."""
    return timezone.make_aware(datetime(year, 1, 1))


# --- The counts


SUSPECT_LABELS = {
    "suspects": "Suspects who learnt of an investigation",
    "screened": "Screened for suicide risk",
    "not_screened": "Not screened",
    "at_risk_or_unknown": "At risk or unknown",
    "at_risk": "At risk",
    "unknown": "Unknown, never at risk",
    "not_at_risk": "Not at risk",
}
DUTY_LABELS = {
    "due": "Due in the year",
    "on_time": "Made on time",
    "late": "Made late",
    "not_reached": "Could not reach them",
    "declined": "They declined to talk",
    "missed": "Missed",
    "not_yet_due": "Not yet due",
}
DUTY_PARTS = ["on_time", "late", "not_reached", "declined", "missed", "not_yet_due"]
_STAGE_KEYS = [f"stage:{stage}" for stage in IncidentStage.values]
_KIND_KEYS = [f"kind:{kind}" for kind in IncidentKind.values]


def _suspect_counts(agency_id, start: datetime, end: datetime) -> dict[str, int]:
    """The suspects of the agency's cases whose first contact (a search, an arrest, a
    voluntary interview) was in the year, by their screenings at any time: each
    suspect falls in exactly one of at risk, unknown only, not at risk, not screened.
    One query."""
    screenings = WelfareScreening.objects.filter(suspect=OuterRef("pk"))
    counted = (
        CaseParty.objects.filter(case__owning_agency_id=agency_id)
        .filter(
            Exists(
                InvestigationEvent.objects.filter(
                    suspect=OuterRef("pk"),
                    kind__in=FIRST_CONTACT_EVENTS,
                    occurred_at__gte=start,
                    occurred_at__lt=end,
                )
            )
        )
        .annotate(
            any_screening=Exists(screenings),
            any_at_risk=Exists(screenings.filter(result=ScreeningResult.AT_RISK)),
            any_unknown=Exists(screenings.filter(result=ScreeningResult.UNKNOWN)),
        )
        .order_by()
        .aggregate(
            suspects=Count("pk"),
            screened=Count("pk", filter=Q(any_screening=True)),
            at_risk_or_unknown=Count("pk", filter=Q(any_at_risk=True) | Q(any_unknown=True)),
            at_risk=Count("pk", filter=Q(any_at_risk=True)),
        )
    )
    return {
        "suspects": counted["suspects"],
        "screened": counted["screened"],
        "not_screened": counted["suspects"] - counted["screened"],
        "at_risk_or_unknown": counted["at_risk_or_unknown"],
        "at_risk": counted["at_risk"],
        "unknown": counted["at_risk_or_unknown"] - counted["at_risk"],
        "not_at_risk": counted["screened"] - counted["at_risk_or_unknown"],
    }


_DUTY_KINDS = {
    "welfare_checks": DutyKind.WELFARE_CHECK,
    "welfare_contacts": DutyKind.WELFARE_CONTACT,
}


def _duty_counts(agency_id, start: datetime, end: datetime, now: datetime) -> dict[str, int]:
    """48-hour checks and welfare contacts that fell due in the year, by how they
    went. Met (by speaking with the person: `welfare.services.welfare_checks`) by the
    due moment is on time; met after it, late, whatever the number of hours (never
    on time); could not reach them and they declined to talk, each apart; still open
    past the due moment, or closed without an attempt (not needed), missed; still
    open before it, not yet due. Each check is counted once: its second attempt
    (trigger SECOND_ATTEMPT) follows a first that is counted as "could not reach
    them", and is not counted again. A duty cancelled because it stopped applying
    (the investigation reached a decision before the next contact fell due) was
    never owed, and is not counted at all. One query."""
    met = Q(status=DutyStatus.MET)
    is_open = Q(status=DutyStatus.OPEN)
    not_reached = Q(status=DutyStatus.NOT_REACHED)
    declined = Q(status=DutyStatus.DECLINED)
    conditions = {
        "on_time": met & Q(resolved_at__lte=F("due_at")),
        "late": met & Q(resolved_at__gt=F("due_at")),
        "not_reached": not_reached,
        "declined": declined,
        "missed": (is_open & Q(due_at__lt=now)) | (~is_open & ~met & ~not_reached & ~declined),
        "not_yet_due": is_open & Q(due_at__gte=now),
    }
    aggregates = {}
    for prefix, kind in _DUTY_KINDS.items():
        aggregates[f"{prefix}.due"] = Count("pk", filter=Q(kind=kind))
        for part, condition in conditions.items():
            aggregates[f"{prefix}.{part}"] = Count("pk", filter=Q(kind=kind) & condition)
    return (
        Duty.objects.exclude(status=DutyStatus.CANCELLED)
        .exclude(trigger=DutyTrigger.SECOND_ATTEMPT)
        .filter(
            case__owning_agency_id=agency_id,
            kind__in=list(_DUTY_KINDS.values()),
            due_at__gte=start,
            due_at__lt=end,
        )
        .order_by()
        .aggregate(**aggregates)
    )


def _incident_counts(agency_id, start: datetime, end: datetime) -> dict[str, int]:
    """Incidents in the year, by stage and by kind: one query grouped by both."""
    counts = dict.fromkeys(["incidents", *_STAGE_KEYS, *_KIND_KEYS], 0)
    grouped = (
        WelfareIncident.objects.filter(
            case__owning_agency_id=agency_id,
            occurred_at__gte=start,
            occurred_at__lt=end,
            # The service accepts only these; a row written some other way would make
            # the total disagree with its parts, so it is left out of both.
            stage__in=IncidentStage.values,
            kind__in=IncidentKind.values,
        )
        .order_by()
        .values_list("stage", "kind")
        .annotate(count=Count("pk"))
    )
    for stage, kind, count in grouped:
        counts["incidents"] += count
        counts[f"stage:{stage}"] += count
        counts[f"kind:{kind}"] += count
    return counts


# A statistical return: its counts may come from the read replica, if any.
@replica_reads()
def suspect_welfare_statistics(
    *,
    actor: User,
    year: int | None,
    today: date | None = None,
    now: datetime | None = None,
) -> SuspectWelfareStatistics:
    """The published figures for the actor's own agency's cases and `year`.

    A statistical return with no record in it, so an auditor of a police force may
    read it, as the access policy says; only police forces have these figures."""
    membership = access.require(actor, "welfare.report.suspect_welfare")
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    year = report_year_check(year, today=today)
    start, end = _start_of_year(year), _start_of_year(year + 1)
    agency_id = membership.agency_id

    counts: dict[str, int] = {
        **_suspect_counts(agency_id, start, end),
        "safety_plans": SafetyPlan.objects.filter(
            case__owning_agency_id=agency_id, created_at__gte=start, created_at__lt=end
        )
        .order_by()
        .count(),
        **_duty_counts(agency_id, start, end, now),
        **_incident_counts(agency_id, start, end),
    }
    labels = {
        **SUSPECT_LABELS,
        "safety_plans": "Safety plans made",
        **{
            f"{prefix}.{part}": label
            for prefix in _DUTY_KINDS
            for part, label in DUTY_LABELS.items()
        },
        "incidents": "All incidents",
        **{f"stage:{stage.value}": stage.label for stage in IncidentStage},
        **{f"kind:{kind.value}": kind.label for kind in IncidentKind},
    }
    tables = [
        ("suspects", ["screened", "not_screened"]),
        ("screened", ["at_risk_or_unknown", "not_at_risk"]),
        ("at_risk_or_unknown", ["at_risk", "unknown"]),
        *[(f"{prefix}.due", [f"{prefix}.{part}" for part in DUTY_PARTS]) for prefix in _DUTY_KINDS],
        ("incidents", _STAGE_KEYS),
        ("incidents", _KIND_KEYS),
    ]
    shares = {
        "screened": "suspects",
        "not_screened": "suspects",
        "at_risk_or_unknown": "suspects",
        "at_risk": "suspects",
        "unknown": "suspects",
        "not_at_risk": "suspects",
        **{f"{prefix}.{part}": f"{prefix}.due" for prefix in _DUTY_KINDS for part in DUTY_PARTS},
        **dict.fromkeys([*_STAGE_KEYS, *_KIND_KEYS], "incidents"),
    }
    figures = _figures(counts, labels, tables, shares)

    def duties(prefix: str) -> DutyFigures:
        return DutyFigures(
            **{part: _keyed(figures[f"{prefix}.{part}"], part) for part in DUTY_LABELS}
        )

    return SuspectWelfareStatistics(
        year=year,
        agency=membership.agency,
        **{key: figures[key] for key in SUSPECT_LABELS},  # type: ignore[arg-type]  # Figures only
        safety_plans=figures["safety_plans"],
        welfare_checks=duties("welfare_checks"),
        welfare_contacts=duties("welfare_contacts"),
        incidents=figures["incidents"],
        incidents_by_stage=[
            _keyed(figures[f"stage:{stage}"], stage) for stage in IncidentStage.values
        ],
        incidents_by_kind=[_keyed(figures[f"kind:{kind}"], kind) for kind in IncidentKind.values],
    )


def _keyed(figure: Figure, key: str) -> Figure:
    """The figure under its published key (the stage, the kind, the part)."""
    return replace(figure, key=key)
