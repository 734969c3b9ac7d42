"""The referral inbox in two places outside its own pages: the count beside
"Referrals" in the menu, and the counts of "Your inbox" on the home page
(`inbox_counts`, which calendars.home reads); and the
urgent concerns waiting for the reader's acknowledgement, on the home page. Each
is one query, and only for the people who work referrals."""

from django import template
from django.utils import timezone

from agencies.access import can
from agencies.audit import access_list_record
from common.counts import capped_counts
from referrals.models import ReferralState
from referrals.selectors import inbox_received
from referrals.selectors.concerns import concern_list_awaiting_acknowledgement

register = template.Library()


def inbox_counts(request) -> dict:
    """Awaiting a decision, of which overdue, and being worked: one query, kept on
    the request so that the menu and the home page share it. Each is capped
    (`common.counts`): past the cap the menu says "99+", and a national MASH's tens
    of thousands of referrals cost what ten do."""
    cached = getattr(request, "_referral_inbox_counts", None)
    if cached is not None:
        return cached
    now = timezone.now()
    # Only the states counted are read (the `referral_inbox` index's leading state),
    # never the agency's whole history of received referrals.
    received = inbox_received(actor=request.user)
    counts = capped_counts(
        {
            "awaiting": received.filter(state=ReferralState.SENT),
            "overdue": received.filter(state=ReferralState.SENT, decision_due_at__lt=now),
            "open": received.filter(state__in=[ReferralState.ACCEPTED, ReferralState.IN_PROGRESS]),
        }
    )
    request._referral_inbox_counts = counts
    return counts


@register.simple_tag(takes_context=True)
def referrals_awaiting(context) -> int:
    """How many referrals wait for the reader's agency to accept or decline them, at
    most one past the cap (shown with `count_text`: "99+")."""
    request = context.get("request")
    if request is None:
        return 0
    return inbox_counts(request)["awaiting"]


# How many waiting concerns the home page lists before linking to the rest.
_HOME_CONCERNS = 10


@register.inclusion_tag("referrals/includes/concerns_home.html", takes_context=True)
def urgent_concerns_home(context) -> dict:
    """Urgent concerns on referrals the reader's agency sent that wait for
    acknowledgement, for the lead officer, the team and the supervisors: one query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can(user, "referrals.concern.acknowledge"):
        return {"show": False}
    waiting = list(concern_list_awaiting_acknowledgement(actor=user)[: _HOME_CONCERNS + 1])
    access_list_record(actor=user, records=waiting[:_HOME_CONCERNS])
    return {
        "show": bool(waiting),
        "concerns": waiting[:_HOME_CONCERNS],
        "more": len(waiting) > _HOME_CONCERNS,
        "now": timezone.now(),
    }
