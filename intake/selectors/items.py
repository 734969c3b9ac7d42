"""The intake queue and one item: every read of an item a user can trigger, scoped to
the reader's own force in the query, with each read written to the access log.

The queue is ordered like the work queue: critical first (`band` 0), then the moment
action is due, ending in the key; the partial index `item_queue` serves it, and it
is paged by keyset (common.keyset), never counted, never skipped through."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from agencies import access
from agencies.audit import access_denial_record, access_read_record
from agencies.models import Agency, AgencyKind
from agencies.selectors import agency_list
from cases.models import (
    PERSON_IDENTIFIER_KINDS,
    Case,
    CaseStatus,
    Identifier,
    IdentifierKind,
    PartyRole,
)
from cases.selectors import case_scope
from common.errors import NotFound
from intake.models import IncidentType, IntakeItem, IntakeReport, ItemState, ReportSource

# The queue's order: the index `item_queue`, ending in the key.
QUEUE_ORDER = ("band", "action_due_at", "id")

_PERSON_KINDS = sorted(str(kind) for kind in PERSON_IDENTIFIER_KINDS)


def item_scope(actor: User, *, action: str = "intake.item.view") -> QuerySet[IntakeItem]:
    """The items of the actor's own force, when their role may do `action`; nothing
    for anyone else (another force never sees a force's intake)."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, action):
        return IntakeItem.objects.none()
    return IntakeItem.objects.filter(agency_id=membership.agency_id)


def intake_queue(*, actor: User) -> QuerySet[IntakeItem]:
    """The force's undecided items (held ones included, tagged by their state):
    critical first, then by when action is due. The filter is the index's own
    condition, so that the page is read from it in order."""
    return (
        item_scope(actor)
        .filter(~Q(state=ItemState.DECIDED))
        .select_related("agency")
        .order_by(*QUEUE_ORDER)
    )


def _refused_owner(item_id: Any) -> str:
    # For the owner's auditor only: never shown to the caller.
    try:
        return (
            IntakeItem.objects.filter(pk=item_id).values_list("agency__slug", flat=True).first()
            or ""
        )
    except (ValueError, TypeError, DjangoValidationError):
        return ""


def item_get_for_actor(
    *, actor: User, item_id: UUID | str, action: str = "intake.item.view", log: bool = True
) -> IntakeItem:
    """One item of the actor's force: the same NotFound for "does not exist" and "not
    yours" (another force's, or a reader with no agency). The read is logged as a
    read of personal data; so is a refusal."""
    try:
        item = (
            item_scope(actor, action=action)
            .select_related("agency", "decided_by", "case", "passed_to", "preservation_sent_by")
            .get(pk=item_id)
        )
    except (ObjectDoesNotExist, ValueError, TypeError, DjangoValidationError) as exc:
        access_denial_record(
            actor=actor,
            action=action,
            object_type="intake_item",
            object_id=item_id,
            object_agency_slug=_refused_owner(item_id),
            justification="not found or out of scope",
        )
        raise NotFound() from exc
    if log:
        access_read_record(
            actor=actor,
            action="intake.item.viewed",
            object_type="intake_item",
            object_id=item.pk,
            object_agency_slug=item.agency.slug,
            justification=access.justification_for(actor, item),
        )
    return item


@dataclass(frozen=True)
class ItemReport:
    """A report of the item with the identifiers it carried."""

    report: IntakeReport
    identifiers: list[Identifier]


def item_reports(*, actor: User, item: IntakeItem) -> list[ItemReport]:
    """The item's reports, oldest first, each with its identifiers: two queries
    whatever the count (the identifiers are read once for all of them). Scoped
    again by the actor's force: another force's item gives nothing."""
    reports = list(
        IntakeReport.objects.filter(item=item, agency_id=item.agency_id, item__in=item_scope(actor))
        .select_related("package")
        .order_by("received_at", "id")
    )
    by_report: dict[UUID, list[Identifier]] = defaultdict(list)
    if reports:
        for identifier in Identifier.objects.filter(
            report_id__in=[report.pk for report in reports]
        ).order_by("kind", "value", "id"):
            if identifier.report_id is not None:
                by_report[identifier.report_id].append(identifier)
    access_read_record(
        actor=actor,
        action="intake.report.listed",
        object_type="intake_report",
        object_id=item.pk,
        object_agency_slug=item.agency.slug,
        justification=access.justification_for(actor, item),
        records=list(reports),
    )
    return [ItemReport(report, by_report.get(report.pk, [])) for report in reports]


@dataclass(frozen=True)
class AttachSuggestion:
    """A case of the reader's force that holds one of the item's person identifiers."""

    case: Case
    matched_kinds: list[str]

    @property
    def matched_labels(self) -> list[str]:
        return [IdentifierKind(kind).label for kind in self.matched_kinds]


def _person_identifiers(reports: list[ItemReport]) -> set[tuple[str, str]]:
    return {
        (identifier.kind, identifier.value)
        for entry in reports
        for identifier in entry.identifiers
        if identifier.kind in PERSON_IDENTIFIER_KINDS
    }


def attach_suggestions(
    *, actor: User, item: IntakeItem, reports: list[ItemReport] | None = None
) -> list[AttachSuggestion]:
    """The open cases of the actor's own force, visible to the actor, that hold any
    of the item's person identifiers (equality on (value, kind), index
    `identifier_value`), each with the kinds that matched. Never another force's
    case: a match there is deconfliction's, and says nothing of the case."""
    membership = access.membership_of(actor)
    if membership is None or item.agency_id != membership.agency_id:
        return []
    if reports is None:
        reports = item_reports(actor=actor, item=item)
    pairs = _person_identifiers(reports)
    if not pairs:
        return []
    matching = reduce(or_, (Q(value=value, kind=kind) for kind, value in sorted(pairs)))
    rows = access.compartment_scope(
        actor,
        Identifier.objects.filter(matching, kind__in=_PERSON_KINDS)
        .filter(agency_id=membership.agency_id, case__isnull=False)
        .filter(case__owning_agency_id=membership.agency_id, case__status=CaseStatus.OPEN),
    )
    kinds_by_case: dict[UUID, set[str]] = defaultdict(set)
    for case_id, kind in rows.values_list("case_id", "kind").distinct():
        kinds_by_case[case_id].add(kind)
    if not kinds_by_case:
        return []
    cases = list(
        case_scope(actor)
        .filter(pk__in=list(kinds_by_case), owning_agency_id=membership.agency_id)
        .select_related("owning_agency", "lead_officer")
        .order_by("-received_on", "-id")
    )
    access_read_record(
        actor=actor,
        action="intake.item.cases_suggested",
        object_type="case",
        object_id=item.pk,
        object_agency_slug=item.agency.slug,
        justification=access.justification_for(actor, item),
        records=cases,
    )
    return [AttachSuggestion(case, sorted(kinds_by_case[case.pk])) for case in cases]


# --- What opening a case from the item would record (the form pre-fills it)


@dataclass(frozen=True)
class ProposedIdentifier:
    kind: str
    value: str
    given: str
    platform: str = ""
    seen_at: datetime | None = None
    port: int | None = None

    @property
    def label(self) -> str:
        return IdentifierKind(self.kind).label

    def key(self) -> tuple[str, str, str, datetime | None, int | None]:
        return (self.kind, self.value, self.platform, self.seen_at, self.port)


@dataclass(frozen=True)
class ProposedParty:
    """A party the case would open with: each apparent child as a victim, and the
    reported account holder as a suspect carrying the reported identifiers."""

    key: str
    role: str
    first_name: str
    last_name: str
    description: str
    estimated_age: int | None = None
    estimated_age_on: date | None = None
    identifiers: tuple[ProposedIdentifier, ...] = field(default_factory=tuple)

    @property
    def role_label(self) -> str:
        return PartyRole(self.role).label


@dataclass(frozen=True)
class CaseProposal:
    title: str
    source_reference: str
    received_on: date
    parties: list[ProposedParty]
    # The case's own numbers: every report's source id and package reference.
    case_identifiers: list[ProposedIdentifier]

    def parties_chosen(self, keys: list[str] | None) -> list[ProposedParty]:
        if keys is None:
            return list(self.parties)
        wanted = set(keys)
        return [party for party in self.parties if party.key in wanted]


def _local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


def item_case_proposal(*, item: IntakeItem, reports: list[ItemReport]) -> CaseProposal:
    """The case that opening one from the item would record, worked out from its
    reports alone (no query): the title, the parties and the identifiers."""
    first = reports[0].report if reports else None
    parties: list[ProposedParty] = []
    number = 0
    for entry in reports:
        report = entry.report
        seen_on = _local_day(report.incident_at or report.received_at)
        for child in report.children or []:
            number += 1
            age = child.get("estimated_age") if isinstance(child, dict) else None
            age = age if isinstance(age, int) and age >= 0 else None
            where = child.get("location", "") if isinstance(child, dict) else ""
            description = (
                f"Apparent child {number}, "
                f"{f'about {age}' if age is not None else 'age not known'}, "
                f"in {report.get_source_display()} {report.source_report_id}"
            )
            if where:
                description += f" ({where})"
            parties.append(
                ProposedParty(
                    key=f"child-{number}",
                    role=PartyRole.VICTIM,
                    first_name="Unknown",
                    last_name="child",
                    description=description,
                    estimated_age=age,
                    estimated_age_on=seen_on if age is not None else None,
                )
            )
    seen: dict[tuple[Any, ...], ProposedIdentifier] = {}
    for entry in reports:
        for row in entry.identifiers:
            if row.kind not in PERSON_IDENTIFIER_KINDS:
                continue
            proposed = ProposedIdentifier(
                row.kind, row.value, row.given, row.platform, row.seen_at, row.port
            )
            seen.setdefault(proposed.key(), proposed)
    if seen or reports:
        parties.append(
            ProposedParty(
                key="suspect",
                role=PartyRole.SUSPECT,
                first_name="Unknown",
                last_name="Unknown",
                description="The reported account holder, not yet named",
                identifiers=tuple(seen.values()),
            )
        )
    numbers: dict[tuple[str, str], ProposedIdentifier] = {}
    for entry in reports:
        report = entry.report
        given = [(IdentifierKind.SOURCE_REPORT, report.source_report_id)]
        if report.package_reference:
            given.append((IdentifierKind.PACKAGE_REFERENCE, report.package_reference))
        for kind, raw in given:
            value = "".join(raw.split()).upper()
            numbers.setdefault((kind, value), ProposedIdentifier(kind, value, raw))
    if first is not None:
        kind_label = IncidentType(first.incident_type).label
        source_label = "CyberTip" if first.source == ReportSource.NCMEC_CYBERTIP else "Report"
        title = f"{kind_label}: {source_label} {first.source_report_id}"
        if len(reports) > 1:
            title += f" and {len(reports) - 1} more"
    else:
        title = "Online report"
    return CaseProposal(
        title=title[:200],
        source_reference=first.source_report_id if first is not None else "",
        received_on=_local_day(item.received_at),
        parties=parties,
        case_identifiers=list(numbers.values()),
    )


def pass_force_choices(*, actor: User) -> QuerySet[Agency]:
    """The police forces an item may be passed to: every force but the actor's own
    (names and kinds of agencies are not secret)."""
    membership = access.membership_of(actor)
    forces = agency_list().filter(kind=AgencyKind.POLICE)
    if membership is not None:
        forces = forces.exclude(pk=membership.agency_id)
    return forces


def case_id_by_reference(*, actor: User, reference: str) -> UUID | None:
    """The id of the case of the actor's force that they may change, known by its
    reference (NP-2026-000042); None when there is none they may change. The case
    itself is then read through `case_get_for_actor`, which logs the read."""
    membership = access.membership_of(actor)
    wanted = (reference or "").strip().upper()
    if membership is None or not wanted:
        return None
    found: UUID | None = (
        case_scope(actor, action="cases.case.change")
        .filter(reference=wanted, owning_agency_id=membership.agency_id)
        .values_list("pk", flat=True)
        .first()
    )
    return found
