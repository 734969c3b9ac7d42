"""Deciding an intake item: each item ends in one decision, recorded with the officer
and the reason. Open a case (with its parties and identifiers filled in), attach it
to an existing case of the force, pass it to another force, or take no further
action.

Every decision needs `intake.item.decide` on an item of the actor's own force, and
an item that is still awaiting one: a decided item answers 409 naming `decided`; an
item held for deconfliction answers 409 naming `held` until a supervisor records the
coordination agreed with the other force."""

import hashlib
import uuid
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from agencies.models import Agency, AgencyKind
from agencies.selectors.supervision import supervisors_for_team
from cases.models import Case, CaseParty, CaseSource, Identifier
from cases.services.cases import case_create
from cases.services.common import case_action_require, case_open_require, log_case_access
from cases.services.people import party_add_for_person
from common.errors import InvalidState, NotFound, ValidationError
from common.history import history_note
from common.notifications import notify
from intake.models import (
    IntakeDecision,
    IntakeItem,
    IntakePackage,
    IntakeReport,
    ItemState,
    PackageFormat,
    PackageState,
)
from intake.selectors.items import (
    CaseProposal,
    ProposedIdentifier,
    ProposedParty,
    item_case_proposal,
    item_reports,
)
from intake.services.bundling import reports_bundle

HELD_MESSAGE = "held for deconfliction: a supervisor must record the coordination first"
REASON_MAX = 2000


def _decided_message(item: IntakeItem) -> str:
    return f"This item is decided already: {item.get_decision_display().lower()}."


def _decision_begin(*, actor: User, item: IntakeItem) -> IntakeItem:
    """The item, locked, once the actor may decide it and it awaits a decision."""
    membership = access.require(actor, "intake.item.decide")
    if item.agency_id != membership.agency_id:
        raise NotFound()
    locked = IntakeItem.objects.select_for_update().select_related("agency").get(pk=item.pk)
    if locked.state == ItemState.DECIDED:
        raise InvalidState(_decided_message(locked), state=locked.state)
    if locked.state == ItemState.HELD_FOR_DECONFLICTION:
        raise InvalidState(HELD_MESSAGE, state=locked.state)
    return locked


def _reason_clean(reason: str, *, required: bool, missing: str) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": [missing]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"Keep the reason to {REASON_MAX} characters or fewer."]})
    return reason


def _decision_record(
    locked: IntakeItem,
    *,
    actor: User,
    decision: str,
    reason: str,
    case: Case | None = None,
    passed_to: Agency | None = None,
) -> IntakeItem:
    locked.state = ItemState.DECIDED
    locked.decision = decision
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.decision_reason = reason
    locked.case = case
    locked.passed_to = passed_to
    locked.version += 1
    label = IntakeDecision(decision).label.lower()
    history_note(locked, actor=actor, reason=f"decided: {label}; {reason}" if reason else label)
    locked.save(
        update_fields=[
            "state",
            "decision",
            "decided_at",
            "decided_by",
            "decision_reason",
            "case",
            "passed_to",
            "version",
            "updated_at",
        ]
    )
    access_log_record(
        actor=actor,
        action=f"intake.item.{decision}",
        object_type="intake_item",
        object_id=locked.pk,
        object_agency_slug=locked.agency.slug,
        justification=access.justification_for(actor, locked),
    )
    return locked


# --- Identifiers on the case


def _identifier_rows_add(
    *,
    actor: User,
    case: Case,
    identifiers: list[ProposedIdentifier],
    party: CaseParty | None = None,
) -> list[Identifier]:
    """Hold `identifiers` on the case (the party's, in its compartment; or the case's
    own, in the case compartment), skipping any it holds already on the same record."""
    compartment = party.compartment if party is not None else "case"
    held = {
        (row.kind, row.value, row.platform, row.seen_at, row.port)
        for row in Identifier.objects.filter(
            case=case, party=party, kind__in={proposed.kind for proposed in identifiers}
        )
    }
    rows = []
    for proposed in identifiers:
        if proposed.key() in held:
            continue
        held.add(proposed.key())
        rows.append(
            Identifier(
                kind=proposed.kind,
                value=proposed.value,
                given=proposed.given[:300],
                platform=proposed.platform,
                seen_at=proposed.seen_at,
                port=proposed.port,
                agency_id=case.owning_agency_id,
                case=case,
                party=party,
                person=party.person if party is not None else None,
                compartment=compartment,
                created_by=actor,
            )
        )
    for row in rows:
        row.full_clean(exclude=["case", "party", "person", "agency", "created_by"])
    Identifier.objects.bulk_create(rows)
    if rows:
        log_case_access(
            actor=actor,
            action="cases.identifier.added",
            case=case,
            object_type="party" if party is not None else "case",
            object_id=party.pk if party is not None else case.pk,
            note=f"{len(rows)} identifier{'s' if len(rows) != 1 else ''} from intake",
        )
    return rows


