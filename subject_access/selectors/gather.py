"""The export's own reads: everything an agency holds about the people a subject
access request is about, gathered for the records manager who answers it.

Scoped to the agency, not to compartments (docs/adr/0014-subject-access.md): a
records manager has no compartment clearance for casework pages, and answering a
request is the lawful exception. Every query here is filtered by the request's
agency in the database: the cases it owns, the referrals it sent or received, the
identifiers and intake reports it holds, the access-log entries of its people or
about its records. Another agency's records never enter an export, even when they
are about the same person (that agency answers for them).

Each gathered record becomes an `Item`: a section, a title and its fields as text.
An item that names other people (a party related to someone, a referral about
several people, a case-wide decision, a note that names another party of the case,
the children of an intake report) carries their names in `third_parties` and is
marked for review before release."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from agencies.models import AccessLogEntry, Agency
from cases.models import CaseParty, ContactLog, Identifier, KeyDecision, Person
from intake.models import IntakeReport
from referrals.models import Referral
from safeguarding.models import Assessment, Flag
from subject_access.models import ItemSection
from welfare.models import Duty

# An access log is long: the export holds the most recent entries about the person.
ACCESS_LOG_LIMIT = 2000
# Names shorter than this are not looked for alone in free text ("Al", "Jo").
_MIN_NAME_LENGTH = 3
# Other people are often named by how they are related, not by name ("her mother",
# "a man has been arrested"): words that describe someone else mark a text for review.
_RELATION_WORDS = (
    "mother|mum|father|dad|parents?|step-?(?:mother|father|parent)|brother|sister|siblings?"
    "|sons?|daughters?|grand(?:mother|father|parents?|son|daughter)|aunt|uncle|cousins?"
    "|husband|wife|partner|boyfriend|girlfriend|ex-partner|friends?|neighbou?rs?|carers?"
    "|guardians?|family|a man|a woman|a boy|a girl|suspects?|offenders?|witness(?:es)?"
)
_RELATION = re.compile(rf"\b({_RELATION_WORDS})\b", flags=re.IGNORECASE)


def described_in(*texts: str) -> list[str]:
    """Other people a text describes without naming ("someone described as 'mother'")."""
    found = dict.fromkeys(
        match.group(1).lower() for text in texts if text for match in _RELATION.finditer(text)
    )
    return [f"someone described as '{word}'" for word in found]


@dataclass
class Item:
    section: str
    source_type: str
    source_id: str
    title: str
    content: dict[str, str]
    case_reference: str = ""
    third_parties: list[str] = field(default_factory=list)
    # Marked for review even when no name was found (a case-wide record).
    review_anyway: bool = False

    @property
    def needs_review(self) -> bool:
        return bool(self.third_parties) or self.review_anyway


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _fields(**values: Any) -> dict[str, str]:
    """Label -> text, leaving out what is empty."""
    return {
        label.replace("_", " ").capitalize(): _text(v) for label, v in values.items() if _text(v)
    }


def _user(user: Any) -> str:
    return str(user.get_full_name() or user.get_username()) if user is not None else ""


class _Others:
    """The other people of each case (not the request's subjects), and how to find
    their names in free text."""

    def __init__(self, subject_ids: set[Any], case_ids: Iterable[Any]) -> None:
        self.by_case: dict[Any, list[Person]] = {}
        others = (
            CaseParty.objects.filter(case_id__in=list(case_ids))
            .exclude(person_id__in=subject_ids)
            .select_related("person")
            .order_by("created_at", "id")
        )
        for party in others:
            people = self.by_case.setdefault(party.case_id, [])
            if all(p.pk != party.person_id for p in people):
                people.append(party.person)

    @staticmethod
    def _patterns(person: Person) -> list[str]:
        names = [person.full_name, person.first_name, person.last_name]
        names += [alias.strip() for alias in (person.aliases or "").split(",")]
        return [n for n in names if len(n.strip()) >= _MIN_NAME_LENGTH]

    def named_in(self, case_id: Any, *texts: str) -> list[str]:
        """The other people of the case whose name (or a part of it) is in the texts, and
        anyone the texts describe by how they are related."""
        text = " ".join(t for t in texts if t)
        found: list[str] = []
        for person in self.by_case.get(case_id, []):
            for name in self._patterns(person):
                if re.search(rf"\b{re.escape(name)}\b", text, flags=re.IGNORECASE):
                    found.append(person.full_name)
                    break
        return found + described_in(text)

    def any_in(self, case_id: Any) -> bool:
        return bool(self.by_case.get(case_id))


def _merge(*groups: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(name for group in groups for name in group if name))


def gather(*, agency: Agency, subjects: list[Person]) -> list[Item]:
    """Every record `agency` holds about these people, in the export's order."""
    subject_ids = {person.pk for person in subjects}
    parties = list(
        CaseParty.objects.filter(person_id__in=subject_ids, case__owning_agency=agency)
        .select_related("case", "person", "related_to__person")
        .order_by("case__received_on", "created_at", "id")
    )
    party_ids = [party.pk for party in parties]
    case_ids = {party.case_id for party in parties}
    others = _Others(subject_ids, case_ids)
    items: list[Item] = []
    items += _people(subjects, agency, in_own_cases={party.person_id for party in parties})
    items += _parties(parties, others)
    items += _identifiers(agency, subject_ids, party_ids)
    items += _contacts(party_ids, others)
    items += _decisions(case_ids, others)
    items += _assessments(party_ids, others)
    items += _flags(party_ids, others)
    items += _referrals(agency, subject_ids, others)
    items += _duties(party_ids, others)
    items += _intake_reports(agency, subject_ids, party_ids)
    items += _access_log(agency, subject_ids, party_ids)
    return items


def _people(subjects: list[Person], agency: Agency, *, in_own_cases: set[Any]) -> list[Item]:
    """The person record itself, where the agency holds it: recorded by it, or a part
    of a case it owns. A person it knows only from a referral it received is the
    referrer's record: what the referral disclosed is its item, never the live record."""
    held = [
        person
        for person in subjects
        if person.recorded_by_agency_id == agency.pk or person.pk in in_own_cases
    ]
    return [
        Item(
            ItemSection.PERSON,
            "person",
            str(person.pk),
            f"Person record: {person.full_name}",
            _fields(
                first_name=person.first_name,
                last_name=person.last_name,
                other_names=person.aliases,
                date_of_birth=person.date_of_birth,
                estimated_age=person.estimated_age,
                gender=person.get_gender_display(),
                address=person.address,
                phone=person.phone,
                email=person.email,
                safe_to_phone=person.safe_to_phone,
                safe_to_write=person.safe_to_write,
                safe_to_visit=person.safe_to_visit,
                preferred_times=person.preferred_times,
                safe_contact_notes=person.safe_contact_notes,
                language=person.language,
                interpreter_needed=person.interpreter_needed,
                adjustments=person.adjustments,
                recorded_on=person.created_at,
            ),
            third_parties=described_in(
                person.preferred_times, person.safe_contact_notes, person.adjustments
            ),
        )
        for person in held
    ]


def _parties(parties: list[CaseParty], others: _Others) -> list[Item]:
    items = []
    for party in parties:
        related = party.related_to.person.full_name if party.related_to else ""
        items.append(
            Item(
                ItemSection.PARTY,
                "party",
                str(party.pk),
                f"{party.get_role_display()} in case {party.case.reference}",
                _fields(
                    case=party.case.reference,
                    case_received=party.case.received_on,
                    case_status=party.case.get_status_display(),
                    part=party.get_role_display(),
                    related_to=related,
                    relationship=party.relationship,
                    notes=party.notes,
                    added=party.created_at,
                ),
                case_reference=party.case.reference,
                third_parties=_merge([related], others.named_in(party.case_id, party.notes)),
            )
        )
    return items


def _identifiers(agency: Agency, subject_ids: set[Any], party_ids: list[Any]) -> list[Item]:
    identifiers = (
        Identifier.objects.filter(agency=agency)
        .filter(Q(person_id__in=subject_ids) | Q(party_id__in=party_ids))
        .select_related("case")
        .order_by("kind", "value", "id")
    )
    return [
        Item(
            ItemSection.IDENTIFIER,
            "identifier",
            str(identifier.pk),
            f"{identifier.get_kind_display()}: {identifier.given}",
            _fields(
                kind=identifier.get_kind_display(),
                value=identifier.given,
                platform=identifier.platform,
                seen_at=identifier.seen_at,
                recorded=identifier.created_at,
            ),
            case_reference=identifier.case.reference if identifier.case else "",
        )
        for identifier in identifiers
    ]


def _contacts(party_ids: list[Any], others: _Others) -> list[Item]:
    contacts = (
        ContactLog.objects.filter(party_id__in=party_ids)
        .select_related("case", "made_by")
        .order_by("contacted_at", "id")
    )
    return [
        Item(
            ItemSection.CONTACT,
            "contact",
            str(contact.pk),
            f"Contact by {contact.get_channel_display().lower()} on {_text(contact.contacted_at)}",
            _fields(
                when=contact.contacted_at,
                channel=contact.get_channel_display(),
                direction=contact.get_direction_display(),
                made_by=_user(contact.made_by),
                summary=contact.summary,
                next_contact_on=contact.next_contact_on,
            ),
            case_reference=contact.case.reference,
            third_parties=others.named_in(contact.case_id, contact.summary),
        )
        for contact in contacts
    ]


def _decisions(case_ids: set[Any], others: _Others) -> list[Item]:
    decisions = (
        KeyDecision.objects.filter(case_id__in=case_ids)
        .select_related("case", "decided_by")
        .order_by("decided_at", "id")
    )
    # A key decision is about the case as a whole: where the case names anyone else,
    # it is reviewed whether or not their name is in its words.
    return [
        Item(
            ItemSection.DECISION,
            "decision",
            str(decision.pk),
            f"Key decision on {_text(decision.decided_at)}",
            _fields(
                decision=decision.decision,
                rationale=decision.rationale,
                decided_by=_user(decision.decided_by),
                decided_at=decision.decided_at,
            ),
            case_reference=decision.case.reference,
            third_parties=others.named_in(decision.case_id, decision.decision, decision.rationale),
            review_anyway=others.any_in(decision.case_id),
        )
        for decision in decisions
    ]


def _assessments(party_ids: list[Any], others: _Others) -> list[Item]:
    assessments = (
        Assessment.objects.filter(subject_id__in=party_ids)
        .select_related("case", "assessor")
        .order_by("assessed_at", "id")
    )
    items = []
    for assessment in assessments:
        notes = [
            f"{key}: {answer.get('answer', '')}"
            + (f" ({answer['note']})" if answer.get("note") else "")
            for key, answer in sorted((assessment.answers or {}).items())
            if isinstance(answer, dict)
        ]
        items.append(
            Item(
                ItemSection.ASSESSMENT,
                "assessment",
                str(assessment.pk),
                f"Risk assessment on {_text(assessment.assessed_at)}",
                _fields(
                    template=assessment.template_key,
                    level=assessment.level,
                    agency_grade=assessment.agency_grade,
                    factors_known=f"{assessment.known_factors} of {assessment.total_factors}",
                    override_rationale=assessment.override_rationale,
                    answers="; ".join(notes),
                    assessor=_user(assessment.assessor),
                    assessed_at=assessment.assessed_at,
                    review_on=assessment.review_on,
                ),
                case_reference=assessment.case.reference,
                third_parties=others.named_in(
                    assessment.case_id, assessment.override_rationale, *notes
                ),
            )
        )
    return items


def _flags(party_ids: list[Any], others: _Others) -> list[Item]:
    flags = (
        Flag.objects.filter(party_id__in=party_ids)
        .select_related("case", "raised_by")
        .order_by("raised_at", "id")
    )
    return [
        Item(
            ItemSection.FLAG,
            "flag",
            str(flag.pk),
            f"Warning flag: {flag.get_kind_display()}",
            _fields(
                kind=flag.get_kind_display(),
                reason=flag.reason,
                raised_by=_user(flag.raised_by),
                raised_at=flag.raised_at,
                review_on=flag.review_on,
                cleared_at=flag.cleared_at,
                clear_reason=flag.clear_reason,
            ),
            case_reference=flag.case.reference,
            third_parties=others.named_in(flag.case_id, flag.reason, flag.clear_reason),
        )
        for flag in flags
    ]


def _referrals(agency: Agency, subject_ids: set[Any], others: _Others) -> list[Item]:
    """Referrals the agency sent or received that name one of the subjects: what
    was sent about them (their own fields of the disclosure)."""
    referrals = (
        Referral.objects.filter(Q(from_agency=agency) | (Q(to_agency=agency) & ~Q(state="draft")))
        .filter(parties__person_id__in=subject_ids)
        .distinct()
        .select_related("case", "from_agency", "to_agency")
        .prefetch_related("parties__person")
        .order_by("created_at", "id")
    )
    items = []
    for referral in referrals:
        subject_party_ids = {
            str(p.pk) for p in referral.parties.all() if p.person_id in subject_ids
        }
        others_named = [
            p.person.full_name for p in referral.parties.all() if p.person_id not in subject_ids
        ]
        shared: list[str] = []
        for party in (referral.disclosure or {}).get("parties", []):
            if party.get("party_id") in subject_party_ids:
                shared += [f"{k}: {_text(v)}" for k, v in party.get("fields", {}).items()]
        items.append(
            Item(
                ItemSection.REFERRAL,
                "referral",
                str(referral.pk),
                f"Referral from {referral.from_agency.name} to {referral.to_agency.name}",
                _fields(
                    purpose=referral.get_purpose_display(),
                    urgency=referral.get_urgency_display(),
                    state=referral.get_state_display(),
                    sent_at=referral.sent_at,
                    summary_for_receiver=referral.summary_for_receiver,
                    what_was_shared_about_you="; ".join(shared),
                    lawful_basis=referral.get_lawful_basis_display(),
                    outcome_summary=referral.outcome_summary,
                ),
                case_reference=referral.case.reference,
                third_parties=_merge(
                    others_named,
                    others.named_in(
                        referral.case_id, referral.summary_for_receiver, referral.outcome_summary
                    ),
                ),
            )
        )
    return items


def _duties(party_ids: list[Any], others: _Others) -> list[Item]:
    duties = (
        Duty.objects.filter(party_id__in=party_ids)
        .select_related("case", "responsible")
        .order_by("due_at", "id")
    )
    return [
        Item(
            ItemSection.DUTY,
            "duty",
            str(duty.pk),
            f"{duty.get_kind_display()}",
            _fields(
                reason=duty.reason,
                due=duty.due_at,
                status=duty.get_status_display(),
                resolved_at=duty.resolved_at,
                resolution_note=duty.resolution_note,
            ),
            case_reference=duty.case.reference,
            third_parties=others.named_in(duty.case_id, duty.reason, duty.resolution_note),
        )
        for duty in duties
    ]


def _intake_reports(agency: Agency, subject_ids: set[Any], party_ids: list[Any]) -> list[Item]:
    """The agency's intake reports that hold one of the subjects' identifiers."""
    held = list(
        Identifier.objects.filter(agency=agency)
        .filter(Q(person_id__in=subject_ids) | Q(party_id__in=party_ids))
        .values_list("kind", "value")
        .distinct()
    )
    if not held:
        return []
    matching = Q()
    for kind, value in held:
        matching |= Q(kind=kind, value=value)
    report_ids = (
        Identifier.objects.filter(agency=agency, report_id__isnull=False)
        .filter(matching)
        .values("report_id")
    )
    reports = IntakeReport.objects.filter(agency=agency, id__in=report_ids).order_by(
        "received_at", "id"
    )
    items = []
    for report in reports:
        children = [
            "a child"
            + (f" of about {c['estimated_age']}" if c.get("estimated_age") is not None else "")
            for c in (report.children or [])
            if isinstance(c, dict)
        ]
        items.append(
            Item(
                ItemSection.INTAKE_REPORT,
                "intake_report",
                str(report.pk),
                f"{report.get_source_display()} report {report.source_report_id}",
                _fields(
                    source=report.get_source_display(),
                    report=report.source_report_id,
                    received=report.received_at,
                    incident_at=report.incident_at,
                    service_provider=report.service_provider,
                    incident_type=report.get_incident_type_display(),
                    area=report.area,
                ),
                third_parties=children,
            )
        )
    return items


def _access_log(agency: Agency, subject_ids: set[Any], party_ids: list[Any]) -> list[Item]:
    """Entries of the access log about the subjects (their person record, or their part
    in a case), written by the agency's people or about its records."""
    named = Q()
    for pk in subject_ids:
        named |= Q(object_type="person", object_id=str(pk))
        named |= Q(record_ids__icontains=f'"person:{pk}"')
    for pk in party_ids:
        named |= Q(object_type="party", object_id=str(pk))
        named |= Q(record_ids__icontains=f'"party:{pk}"')
    ours = Q(agency_slug=agency.slug) | Q(object_agency_slug=agency.slug)
    entries = (
        AccessLogEntry.objects.filter(ours).filter(named).order_by("-sequence")[:ACCESS_LOG_LIMIT]
    )
    return [
        Item(
            ItemSection.ACCESS_LOG,
            "access_log_entry",
            str(entry.sequence),
            f"{entry.action} on {_text(entry.at)}",
            _fields(
                when=entry.at,
                who=entry.username,
                their_agency=entry.agency_slug,
                action=entry.action,
                outcome=entry.get_outcome_display(),
                reason_given=entry.justification,
            ),
            # Another agency's reader, or a reason in someone's own words, names people
            # other than the subject: reviewed before release like any third party.
            review_anyway=entry.agency_slug != agency.slug or bool(entry.justification),
        )
        for entry in reversed(list(entries))
    ]
