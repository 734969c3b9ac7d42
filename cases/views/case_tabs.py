"""The case page (issue 18): a key-facts header above every tab, the summary at
/cases/<id>/ and one sub-page per part of the case (cases.case_tabs), each reading
and logging only what it shows. Each runs a small fixed number of queries, whatever
the number of records in the case (pinned in tests/cases/test_case_tabs.py)."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from agencies.access import can
from cases import selectors
from cases.case_tabs import TABS, case_tab_url
from cases.models import ContactChannel, OffenceType, PartyRole
from cases.panels import FACTS, CasePageReads, case_panels
from cases.selectors.identifiers import identifiers_by_party
from cases.selectors.transfers import pending_transfer_of
from cases.views import case_tab_reads as reads_of
from common.pages import capability_required


def _open(request, case_id, tab: str):
    actor = request.user
    case = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    return case, CasePageReads(actor=actor, case=case, tab=tab)


def _render(request, case, reads: CasePageReads, context: dict):
    """The tab's page: the header (the case's key facts, some from the apps above
    cases), the tabs, and what the tab shows."""
    actor = request.user
    tab = reads.tab
    is_open = case.is_open
    # The tab's panels first: a key fact may come from what they read (welfare's duties).
    panels = context.pop("panels") if "panels" in context else case_panels(actor, case, reads)
    page = {
        "case": case,
        "panels": panels,
        "tab": tab,
        "tabs": [
            {"slug": t.slug, "title": t.title, "url": case_tab_url(case.id, t.slug)} for t in TABS
        ],
        "facts": case_panels(actor, case, reads, tab=FACTS),
        "pending_transfer": context.pop("pending_transfer")
        if "pending_transfer" in context
        else pending_transfer_of(actor=actor, case=case),
        # A closed case takes nothing new (cases.services.common.case_open_require): its
        # pages offer nothing to add until a supervisor reopens it.
        "may": {
            "log_contact": is_open and can(actor, "cases.contact.add", case),
            "record_decision": is_open and can(actor, "cases.decision.add", case),
        },
    }
    page.update(context)
    return render(request, f"cases/tabs/{tab}.html", page)


def _named(actor, case, reads: CasePageReads, party_ids) -> list:
    """The parties a tab names (by key), logged as listed: a tab logs the people it
    shows, not everyone in the case."""
    shown = [party for party in reads.parties if party.pk in party_ids]
    selectors.party_list_logged(actor=actor, case=case, parties=shown)
    return shown


@capability_required("cases.case.view")
@require_GET
def case_detail(request, case_id):
    """The summary: the case's details and the reader's open tasks on it."""
    case, reads = _open(request, case_id, "summary")
    actor = request.user
    is_open = case.is_open
    pending = pending_transfer_of(actor=actor, case=case)
    may = {
        "change": is_open and can(actor, "cases.case.change", case),
        "close": is_open and pending is None and can(actor, "cases.case.close", case),
        "reopen": not is_open and can(actor, "cases.case.reopen", case),
        "transfer": is_open and pending is None and can(actor, "cases.transfer.request", case),
        "log_contact": is_open and can(actor, "cases.contact.add", case),
        "record_decision": is_open and can(actor, "cases.decision.add", case),
    }
    # The case summary to print (records, issue 19), open or closed, for those who may.
    print_summary = (
        reads_of.url_or_none("case-summary-print", case.id)
        if can(actor, "records.case_summary.print", case)
        else None
    )
    return _render(
        request,
        case,
        reads,
        {"may": may, "pending_transfer": pending, "print_summary_url": print_summary},
    )


@capability_required("cases.case.view")
@require_GET
def case_parties(request, case_id):
    """The people in the case, each with their age at the offence, how to contact them
    safely and their identifiers."""
    case, reads = _open(request, case_id, "parties")
    actor = request.user
    parties = reads.parties
    selectors.party_list_logged(actor=actor, case=case, parties=parties)
    ages = selectors.party_ages(case=case, parties=parties)
    channels = dict(ContactChannel.choices)
    identifiers = identifiers_by_party(actor=actor, case=case, parties=parties)
    for party in parties:
        party.age_at_offence = ages.get(party.pk)
        party.preferred_channel_label = channels.get(party.person.preferred_channel, "")
        party.identifier_list = identifiers[party.pk]
    is_open = case.is_open
    may = {
        "add_party": is_open and can(actor, "cases.party.add", case),
        "add_identifier": is_open and can(actor, "cases.identifier.add", case),
        "remove_identifier": is_open and can(actor, "cases.identifier.remove", case),
        "log_contact": is_open and can(actor, "cases.contact.add", case),
        "record_decision": is_open and can(actor, "cases.decision.add", case),
        # The person's own page (their parts in every case the reader may see, possible
        # duplicates, merges): reached through the same parts, so never a 404 here.
        "view_person": can(actor, "cases.person.view"),
    }
    return _render(request, case, reads, {"parties": parties, "may": may, "panels": []})


@capability_required("cases.case.view")
@require_GET
def case_contacts(request, case_id):
    """The contacts logged with the people in the case, and the key decisions."""
    case, reads = _open(request, case_id, "contacts")
    actor = request.user
    parties_by_key = {party.pk: party for party in reads.parties}
    contacts = list(selectors.contact_list(actor=actor, case=case, parties=reads.parties))
    for contact in contacts:
        contact.party = parties_by_key[contact.party_id]
    _named(actor, case, reads, {contact.party_id for contact in contacts})
    context = {
        "contacts": contacts,
        "decisions": list(selectors.decision_list(actor=actor, case=case)),
        "panels": [],
    }
    return _render(request, case, reads, context)


@capability_required("cases.case.view")
@require_GET
def case_risk(request, case_id):
    """The case's level and assessments, flags and urgent concerns (from safeguarding
    and referrals)."""
    case, reads = _open(request, case_id, "risk")
    return _render(request, case, reads, {})


@capability_required("cases.case.view")
@require_GET
def case_strategy(request, case_id):
    """Strategy discussions about the children in the case (from safeguarding)."""
    case, reads = _open(request, case_id, "strategy")
    return _render(request, case, reads, {})


@capability_required("cases.case.view")
@require_GET
def case_referrals(request, case_id):
    """The referrals the reader's agency sent or received, and the agencies involved."""
    case, reads = _open(request, case_id, "referrals")
    return _render(request, case, reads, {})