def _person_identifiers(proposal: CaseProposal) -> list[ProposedIdentifier]:
    found: dict[tuple[Any, ...], ProposedIdentifier] = {}
    for party in proposal.parties:
        for proposed in party.identifiers:
            found.setdefault(proposed.key(), proposed)
    return list(found.values())


# --- The four decisions


@transaction.atomic
def item_open_case(
    *,
    actor: User,
    item: IntakeItem,
    title: str,
    reason: str = "",
    parties: list[ProposedParty],
    summary: str = "",
) -> Case:
    """Open a case from the item through the case service: source NCA / NCMEC
    industry report, the first report's source id as its reference, received on the
    item's day. Each chosen party is recorded (an apparent child as a victim, with
    the estimated age and the day it was given; the account holder as a suspect
    carrying the reported identifiers), and the case holds every report's source id
    and package reference, so that a search for the CyberTip number finds it."""
    locked = _decision_begin(actor=actor, item=item)
    reason = _reason_clean(reason, required=False, missing="")
    reports = item_reports(actor=actor, item=locked)
    proposal = item_case_proposal(item=locked, reports=reports)
    if not (title or "").strip():
        raise ValidationError({"title": ["Enter a title for the case."]})
    case = case_create(
        actor=actor,
        title=title,
        summary=summary,
        source=CaseSource.NCA_INDUSTRY_REPORT,
        source_reference=proposal.source_reference,
        received_on=proposal.received_on,
    )
    for proposed in parties:
        party = party_add_for_person(
            actor=actor,
            case=case,
            person=None,
            new_person={
                "first_name": proposed.first_name,
                "last_name": proposed.last_name,
                "estimated_age": proposed.estimated_age,
                "estimated_age_on": proposed.estimated_age_on,
            },
            role=proposed.role,
            notes=proposed.description,
        )
        if proposed.identifiers:
            _identifier_rows_add(
                actor=actor, case=case, identifiers=list(proposed.identifiers), party=party
            )
    _identifier_rows_add(actor=actor, case=case, identifiers=proposal.case_identifiers)
    _decision_record(
        locked,
        actor=actor,
        decision=IntakeDecision.OPEN_CASE,
        reason=reason or f"opened {case.reference}",
        case=case,
    )
    return case


@transaction.atomic
def item_attach(*, actor: User, item: IntakeItem, case: Case, reason: str = "") -> Case:
    """Attach the item to an open case of the actor's force that they may change:
    the reports' identifiers are copied to the case (as the case's own), with every
    report's source id and package reference. A case the actor cannot see is 404."""
    locked = _decision_begin(actor=actor, item=item)
    reason = _reason_clean(reason, required=False, missing="")
    case_action_require(actor, "cases.case.change", case)
    if case.owning_agency_id != locked.agency_id:
        raise ValidationError({"case": ["Choose a case of your own force."]})
    case_open_require(case)
    reports = item_reports(actor=actor, item=locked)
    proposal = item_case_proposal(item=locked, reports=reports)
    _identifier_rows_add(
        actor=actor,
        case=case,
        identifiers=_person_identifiers(proposal) + proposal.case_identifiers,
    )
    log_case_access(actor=actor, action="cases.case.intake_attached", case=case, note=reason[:200])
    _decision_record(
        locked,
        actor=actor,
        decision=IntakeDecision.ATTACH_TO_CASE,
        reason=reason or f"attached to {case.reference}",
        case=case,
    )
    return case


# --- Pass to another force

# What a report is, copied as it is to the receiving force; the rest is the copy's own.
_REPORT_OWN_FIELDS = frozenset({"id", "agency", "package", "line_number", "item", "created_at"})


def _handover_package(*, actor: User, locked: IntakeItem, agency: Agency) -> IntakePackage:
    """The receiving force's package standing for the handover: no raw file (nothing
    to dispose of), imported at once."""
    now = timezone.now()
    package = IntakePackage(
        agency=agency,
        uploaded_by=actor,
        uploaded_at=now,
        file_name=f"Passed on by {locked.agency.name}"[:200],
        format=PackageFormat.JSON_LINES,
        size_bytes=0,
        sha256=hashlib.sha256(str(locked.pk).encode()).hexdigest(),
        stored_name="",
        raw_disposed_at=now,
        state=PackageState.IMPORTED,
        started_at=now,
        finished_at=now,
    )
    package.save(force_insert=True)
    return package


