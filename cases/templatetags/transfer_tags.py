"""Transfers on the home page and in the menu: what waits for the reader's force's
supervisors to decide."""

from django import template
from django.template.loader import render_to_string

from agencies import access
from agencies.audit import access_list_record
from cases.models import TransferState
from cases.selectors import transfers as selectors_transfers

register = template.Library()

# Rows on the home page; the full list is a link away.
HOME_LIMIT = 10


@register.simple_tag(takes_context=True)
def transfers_home(context) -> str:
    """For a supervisor: the transfers asked of their force, waiting for a decision."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.can(user, "cases.transfer.decide"):
        return ""
    waiting = list(
        selectors_transfers.transfer_list(
            actor=user,
            filters={"direction": selectors_transfers.INCOMING, "state": TransferState.REQUESTED},
        )[: HOME_LIMIT + 1]
    )
    if not waiting:
        return ""
    shown = waiting[:HOME_LIMIT]
    # Each row names a case: the log names every transfer shown.
    access_list_record(actor=user, records=shown)
    return render_to_string(
        "cases/includes/transfers_home.html",
        {"transfers": shown, "more": len(waiting) > HOME_LIMIT},
        request=request,
    )


@register.simple_tag(takes_context=True)
def transfers_awaiting(context) -> int:
    """How many transfers wait for the reader's force's supervisors, for the menu."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return 0
    return selectors_transfers.transfers_waiting_count(actor=user)
