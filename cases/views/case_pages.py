"""The case list and the case page: where a generalist officer spends the day.

Both pages read through the selectors in a fixed number of queries, whatever the
number of cases on a page or of parties, contacts and decisions in a case."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from agencies.access import can
from agencies.audit import access_list_record
from agencies.selectors import member_list_for_casework, team_list
from cases import selectors
from cases.forms import CaseListPageFilter
from cases.history import case_history
from cases.models import CaseSource, ContactChannel, OffenceType, PartyRole
from cases.panels import CasePageReads, case_panels
from cases.selectors.events import bail_summaries, event_list
from cases.selectors.identifiers import identifiers_by_party
from cases.selectors.material import activist_evidence_get_for_actor
from cases.selectors.transfers import pending_transfer_of
from common.errors import NotFound
from common.keyset import keyset_page_for_request
from common.pages import capability_required

CASES_PER_PAGE = 25
HISTORY_SHOWN = 50


def url_or_none(name: str, *args) -> str | None:
    """The URL of a page another part of the app may not have added yet: the link is
    left out rather than the whole page failing."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- The case list


@capability_required("cases.case.view")
@require_GET
def case_list(request):
    members = list(member_list_for_casework(actor=request.user))
    teams = list(team_list(actor=request.user))
    filtering = any(value for key, value in request.GET.items() if key not in ("page", "cursor"))
    filtering_by = {
        "filters": request.GET if filtering else None,
        "filterset_class": CaseListPageFilter,
        "members": members,
        "teams": teams,
    }
    # The form shows what was asked, and what was refused in the error summary.
    form = CaseListPageFilter(
        filtering_by["filters"], actor=request.user, members=members, teams=teams
    ).form
    cases = []
    page = None
    try:
        found = selectors.case_list_with_parties(actor=request.user, **filtering_by)
    except ValidationError:
        found = None
    if found is not None:
        # By keyset on the selector's ordering: no COUNT of the scope, no OFFSET.
        page = keyset_page_for_request(request, found, page_size=CASES_PER_PAGE)
        cases = list(page.object_list)
        access_list_record(actor=request.user, records=cases)
    for case in cases:
        case.victims = [p for p in case.visible_parties if p.role == PartyRole.VICTIM]
    context = {
        "form": form,
        "cases": cases,
        "page": page,
        "filtering": filtering,
        # Every case on the list is the agency's own or granted to it, and logging a
        # contact is one of the things a grant allows: the role decides.
        "may_log_contacts": can(request.user, "cases.contact.add"),
        "may_create": can(request.user, "cases.case.create"),
    }
    return render(request, "cases/case_list.html", context)


# --- The case page


def _material(actor, case) -> dict:
    """The material section exists only for those cleared for it."""
    try:
        summary = selectors.material_get_for_actor(actor=actor, case=case)
    except NotFound:
        return {"cleared": False}
    return {
        "cleared": True,
        "summary": summary,
        "edit_url": url_or_none("case-material-edit", case.id)
        if can(actor, "cases.material.change", case)
        else None,
    }


def _activist_evidence(actor, case) -> dict | None:
    if case.source != CaseSource.ACTIVIST_GROUP:
        return None
    evidence = activist_evidence_get_for_actor(actor=actor, case=case)
    return {
        "evidence": evidence,
        "edit_url": url_or_none("case-activist-evidence-edit", case.id)
        if case.is_open and can(actor, "cases.case.change", case)
        else None,
    }


def _outcomes(actor, case, parties_by_key: dict) -> list:
    today = timezone.localdate()
    outcomes = list(selectors.outcome_list(actor=actor, case=case, parties=parties_by_key.values()))
    may_record = can(actor, "cases.outcome.add", case)
    for outcome in outcomes:
        outcome.suspect = parties_by_key[outcome.suspect_id]
        # Attributes for the template, not model fields.
        outcome.prosecution_decision_needed = bool(  # type: ignore[attr-defined]
            outcome.is_conditional_caution
            and outcome.conditions_due_on is not None
            and outcome.conditions_due_on < today
            and not outcome.conditions_met
        )
        outcome.conditions_url = (  # type: ignore[attr-defined]
            url_or_none("case-outcome-conditions", case.id, outcome.id)
            if may_record and outcome.is_conditional_caution
            else None
        )
    return outcomes


def _investigation(actor, case, parties_by_key: dict) -> dict | None:
    """The events section, for those who may read events: the timeline, and each
    suspect on pre-charge bail with its end date."""
    if not can(actor, "cases.event.view", case):
        return None
    events = list(event_list(actor=actor, case=case, parties=parties_by_key.values()))
    for event in events:
        event.suspect = parties_by_key[event.suspect_id]
        # "inspector", not "Inspector (up to 6 months)": the limit is the form's business.
        event.bail_authority_name = (  # type: ignore[attr-defined]
            event.get_bail_authority_display().split(" (")[0].lower()
            if event.bail_authority
            else ""
        )
    return {
        "events": events,
        "bail": bail_summaries(actor=actor, case=case, events=events) if events else [],
        "create_url": url_or_none("event-create", case.id)
        if can(actor, "cases.event.add", case)
        else None,
    }