def _reports_hand_over(
    *, actor: User, locked: IntakeItem, agency: Agency
) -> tuple[IntakePackage, list[IntakeReport], list[IntakeReport]]:
    """Copy the item's reports (and their identifiers) to `agency`, in one new package
    of theirs, and bundle them there as the import does. A report the receiving force
    holds already is skipped and counted as a duplicate. Returns the package, the new
    reports and the receiver's reports that were already there."""
    package = _handover_package(actor=actor, locked=locked, agency=agency)
    originals = list(
        IntakeReport.objects.filter(item=locked, agency_id=locked.agency_id).order_by(
            "received_at", "id"
        )
    )
    held = {
        (report.source, report.source_report_id): report
        for report in IntakeReport.objects.filter(
            agency=agency,
            source__in={report.source for report in originals},
            source_report_id__in={report.source_report_id for report in originals},
        )
    }
    fields = [
        field.attname
        for field in IntakeReport._meta.concrete_fields
        if field.name not in _REPORT_OWN_FIELDS
    ]
    copies: list[IntakeReport] = []
    duplicates: list[IntakeReport] = []
    copy_of: dict[Any, uuid.UUID] = {}
    for original in originals:
        key = (original.source, original.source_report_id)
        if key in held:
            duplicates.append(held[key])
            continue
        copy = IntakeReport(
            id=uuid.uuid4(),
            agency=agency,
            package=package,
            line_number=len(copies) + 1,
            **{name: getattr(original, name) for name in fields},
        )
        held[key] = copy
        copies.append(copy)
        copy_of[original.pk] = copy.pk
    IntakeReport.objects.bulk_create(copies)
    Identifier.objects.bulk_create(
        [
            Identifier(
                kind=row.kind,
                value=row.value,
                given=row.given,
                platform=row.platform,
                seen_at=row.seen_at,
                port=row.port,
                agency=agency,
                compartment=row.compartment,
                report_id=copy_of[row.report_id],
            )
            for row in Identifier.objects.filter(report_id__in=list(copy_of))
        ],
        batch_size=1000,
    )
    if copies:
        reports_bundle(reports=copies)
    package.lines_done = package.processed = len(originals)
    package.accepted = len(copies)
    package.duplicates = len(duplicates)
    package.save(update_fields=["lines_done", "processed", "accepted", "duplicates"])
    return package, copies, duplicates


def _received_item_id(
    copies: list[IntakeReport], duplicates: list[IntakeReport]
) -> uuid.UUID | None:
    """The receiving force's item now holding the handed-over reports (the one the
    first new report was bundled into; else the one holding a report they had)."""
    if copies:
        return (
            IntakeReport.objects.filter(pk=copies[0].pk).values_list("item_id", flat=True).first()
        )
    return next((report.item_id for report in duplicates if report.item_id), None)


@transaction.atomic
def item_pass_to_force(
    *, actor: User, item: IntakeItem, agency: Agency | None, reason: str
) -> IntakeItem:
    """Pass the item to another police force (typically where the resolved location
    is outside the force's area). Nothing is lost: the item's reports and their
    identifiers are handed over to the receiving force, in a package of theirs
    standing for the handover, and bundled, triaged, deconflicted and given their
    preservation duty there as an import's are (a report they hold already is a
    duplicate). The receiving force's supervisors are told that a referral was passed
    to them, with a link to their item, and nothing more."""
    locked = _decision_begin(actor=actor, item=item)
    if agency is None or agency.kind != AgencyKind.POLICE:
        raise ValidationError({"agency": ["Choose a police force."]})
    if agency.pk == locked.agency_id:
        raise ValidationError({"agency": ["Choose another force than your own."]})
    reason = _reason_clean(reason, required=True, missing="Say why the item goes to this force.")
    decided = _decision_record(
        locked,
        actor=actor,
        decision=IntakeDecision.PASS_TO_FORCE,
        reason=reason,
        passed_to=agency,
    )
    package, copies, duplicates = _reports_hand_over(actor=actor, locked=locked, agency=agency)
    received_id = _received_item_id(copies, duplicates)
    handover = (
        f"{len(copies)} reports handed over, {len(duplicates)} held already; package {package.pk}"
    )
    access_log_record(
        actor=actor,
        action="intake.item.handed_over",
        object_type="intake_item",
        object_id=locked.pk,
        object_agency_slug=locked.agency.slug,
        justification=f"to {agency.slug}, item {received_id}: {handover}",
    )
    access_log_record(
        actor=actor,
        action="intake.item.received",
        object_type="intake_item",
        object_id=received_id or "",
        object_agency_slug=agency.slug,
        justification=f"passed on by {locked.agency.slug}, item {locked.pk}: {handover}",
    )
    link = f"/intake/items/{received_id}/" if received_id else "/intake/"
    for supervisor in supervisors_for_team(
        agency_id=agency.pk, agency_kind=agency.kind, team_id=None, exclude_user_id=None
    ):
        notify(
            user=supervisor,
            kind="intake.item.passed",
            message=f"{locked.agency.name} passed an online referral to your force.",
            link=link,
            dedupe_key=f"intake.item.passed:{locked.pk}:{supervisor.pk}",
        )
    return decided


@transaction.atomic
def item_no_further_action(*, actor: User, item: IntakeItem, reason: str) -> IntakeItem:
    """Take no further action on the item, with the reason (required)."""
    locked = _decision_begin(actor=actor, item=item)
    reason = _reason_clean(reason, required=True, missing="Say why no further action is taken.")
    return _decision_record(
        locked, actor=actor, decision=IntakeDecision.NO_FURTHER_ACTION, reason=reason
    )
