"""What the case page's tabs read, each read made only by the tab that shows it
(cases.views.case_tabs). Moved here from the one long page it was (issue 18)."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from agencies.access import can
from cases import selectors
from cases.history import case_history
from cases.models import CaseSource
from cases.selectors.events import bail_summaries, event_list
from cases.selectors.material import activist_evidence_get_for_actor
from common.errors import NotFound

HISTORY_SHOWN = 50


def url_or_none(name: str, *args) -> str | None:
    """The URL of a page another part of the app may not have added yet: the link is
    left out rather than the whole page failing."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def material(actor, case) -> dict:
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


def activist_evidence(actor, case) -> dict | None:
    if case.source != CaseSource.ACTIVIST_GROUP:
        return None
    evidence = activist_evidence_get_for_actor(actor=actor, case=case)
    return {
        "evidence": evidence,
        "edit_url": url_or_none("case-activist-evidence-edit", case.id)
        if case.is_open and can(actor, "cases.case.change", case)
        else None,
    }


def outcomes(actor, case, parties_by_key: dict) -> list:
    today = timezone.localdate()
    found = list(selectors.outcome_list(actor=actor, case=case, parties=parties_by_key.values()))
    may_record = can(actor, "cases.outcome.add", case)
    for outcome in found:
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
    return found


def investigation(actor, case, parties_by_key: dict) -> dict | None:
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


def history(actor, case) -> list[dict]:
    if not can(actor, "cases.history.view", case):
        return []
    return case_history(actor=actor, case=case)[:HISTORY_SHOWN]