def _history(actor, case) -> list[dict]:
    if not can(actor, "cases.history.view", case):
        return []
    return case_history(actor=actor, case=case)[:HISTORY_SHOWN]


def _ages_at_offence(case, parties, offences) -> dict:
    """Each party's age at the earliest offence that concerns them, else on the day
    the case was received (as `selectors.party_ages`), read from the offences the
    page lists anyway, with their visible parties: one query fewer."""
    first_offence: dict = {}
    for offence in offences:
        for party in offence.visible_parties:
            if party.pk not in first_offence or offence.committed_from < first_offence[party.pk]:
                first_offence[party.pk] = offence.committed_from
    return {
        party.pk: selectors.age_on(party.person, first_offence.get(party.pk, case.received_on))
        for party in parties
    }


@capability_required("cases.case.view")
@require_GET
def case_detail(request, case_id):
    actor = request.user
    case = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    parties = list(selectors.party_list(actor=actor, case=case))
    selectors.party_list_logged(actor=actor, case=case, parties=parties)
    # The records below are read of these parties, by key, and shown with them.
    parties_by_key = {party.pk: party for party in parties}
    offences = list(selectors.offence_list(actor=actor, case=case, parties=parties))
    ages = _ages_at_offence(case, parties, offences)
    channels = dict(ContactChannel.choices)
    for party in parties:
        party.age_at_offence = ages.get(party.pk)
        party.preferred_channel_label = channels.get(party.person.preferred_channel, "")
    # Each party's identifiers, read once for all of them.
    identifiers = identifiers_by_party(actor=actor, case=case, parties=parties)
    for party in parties:
        party.identifier_list = identifiers[party.pk]
    documents = list(selectors.document_list(actor=actor, case=case))
    for document in documents:
        document.download_url = url_or_none("api:case-document-download", case.id, document.id)
    outcomes = _outcomes(actor, case, parties_by_key)
    contacts = list(selectors.contact_list(actor=actor, case=case, parties=parties))
    for contact in contacts:
        contact.party = parties_by_key[contact.party_id]
    suspects_with_outcome = {outcome.suspect_id for outcome in outcomes}
    # A closed case takes nothing new (cases.services.common.case_open_require): its
    # page offers nothing to add until a supervisor reopens it.
    is_open = case.is_open
    pending_transfer = pending_transfer_of(actor=actor, case=case)
    may = {
        "change": is_open and can(actor, "cases.case.change", case),
        "close": is_open and pending_transfer is None and can(actor, "cases.case.close", case),
        "reopen": not is_open and can(actor, "cases.case.reopen", case),
        "transfer": is_open
        and pending_transfer is None
        and can(actor, "cases.transfer.request", case),
        "add_party": is_open and can(actor, "cases.party.add", case),
        "add_identifier": is_open and can(actor, "cases.identifier.add", case),
        "remove_identifier": is_open and can(actor, "cases.identifier.remove", case),
        "add_offence": is_open and can(actor, "cases.offence.add", case),
        "log_contact": is_open and can(actor, "cases.contact.add", case),
        "record_decision": is_open and can(actor, "cases.decision.add", case),
    }
    links = {
        "outcome_create": url_or_none("case-outcome-create", case.id)
        if is_open and can(actor, "cases.outcome.add", case)
        else None,
        "document_create": url_or_none("case-document-create", case.id)
        if is_open and can(actor, "cases.document.add", case)
        else None,
    }
    context = {
        "case": case,
        "parties": parties,
        "offences": offences,
        "contacts": contacts,
        "decisions": list(selectors.decision_list(actor=actor, case=case)),
        "material": _material(actor, case),
        "activist": _activist_evidence(actor, case),
        "investigation": _investigation(actor, case, parties_by_key),
        "outcomes": outcomes,
        "suspects_without_outcome": [
            p for p in parties if p.role == PartyRole.SUSPECT and p.pk not in suspects_with_outcome
        ],
        "documents": documents,
        "history": _history(actor, case),
        "history_shown": HISTORY_SHOWN,
        "may": may,
        "links": links,
        "other_offence": OffenceType.OTHER,
        # The panels read what they show of the parties from the page's own read.
        "panels": case_panels(actor, case, CasePageReads(actor=actor, case=case, parties=parties)),
        "pending_transfer": pending_transfer,
    }
    return render(request, "cases/case_detail.html", context)