@capability_required("cases.case.view")
@require_GET
def case_events(request, case_id):
    """The investigation: offences, events and bail, outcomes, the material summary and
    any activist-group evidence."""
    case, reads = _open(request, case_id, "events")
    actor = request.user
    parties = reads.parties
    parties_by_key = {party.pk: party for party in parties}
    offences = list(selectors.offence_list(actor=actor, case=case, parties=parties))
    outcomes = reads_of.outcomes(actor, case, parties_by_key)
    investigation = reads_of.investigation(actor, case, parties_by_key)
    named = {party.pk for offence in offences for party in offence.visible_parties}
    named |= {outcome.suspect_id for outcome in outcomes}
    named |= {event.suspect_id for event in (investigation or {}).get("events", [])}
    suspects_with_outcome = {outcome.suspect_id for outcome in outcomes}
    suspects_without_outcome = [
        p for p in parties if p.role == PartyRole.SUSPECT and p.pk not in suspects_with_outcome
    ]
    named |= {party.pk for party in suspects_without_outcome}
    _named(actor, case, reads, named)
    is_open = case.is_open
    context = {
        "offences": offences,
        "outcomes": outcomes,
        "suspects_without_outcome": suspects_without_outcome,
        "investigation": investigation,
        "material": reads_of.material(actor, case),
        "activist": reads_of.activist_evidence(actor, case),
        "other_offence": OffenceType.OTHER,
        "links": {
            "outcome_create": reads_of.url_or_none("case-outcome-create", case.id)
            if is_open and can(actor, "cases.outcome.add", case)
            else None,
        },
        "may": {"add_offence": is_open and can(actor, "cases.offence.add", case)},
        "panels": [],
    }
    return _render(request, case, reads, context)


@capability_required("cases.case.view")
@require_GET
def case_welfare(request, case_id):
    """Victims' Code, support for suspects' families and suspect welfare (from welfare)."""
    case, reads = _open(request, case_id, "welfare")
    return _render(request, case, reads, {})


@capability_required("cases.case.view")
@require_GET
def case_documents(request, case_id):
    case, reads = _open(request, case_id, "documents")
    actor = request.user
    documents = list(selectors.document_list(actor=actor, case=case))
    for document in documents:
        document.download_url = reads_of.url_or_none(
            "api:case-document-download", case.id, document.id
        )
    context = {
        "documents": documents,
        "links": {
            "document_create": reads_of.url_or_none("case-document-create", case.id)
            if case.is_open and can(actor, "cases.document.add", case)
            else None
        },
        "panels": [],
    }
    return _render(request, case, reads, context)


@capability_required("cases.case.view")
@require_GET
def case_history(request, case_id):
    case, reads = _open(request, case_id, "history")
    context = {
        "history": reads_of.history(request.user, case),
        "history_shown": reads_of.HISTORY_SHOWN,
        "panels": [],
    }
    return _render(request, case, reads, context)


# The summary keeps its place and name (case-detail, in cases.views.cases): what every
# other page links to.
urlpatterns = [
    path("cases/<uuid:case_id>/parties/", case_parties, name="case-parties"),
    path("cases/<uuid:case_id>/contacts/", case_contacts, name="case-contacts"),
    path("cases/<uuid:case_id>/risk/", case_risk, name="case-risk"),
    path("cases/<uuid:case_id>/strategy/", case_strategy, name="case-strategy"),
    path("cases/<uuid:case_id>/referrals/", case_referrals, name="case-referrals"),
    path("cases/<uuid:case_id>/events/", case_events, name="case-events"),
    path("cases/<uuid:case_id>/welfare/", case_welfare, name="case-welfare"),
    path("cases/<uuid:case_id>/documents/", case_documents, name="case-documents"),
    path("cases/<uuid:case_id>/history/", case_history, name="case-history"),
]
